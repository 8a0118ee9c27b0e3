/**
 * Every way talking to a cluster can fail, as one error type with a problem kind and words for the
 * admin: wrong URL (DNS / refused), timeouts, TLS (self-signed without CA, wrong host, http vs
 * https), wrong token, an answer that is not the cluster API (not JSON / schema violation), server
 * failures — and the cluster's own API errors (409 conflict, 404 …) passed through.
 */
import type { ConnectionProblem, ConnectionStatus } from '../../../contract/admin-api.ts';
import { ApiError } from '../../../contract/api.ts';

/** `api`: the cluster understood and refused (4xx with its error body) — not a connection problem. */
export type ClusterErrorKind = ConnectionProblem | 'api';

export class ClusterRequestError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
    /** The cluster's error body, when it sent one. */
    readonly apiError: ApiError['error'] | null = null,
  ) {
    super(message);
    this.name = 'ClusterRequestError';
  }
}

/** The connection status a problem puts a cluster in. */
export function statusForProblem(problem: ConnectionProblem): ConnectionStatus {
  switch (problem) {
    case 'unreachable':
    case 'timeout':
    case 'tls':
      return 'offline';
    case 'unauthorized':
    case 'forbidden':
      return 'unauthorized';
    case 'incompatible':
    case 'server-error':
    case 'unhealthy':
      return 'degraded';
  }
}

const TLS_CERT_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the cluster's certificate is self-signed: add its certificate as the cluster's CA certificate",
  SELF_SIGNED_CERT_IN_CHAIN:
    "the cluster's certificate is signed by an unknown (self-signed) CA: add that CA certificate to the cluster",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the cluster's certificate cannot be verified (unknown issuer): add the issuing CA certificate to the cluster",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the cluster's certificate is signed by a CA this computer does not know: add that CA certificate to the cluster",
  CERT_HAS_EXPIRED: "the cluster's certificate has expired: renew it on the cluster",
  CERT_NOT_YET_VALID: "the cluster's certificate is not valid yet: check the clocks",
  ERR_TLS_CERT_ALTNAME_INVALID: "the cluster's certificate is for another host name: use the name it was issued for",
};

interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  name?: unknown;
  reason?: unknown;
}

/** Walk `cause` links to the innermost error with a `code` (undici wraps socket errors). */
function rootCause(error: unknown): ErrorWithCode {
  let current = error as ErrorWithCode;
  for (let i = 0; i < 6 && current && typeof current === 'object'; i++) {
    if (typeof current.code === 'string' && !String(current.code).startsWith('UND_ERR_ABORTED')) return current;
    if (!current.cause) break;
    current = current.cause as ErrorWithCode;
  }
  return current ?? {};
}

/** Turn a thrown network error into a ClusterRequestError that says what to check. */
export function classifyNetworkError(error: unknown, url: URL, timeoutMs: number): ClusterRequestError {
  if (error instanceof ClusterRequestError) return error;
  const where = url.host;
  const e = error as ErrorWithCode;
  if (e?.name === 'TimeoutError' || (e?.name === 'AbortError' && (e.reason as ErrorWithCode | undefined)?.name === 'TimeoutError')) {
    return new ClusterRequestError('timeout', `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s: the cluster may be overloaded or a firewall drops the traffic`);
  }
  const root = rootCause(error);
  const code = typeof root.code === 'string' ? root.code : '';
  const detail = typeof root.message === 'string' ? root.message : String(error);
  if (code in TLS_CERT_CODES) return new ClusterRequestError('tls', `TLS failed: ${TLS_CERT_CODES[code]} (${code})`);
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /wrong version number|ssl|tls/i.test(code)) {
    const hint = /wrong.version|packet.length|http.request/i.test(detail + code)
      ? `the server at ${where} does not speak TLS: try http:// instead of https://`
      : detail;
    return new ClusterRequestError('tls', `TLS failed: ${hint} (${code})`);
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ClusterRequestError('unreachable', `cannot find host "${url.hostname}" (DNS lookup failed): check the URL`);
    case 'ECONNREFUSED':
      return new ClusterRequestError('unreachable', `nothing is listening at ${where} (connection refused): check the URL and that the cluster is running`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ClusterRequestError('unreachable', `no route to ${where} (${code}): check the network and the URL`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return new ClusterRequestError('unreachable', `the connection to ${where} was cut (${code}): the cluster restarted or a proxy closed it`);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new ClusterRequestError('timeout', `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s (${code}): the cluster may be overloaded or unreachable`);
    case 'ERR_INVALID_URL':
      return new ClusterRequestError('unreachable', `the URL ${url.href} is not valid`);
  }
  return new ClusterRequestError('unreachable', `cannot reach ${where}: ${detail}${code ? ` (${code})` : ''}`);
}

/** A non-2xx answer as a ClusterRequestError; the cluster's error body is kept when present. */
export function classifyHttpError(status: number, body: unknown, what: string): ClusterRequestError {
  const parsed = ApiError.safeParse(body);
  const api = parsed.success ? parsed.data.error : null;
  const said = api ? `: ${api.message}` : '';
  if (status === 401) {
    return new ClusterRequestError('unauthorized', `wrong token: the cluster answered 401 Unauthorized${said} — enter a valid token for this cluster`, status, api);
  }
  if (status === 403) {
    return new ClusterRequestError('forbidden', `the token is not allowed to do this: the cluster answered 403 Forbidden${said}`, status, api);
  }
  if (status === 503 && api?.code === 'unavailable') {
    return new ClusterRequestError('unhealthy', `the cluster is up but not ready${said}`, status, api);
  }
  if (status >= 500) {
    return new ClusterRequestError('server-error', `the cluster failed on ${what}: ${status}${api ? ` ${api.code}` : ''}${said}`, status, api);
  }
  if (!api) {
    return new ClusterRequestError(
      'incompatible',
      `${what} answered ${status} without a Sigmatiq error body: is this URL a Sigmatiq cluster?`,
      status,
    );
  }
  return new ClusterRequestError('api', api.message, status, api);
}
