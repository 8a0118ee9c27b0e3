/**
 * A failed send, in words an admin can act on, and whether trying again can help. The words never
 * carry a secret: receivers are named by host (a Slack webhook URL is the credential itself), and
 * a library's own message is used only where it cannot echo one back.
 */
export class DeliveryError extends Error {
  /** False when another attempt cannot succeed until someone changes the channel (wrong URL, refused login). */
  readonly retryable: boolean;
  /** How long the receiver asked to wait before the next attempt (HTTP 429 Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | undefined }) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function codeOf(error: unknown): string | undefined {
  let e: unknown = error;
  // undici wraps the socket error: fetch failed → cause: { code: 'ECONNREFUSED' }.
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A connection problem in words: "could not connect to smtp.example.com:587 (connection refused)
 * — check host and port". `target` is what may be shown (host and port, never a full URL).
 */
export function connectionErrorInWords(error: unknown, target: string, timeoutMs: number): DeliveryError {
  const code = codeOf(error);
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'the host name could not be resolved right now',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EPIPE: 'the connection was closed',
    UND_ERR_SOCKET: 'the connection was closed',
  };
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED' || (error as Error | undefined)?.name === 'TimeoutError') {
    return new DeliveryError(`${target} did not answer within ${Math.round(timeoutMs / 1000)} s — check that the receiver is up and reachable from the cluster`, { retryable: true });
  }
  if ((code !== undefined && code.startsWith('ERR_TLS')) || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'CERT_HAS_EXPIRED') {
    return new DeliveryError(`could not connect to ${target}: its TLS certificate is not trusted (${code}) — give the server a certificate from a trusted authority`, { retryable: false });
  }
  const reason = code !== undefined ? (why[code] ?? code) : 'the connection failed';
  return new DeliveryError(`could not connect to ${target} (${reason}) — check host and port`, { retryable: true });
}
