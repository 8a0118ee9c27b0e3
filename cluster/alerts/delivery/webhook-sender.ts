/**
 * Generic webhook: POST the JSON payload, signed with the channel's secret when it has one
 * (`X-Sigmatiq-Signature: sha256=<hex>` over the exact bytes sent). Any 2xx is delivered; 408,
 * 429 and 5xx are retried; other answers need the receiver to change and fail at once.
 */
import { DeliveryError } from './delivery-error.ts';
import { hostOf, postToReceiver } from './http-post.ts';
import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER, type WebhookPayload } from '../message-format.ts';

export async function sendWebhook(target: { url: string; secret?: string | undefined }, payload: WebhookPayload, timeoutMs?: number): Promise<string> {
  const body = JSON.stringify(payload);
  const answer = await postToReceiver(target.url, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'sigmatiq-alerts/1',
      // A receiver drops a delivery it has already seen: retries repeat the same key.
      'x-sigmatiq-delivery': payload.groupKey,
      ...(target.secret !== undefined ? { [WEBHOOK_SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(body, target.secret) } : {}),
    },
    body,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  const host = hostOf(target.url);
  if (answer.status >= 200 && answer.status < 300) return `the webhook at ${host} answered ${answer.status}`;
  const retryable = answer.status === 408 || answer.status === 429 || answer.status >= 500;
  const hint =
    answer.status === 401 || answer.status === 403
      ? 'the receiver refused the request — check that it verifies the signature with the same secret'
      : answer.status === 404 || answer.status === 405
        ? 'no receiver at that URL — check the path'
        : retryable
          ? 'the receiver has a problem — it is retried'
          : 'the receiver did not accept the payload';
  throw new DeliveryError(`the webhook at ${host} answered ${answer.status}: ${hint}`, { retryable, retryAfterMs: answer.retryAfterMs });
}
