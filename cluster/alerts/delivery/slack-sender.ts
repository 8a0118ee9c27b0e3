/**
 * Slack incoming webhooks: POST the Block Kit JSON; Slack answers 200 "ok" or a status with a
 * short error word ("no_service", "channel_is_archived"…), which is turned into what to do. The
 * webhook URL is the credential, so errors name Slack's host and never the URL.
 */
import { DeliveryError } from './delivery-error.ts';
import { hostOf, postToReceiver } from './http-post.ts';
import type { SlackMessage } from '../message-format.ts';

/** Slack's error words and what an admin does about each. */
const SLACK_ERRORS: Record<string, { advice: string; retryable: boolean }> = {
  invalid_payload: { advice: 'Slack did not accept the message format', retryable: false },
  invalid_blocks: { advice: "Slack did not accept the message's blocks — check that the cluster's admin URL is an http(s) URL (the message links to it)", retryable: false },
  invalid_blocks_format: { advice: "Slack did not accept the message's blocks", retryable: false },
  no_service: { advice: 'the webhook URL is wrong or was revoked — create a new one', retryable: false },
  no_service_id: { advice: 'the webhook URL is incomplete — copy it again from the Slack app', retryable: false },
  no_team: { advice: 'the Slack workspace of this webhook no longer exists — create a new webhook', retryable: false },
  team_disabled: { advice: 'the Slack workspace of this webhook is disabled — create a webhook in an active one', retryable: false },
  invalid_token: { advice: 'the webhook URL is wrong or was revoked — create a new one', retryable: false },
  channel_not_found: { advice: "the webhook's Slack channel was deleted — create a webhook for an existing channel", retryable: false },
  channel_is_archived: { advice: "the webhook's Slack channel is archived — unarchive it or create a webhook for another channel", retryable: false },
  action_prohibited: { advice: 'a Slack admin has restricted posting to this channel', retryable: false },
  posting_to_general_channel_denied: { advice: 'only admins may post to that Slack channel — pick another channel for the webhook', retryable: false },
  too_many_attachments: { advice: 'Slack did not accept the message format', retryable: false },
  rollup_error: { advice: 'Slack had an internal error — it is retried', retryable: true },
};

export async function sendSlack(webhookUrl: string, message: SlackMessage, timeoutMs?: number): Promise<string> {
  const answer = await postToReceiver(webhookUrl, {
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(message),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  if (answer.status >= 200 && answer.status < 300) return `Slack (${hostOf(webhookUrl)}) accepted the message`;
  const word = /^[a-z_]+$/.test(answer.text.trim()) ? answer.text.trim() : '';
  const known = SLACK_ERRORS[word];
  const head = `Slack answered ${answer.status}${word ? ` ${word}` : ''}`;
  if (answer.status === 429) return failure(`${head}: too many messages to this webhook — it is retried later`, true, answer.retryAfterMs);
  if (known) return failure(`${head}: ${known.advice}`, known.retryable);
  if (answer.status >= 500) return failure(`${head}: Slack has a problem — it is retried`, true);
  if (answer.status === 404 || answer.status === 410 || answer.status === 403) return failure(`${head}: the webhook URL is wrong or was revoked — create a new one`, false);
  return failure(`${head}: the receiver at ${hostOf(webhookUrl)} did not accept the message`, answer.status >= 500);
}

function failure(message: string, retryable: boolean, retryAfterMs?: number): never {
  throw new DeliveryError(message, { retryable, retryAfterMs });
}
