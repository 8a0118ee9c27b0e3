/**
 * Failure patterns: the causes a failed job is put under, what an admin does about each, and the
 * group record the desktop keeps per pattern. Words are the admins' own ("Job Failed" and "Job
 * Stuck" in the operations guide), so a label or step here is what an admin reads.
 */
import { z } from 'zod';

/** Why jobs of a pattern failed, as far as the message, error kind and stack tell. */
export const FAILURE_CAUSES = ['invalid-parameters', 'data-not-available', 'limit-exceeded', 'timeout', 'worker-lost', 'other'] as const;
export const FailureCause = z.enum(FAILURE_CAUSES);
export type FailureCause = z.infer<typeof FailureCause>;

export const FAILURE_CAUSE_LABELS: Record<FailureCause, string> = {
  'invalid-parameters': 'Invalid parameters',
  'data-not-available': 'Data not available',
  'limit-exceeded': 'Out of memory / limit exceeded',
  timeout: 'Timeout reached',
  'worker-lost': 'Worker lost (stalled)',
  other: 'Other',
};

/**
 * The suggested steps per cause, in order. They follow the guide's "Job Failed" solutions (check
 * error message, verify configuration, fix issue, retry job) and, for a lost worker, its "Job
 * Stuck" actions (check system health, view job logs, investigate cause), each made concrete.
 */
export const FAILURE_CAUSE_STEPS: Record<FailureCause, readonly string[]> = {
  'invalid-parameters': [
    'Check error message: it names the parameter that is wrong',
    'Verify configuration: compare it with what the group has in common',
    'Fix issue: correct the parameter, or tell the user who submitted it',
    'Retry job once the configuration is fixed (a retry with the same parameters fails again)',
  ],
  'data-not-available': [
    'Check error message: it names the symbol, date range or file',
    'Verify configuration: the ticker and the date range the job asked for',
    'Fix issue: add or repair the data file, or correct the symbol or range',
    'Retry job when the data is available',
  ],
  'limit-exceeded': [
    'Check error message: it names the limit and how far the job went over it',
    'Verify configuration: fewer symbols, a shorter date range or fewer lags make the job smaller',
    'Fix issue: make the job smaller, or raise the limit on a worker with the memory for it',
    'Retry job once the resource issue is fixed',
  ],
  timeout: [
    'Check error message and the job logs: which step was running when time ran out',
    'Verify configuration: a smaller request finishes sooner',
    'Fix issue: make the job smaller or give the type a longer time limit',
    'Retry job',
  ],
  'worker-lost': [
    'Check system health: is the worker node that ran it still up and heartbeating',
    'View job logs: the last step it reported before the worker stopped',
    'Investigate cause: a crash, out of memory or a restart of the node',
    'Retry job: a temporary error usually passes on another worker',
  ],
  other: ['Check error message', 'Verify configuration', 'Fix issue', 'Retry job'],
};

/** ISO-8601 instant, the shape of a job's timestamps. */
const Instant = z.iso.datetime({ offset: true });

/**
 * One failure pattern as the desktop keeps it: failures of one job type and error kind whose
 * messages reduce to one template (`signature`) and whose stacks share their top own frames.
 */
export const FailureGroup = z.object({
  /** Stable id: derived from the pattern when it was first seen, kept across restarts. */
  id: z.string().min(1).max(100),
  /** The message template, parameters masked (`data not available for symbol <symbol>: no file <path>`). */
  signature: z.string().max(10_000),
  category: FailureCause,
  jobType: z.string().min(1).max(100),
  /** The error's name or code (`DataNotAvailableError`, `TypeError`, `Error`). */
  errorKind: z.string().min(1).max(200),
  /** The first frames of the project's own code, without line numbers or absolute paths. */
  topFrames: z.array(z.string().max(500)).max(10),
  jobCount: z.int().min(0),
  firstSeenAt: Instant,
  lastSeenAt: Instant,
});
export type FailureGroup = z.infer<typeof FailureGroup>;

// ---------------------------------------------------------------- what the Failures screens read

/** How far back the Failures screen counts (the trend always covers the last 72 hours). */
export const FAILURE_PERIODS = ['24h', '7d', '30d', 'all'] as const;
export const FailurePeriod = z.enum(FAILURE_PERIODS);
export type FailurePeriod = z.infer<typeof FailurePeriod>;
export const FAILURE_PERIOD_MS: Record<FailurePeriod, number | null> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: null };

/** Hours in a group's trend (the sparkline), oldest first. */
export const FAILURE_TREND_HOURS = 72;

export const CountBy = z.object({ value: z.string(), count: z.int().min(0) });
export type CountBy = z.infer<typeof CountBy>;

/** One row of the Failures screen: the pattern and its numbers within the filter. */
export const FailureGroupRow = FailureGroup.extend({
  causeLabel: z.string(),
  /** Failures of the pattern within the filter (period, clusters, users). */
  count: z.int().min(0),
  users: z.array(CountBy),
  clusters: z.array(CountBy),
  /** Failures per hour over the last FAILURE_TREND_HOURS hours, oldest first. */
  hourly: z.array(z.int().min(0)),
  /** First seen within the last 24 hours. */
  isNew: z.boolean(),
  /** The last hours far above the pattern's usual rate. */
  isSpiking: z.boolean(),
});
export type FailureGroupRow = z.infer<typeof FailureGroupRow>;

export const FailureGroupPage = z.object({
  items: z.array(FailureGroupRow),
  /** Failures within the filter over all its groups. */
  failures: z.int().min(0),
});
export type FailureGroupPage = z.infer<typeof FailureGroupPage>;

/** A value over-represented in a group compared with the same type's completed jobs. */
export const InCommonFinding = z.object({
  dimension: z.enum(['config', 'user', 'node', 'hour']),
  key: z.string(),
  condition: z.string(),
  groupCount: z.int().min(0),
  groupTotal: z.int().min(0),
  baselineCount: z.int().min(0),
  baselineTotal: z.int().min(0),
  text: z.string(),
});
export type InCommonFinding = z.infer<typeof InCommonFinding>;

/** One failed job shown as the group's example: its message, stack and the reason of each attempt. */
export const FailureSample = z.object({
  clusterId: z.string(),
  jobId: z.string(),
  errorMessage: z.string(),
  errorStack: z.string().nullable(),
  /** The first line of each attempt's error, oldest first (a stack per attempt). */
  attemptReasons: z.array(z.string()),
  config: z.record(z.string(), z.unknown()).nullable(),
  workerId: z.string().nullable(),
});
export type FailureSample = z.infer<typeof FailureSample>;

export const FailureGroupDetail = z.object({
  group: FailureGroupRow,
  steps: z.array(z.string()),
  /** The templates merged into this group, its own first. */
  templates: z.array(z.string()),
  inCommon: z.array(InCommonFinding),
  /** Failed jobs compared and completed jobs of the same type(s) they were compared with. */
  compared: z.object({ failed: z.int().min(0), completed: z.int().min(0) }),
  sample: FailureSample.nullable(),
  /** Failed jobs of the group still waiting for their detail (config, stack) from the cluster. */
  withoutDetail: z.int().min(0),
});
export type FailureGroupDetail = z.infer<typeof FailureGroupDetail>;

/** A failure group id as the screens pass it. */
export const FailureGroupId = z.string().regex(/^fg-[0-9a-f]{16}(?:-\d{1,6})?$/, 'a failure group id (fg- and 16 hex digits)');
