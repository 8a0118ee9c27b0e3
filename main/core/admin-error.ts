/**
 * Errors of the AdminApi as data: a code the UI can branch on, words for the admin, and the HTTP
 * status browser mode answers with (400 bad arguments, 404 unknown cluster/job/method, 409 a state
 * conflict here, 502 the cluster failed or refused). Everything thrown inside the core ends up as
 * an AdminErrorBody through `toAdminError` — never a stack trace for the admin.
 */
import type { AdminErrorBody } from '../../contract/admin-api.ts';
import { ClusterRequestError } from './clusters/cluster-errors.ts';
import { CacheQueryError } from './cache/job-cache.ts';

export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminError';
  }

  get body(): AdminErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** Any thrown value as an AdminError (with a log line for the unexpected ones). */
export function toAdminError(error: unknown, log?: (line: string) => void): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof ClusterRequestError) {
    if (error.kind === 'api') {
      // The cluster understood and refused (409 "job is running: use stop", 404, 400 …).
      const code = error.apiError?.code ?? 'cluster-refused';
      return new AdminError(code, error.message, error.httpStatus === 404 ? 404 : 502, error.apiError?.details);
    }
    return new AdminError(`cluster-${error.kind}`, error.message, 502);
  }
  if (error instanceof CacheQueryError) return new AdminError('invalid-arguments', error.message, 400);
  log?.(`unexpected error in the desktop core: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new AdminError('internal', `Something went wrong in the app: ${error instanceof Error ? error.message : String(error)}`, 500);
}
