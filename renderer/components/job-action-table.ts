/**
 * Every button action on one job, described once for every place that offers it (the job tables'
 * rows and the job detail's action bar): its words, its look and what it asks before it is done.
 * When it is allowed is the contract's ACTIONS_BY_STATE (the cluster enforces it too), which
 * JobActionButton applies through actionDisabledReason. Change priority is a select, not a button.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import { JOB_ACTION_LABELS, type JobAction } from '../../contract/domain.ts';
import type { ConfirmSpec } from './action-button.tsx';

/** The actions that are buttons (delay and run-now need a time: not buttons here). */
export type JobButtonAction = Exclude<JobAction, 'set-priority' | 'delay' | 'run-now'>;

type JobRef = Pick<CachedJob, 'id' | 'type'>;

export interface JobActionSpec {
  /** The button's words (also its accessible name: "<label> job <id>"). */
  label: string;
  /** Shorter words where a table row has little room. */
  rowLabel: string;
  variant: 'default' | 'primary' | 'danger';
  /** The toast's title while it runs ("Stopping" → "Stopping job 42"). */
  doing: string;
  /** What happens, said before it is done; absent for actions that are easily undone. */
  confirm?: (job: JobRef) => ConfirmSpec;
}

/** A question before an action: "<verb> job <id>?", with other words for a sweep when it takes its child backtests along. */
function asks(verb: string, confirmLabel: string, body: string, sweepBody = body): (job: JobRef) => ConfirmSpec {
  return (job) => ({ title: `${verb} job ${job.id}?`, body: job.type === 'sweep' ? sweepBody : body, confirmLabel });
}

export const JOB_ACTIONS: Record<JobButtonAction, JobActionSpec> = {
  stop: {
    label: JOB_ACTION_LABELS.stop,
    rowLabel: 'Stop',
    variant: 'default',
    doing: 'Stopping',
    confirm: asks('Stop', 'Graceful stop', 'The job finishes its current step, then stops. Its work so far is kept; it will show as cancelled.'),
  },
  'force-stop': {
    label: JOB_ACTION_LABELS['force-stop'],
    rowLabel: 'Force stop',
    variant: 'danger',
    doing: 'Force stopping',
    confirm: asks(
      'Force stop',
      'Force stop now',
      'The job is terminated immediately; the step in progress is lost. Use this when the job is stuck and a graceful stop does not work.',
    ),
  },
  pause: { label: JOB_ACTION_LABELS.pause, rowLabel: 'Pause', variant: 'default', doing: 'Pausing' },
  resume: { label: JOB_ACTION_LABELS.resume, rowLabel: 'Resume', variant: 'default', doing: 'Resuming' },
  cancel: {
    label: JOB_ACTION_LABELS.cancel,
    rowLabel: 'Cancel',
    variant: 'default',
    doing: 'Cancelling',
    confirm: asks(
      'Cancel',
      'Cancel job',
      'The job leaves the queue and will not run. You can retry it later.',
      'The sweep leaves the queue and will not run. Its child backtests that have not started are cancelled with it; running ones finish and finished ones are kept. You can retry it later.',
    ),
  },
  retry: { label: JOB_ACTION_LABELS.retry, rowLabel: 'Retry', variant: 'primary', doing: 'Retrying' },
  delete: {
    label: JOB_ACTION_LABELS.delete,
    rowLabel: 'Delete',
    variant: 'danger',
    doing: 'Deleting',
    confirm: asks(
      'Delete',
      'Delete job',
      'The job and its logs are removed from the cluster. This cannot be undone.',
      'The sweep, all its child backtests and their logs are removed from the cluster. This cannot be undone.',
    ),
  },
};
