/**
 * One batch to one stored channel: formats it for the channel's kind (message-format.ts) and
 * sends it. Answers what the receiver accepted, in words; throws a DeliveryError in words.
 */
import type { AlertNotification } from '../../../contract/alerts.ts';
import type { StoredAlertChannel } from '../../../contract/alert-channels.ts';
import { emailMessage, slackMessage, smsText, webhookPayload, type MessageContext } from '../message-format.ts';
import { DeliveryError } from './delivery-error.ts';
import { sendSlack } from './slack-sender.ts';
import { sendEmail } from './smtp-sender.ts';
import { sendTwilioSms } from './twilio-sender.ts';
import { sendWebhook } from './webhook-sender.ts';

export interface SendOptions {
  /** Per receiver call (HTTP request, SMTP step). */
  timeoutMs?: number;
}

export async function sendToChannel(
  channel: StoredAlertChannel,
  batch: readonly AlertNotification[],
  ctx: MessageContext,
  groupKey: string,
  options: SendOptions = {},
): Promise<string> {
  if (batch.length === 0) throw new DeliveryError('nothing to send', { retryable: false });
  switch (channel.kind) {
    case 'email':
      return sendEmail(channel, channel.to, emailMessage(batch, ctx), options.timeoutMs);
    case 'slack':
      return sendSlack(channel.webhookUrl, slackMessage(batch, ctx), options.timeoutMs);
    case 'webhook':
      return sendWebhook(channel, webhookPayload(batch, ctx, groupKey), options.timeoutMs);
    case 'sms': {
      const text = smsText(batch, ctx);
      // Each number gets its own message; a number that fails does not hold back the others.
      const results = await Promise.allSettled(channel.to.map((to) => sendTwilioSms(channel, to, text, options.timeoutMs)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length === 0) return results.map((r) => (r as PromiseFulfilledResult<string>).value).join('; ');
      const words = failed.map((e) => (e instanceof Error ? e.message : String(e)));
      const sent = results.length - failed.length;
      throw new DeliveryError(`${sent > 0 ? `sent to ${sent} of ${results.length} numbers; ` : ''}${words.join('; ')}`, {
        retryable: sent === 0 && failed.every((e) => e instanceof DeliveryError && e.retryable),
      });
    }
  }
}
