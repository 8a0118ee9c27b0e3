/**
 * The domain vocabulary of Sigmatiq Admin Jobs: job types, states and priorities,
 * with the labels and ordering the UI and the cluster share. Words are the admins' own,
 * so a label here is what an admin reads.
 */
import { z } from 'zod';

/** The six kinds of background work a Sigmatiq cluster runs. One BullMQ queue per type. */
export const JOB_TYPES = ['backtest', 'training', 'sweep', 'matrix-build', 'signal', 'report'] as const;
export const JobType = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof JobType>;

export const JOB_TYPE_LABELS: Record<JobType, string> = {
  backtest: 'Backtest',
  training: 'Training',
  sweep: 'Sweep',
  'matrix-build': 'Matrix Build',
  signal: 'Signal Generation',
  report: 'Report Generation',
};

/** What each type does and how long it usually takes, for tooltips and ETA fallbacks. */
export const JOB_TYPE_INFO: Record<JobType, { description: string; typicalMs: number }> = {
  backtest: { description: 'Test strategy on historical data', typicalMs: 5 * 60_000 },
  training: { description: 'Build machine learning model', typicalMs: 10 * 60_000 },
  sweep: { description: 'Test multiple variations', typicalMs: 30 * 60_000 },
  'matrix-build': { description: 'Prepare training data', typicalMs: 3 * 60_000 },
  signal: { description: 'Create trade alerts', typicalMs: 1_000 },
  report: { description: 'Create PDF/CSV reports', typicalMs: 2 * 60_000 },
};

/**
 * Our job states. BullMQ's own states (waiting, prioritized, delayed, active, …) are mapped onto
 * these by the cluster engine; `stuck` is a running job with no progress past the stuck threshold.
 */
export const JOB_STATES = ['pending', 'running', 'paused', 'stuck', 'completed', 'failed', 'cancelled'] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

export const JOB_STATE_LABELS: Record<JobState, string> = {
  pending: 'Pending',
  running: 'Running',
  paused: 'Paused',
  stuck: 'Stuck',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** States in which a job holds a worker slot (shown in the Active jobs table). */
export const ACTIVE_STATES: readonly JobState[] = ['running', 'paused', 'stuck'];
/** States from which a job will not move on its own. */
export const FINISHED_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

export function isActiveState(state: JobState): boolean {
  return ACTIVE_STATES.includes(state);
}
export function isFinishedState(state: JobState): boolean {
  return FINISHED_STATES.includes(state);
}

/** Priorities, processed strictly in this order within a queue. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const PRIORITY_LABELS: Record<Priority, string> = {
  critical: 'Critical',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

/** BullMQ priority numbers: lower runs first. Every job gets one, so ordering is strict. */
export const BULLMQ_PRIORITY: Record<Priority, number> = { critical: 1, high: 2, normal: 3, low: 4 };

export function priorityFromBullmq(n: number | undefined): Priority {
  const found = PRIORITIES.find((p) => BULLMQ_PRIORITY[p] === n);
  return found ?? 'normal';
}

/** Sort key for priorities: 0 = critical (first) … 3 = low (last). */
export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

/** Actions on a single job, as exposed by `POST /api/v1/jobs/:id/actions/<action>`. */
export const JOB_ACTIONS = ['cancel', 'stop', 'force-stop', 'pause', 'resume', 'retry', 'delete', 'set-priority', 'delay', 'run-now'] as const;
export const JobAction = z.enum(JOB_ACTIONS);
export type JobAction = z.infer<typeof JobAction>;

export const JOB_ACTION_LABELS: Record<JobAction, string> = {
  cancel: 'Cancel',
  stop: 'Graceful stop',
  'force-stop': 'Force stop',
  pause: 'Pause',
  resume: 'Resume',
  retry: 'Retry',
  delete: 'Delete',
  'set-priority': 'Change priority',
  delay: 'Delay',
  'run-now': 'Run now',
};

/**
 * Which actions make sense in which state. The cluster enforces it (409 otherwise); the UI uses it
 * to enable buttons and to say why one is disabled.
 */
export const ACTIONS_BY_STATE: Record<JobState, readonly JobAction[]> = {
  pending: ['cancel', 'set-priority', 'delete', 'delay', 'run-now'],
  running: ['stop', 'force-stop', 'pause'],
  paused: ['resume', 'stop', 'force-stop'],
  stuck: ['force-stop', 'stop'],
  completed: ['retry', 'delete'],
  failed: ['retry', 'delete'],
  cancelled: ['retry', 'delete'],
};

export function isActionAllowed(action: JobAction, state: JobState): boolean {
  return ACTIONS_BY_STATE[state].includes(action);
}
