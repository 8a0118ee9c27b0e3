/**
 * Errors a job handler ends with, recognisable by class and by `code` (the worker runtime maps them
 * to job states: stopped → `cancelled`, everything else → `failed` with the error's message).
 * `code` survives a trip through a child process, where `instanceof` does not.
 */

/** Machine-readable reason a job ended without a result. */
export type JobErrorCode = 'stopped' | 'timeout' | 'data-not-available' | 'bad-data' | 'limit-exceeded' | 'bad-input';

/** Base class: a job failure whose message is meant for the admin who reads it. */
export class JobError extends Error {
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** A graceful stop was honoured at a step boundary; the job ends `cancelled`, not `failed`. */
export class JobStoppedError extends JobError {
  constructor(
    readonly step: string,
    readonly reason?: string,
  ) {
    super('stopped', `stopped at step boundary before "${step}"${reason ? ` (${reason})` : ''}`);
    this.name = 'JobStoppedError';
  }
}

/**
 * The job ran past its time limit. The message is exactly "timeout" (what the admin's job table and
 * the acceptance checks read); `detail` says which limit and where it was hit.
 */
export class JobTimeoutError extends JobError {
  constructor(readonly detail: string) {
    super('timeout', 'timeout');
    this.name = 'JobTimeoutError';
  }
}

/** A symbol (or a date range of it) has no market data. */
export class DataNotAvailableError extends JobError {
  constructor(
    readonly symbol: string,
    message: string,
  ) {
    super('data-not-available', message);
    this.name = 'DataNotAvailableError';
  }
}

/** A data file exists but cannot be used (corrupt CSV, wrong header); names the file and line. */
export class BadDataError extends JobError {
  constructor(message: string) {
    super('bad-data', message);
    this.name = 'BadDataError';
  }
}

/** The request is larger than a configured limit allows; names the limit and what to change. */
export class LimitExceededError extends JobError {
  constructor(message: string) {
    super('limit-exceeded', message);
    this.name = 'LimitExceededError';
  }
}

/** The request cannot be done as asked (e.g. a sweep grid with no valid parameter set). */
export class BadInputError extends JobError {
  constructor(message: string) {
    super('bad-input', message);
    this.name = 'BadInputError';
  }
}

/** True for a graceful stop, also when the error crossed a process boundary as a plain object. */
export function isJobStopped(error: unknown): boolean {
  return error instanceof JobStoppedError || (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'stopped');
}
