/**
 * Which cause a failure pattern falls under, from what a failed job record carries: the message,
 * the error's kind (name or code) and nothing else. The cluster's job handlers end with a JobError
 * whose message names the problem ("data not available for symbol …", "training matrix too large
 * …", exactly "timeout"); the worker hands them on as `UnrecoverableError`, so the message is what
 * tells them apart. BullMQ and Node add their own: a stalled job, a child that exited, a heap that
 * ran out. Rules are tried in order; the first that matches decides.
 */
import { FAILURE_CAUSE_LABELS, FAILURE_CAUSE_STEPS, type FailureCause } from '../../../contract/failures.ts';

interface CauseRule {
  cause: FailureCause;
  /** Error kinds (names or codes) that decide alone. */
  kinds?: readonly string[];
  message?: RegExp;
}

const RULES: readonly CauseRule[] = [
  // The job ran past its limit: the handler's message is exactly "timeout".
  { cause: 'timeout', kinds: ['JobTimeoutError', 'timeout', 'ETIMEDOUT', 'TimeoutError'], message: /^timeout$|\btimed out\b|\btime limit\b|\bETIMEDOUT\b/i },
  // Memory before "lost worker": a child killed by the heap limit also exits unexpectedly.
  {
    cause: 'limit-exceeded',
    kinds: ['LimitExceededError', 'limit-exceeded', 'ERR_WORKER_OUT_OF_MEMORY'],
    message: /out of memory|heap limit|allocation failed|ERR_WORKER_OUT_OF_MEMORY|\bENOMEM\b|too large|\bover the [\w' ]*limit\b|limit exceeded|exceeds? the (?:\w+ )?limit|maxMatrixBytes|Maximum call stack/i,
  },
  {
    cause: 'worker-lost',
    kinds: ['worker-lost', 'stalled'],
    message: /\bstalled\b|allowable limit|Missing lock|lock mismatch|Unexpected exit code|Error initializing child|worker (?:node )?(?:was )?(?:lost|died|gone|stopped responding)|\bSIGKILL\b|\bSIGSEGV\b|\bSIGABRT\b/i,
  },
  {
    cause: 'data-not-available',
    kinds: ['DataNotAvailableError', 'data-not-available', 'BadDataError', 'bad-data', 'ENOENT'],
    message: /data not available|no data\b|market data file|matrix file|matrix manifest|no such file|\bENOENT\b/i,
  },
  {
    cause: 'invalid-parameters',
    kinds: ['BadInputError', 'bad-input', 'ZodError', 'validation_failed'],
    message: /\binvalid\b|not a valid|is not a (?:job id|sweep)|\bnot a sweep\b|too few|widen the date range|no valid parameter|the grid varies|diverged|\bmust be\b|expected .* to be|unrecognized key|give the id of|has no results|\bno job '[^']*' in this cluster/i,
  },
];

/** The cause of failures with this message and error kind. */
export function classifyFailure(message: string, errorKind?: string | null): FailureCause {
  const kinds = (errorKind ?? '').split(/\s+/).filter((k) => k !== '');
  for (const rule of RULES) if (rule.kinds && kinds.some((k) => rule.kinds!.includes(k))) return rule.cause;
  for (const rule of RULES) if (rule.message?.test(message)) return rule.cause;
  return 'other';
}

/** A cause with what an admin reads about it: its label and the suggested steps. */
export function describeCause(cause: FailureCause): { cause: FailureCause; label: string; steps: readonly string[] } {
  return { cause, label: FAILURE_CAUSE_LABELS[cause], steps: FAILURE_CAUSE_STEPS[cause] };
}
