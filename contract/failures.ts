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
