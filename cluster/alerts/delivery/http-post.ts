/**
 * One HTTP POST to a receiver (Slack, Twilio, a webhook) with a hard time limit, no redirects
 * followed (a receiver that redirects is misconfigured, and following would resend the body
 * elsewhere) and the answer read as text. A connection problem becomes a DeliveryError in words
 * naming the receiver's host only.
 */
import { request } from 'undici';
import { connectionErrorInWords } from './delivery-error.ts';

export interface HttpAnswer {
  status: number;
  /** The answer's body, cut to a few hundred characters (enough for an error message). */
  text: string;
  /** Retry-After in ms, when the receiver sent one. */
  retryAfterMs: number | undefined;
}

/** Long enough for a slow receiver, short enough that one dead receiver does not hold a worker. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** "hooks.slack.com" or "127.0.0.1:8080": what an error may name of a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the receiver';
  }
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export async function postToReceiver(url: string, init: { headers: Record<string, string>; body: string; timeoutMs?: number }): Promise<HttpAnswer> {
  const timeoutMs = init.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  try {
    const answer = await request(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await answer.body.text();
    return { status: answer.statusCode, text: text.slice(0, 500), retryAfterMs: retryAfter(answer.headers['retry-after']) };
  } catch (error) {
    throw connectionErrorInWords(error, hostOf(url), timeoutMs);
  }
}
