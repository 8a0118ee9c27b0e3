/**
 * SMS through Twilio's Messages API: one `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`
 * per recipient, form-encoded To, From and Body, HTTP basic auth with the Account SID and auth
 * token. Twilio answers 201 with the message, or an error JSON `{code, message, more_info}`; the
 * common codes are turned into what to do. The auth token never appears in an error.
 */
import { DeliveryError } from './delivery-error.ts';
import { hostOf, postToReceiver } from './http-post.ts';

export const TWILIO_API_BASE_URL = 'https://api.twilio.com';

export interface TwilioAccount {
  apiBaseUrl?: string | undefined;
  accountSid: string;
  authToken: string;
  from: string;
}

/** Twilio error codes an admin meets when setting up, and what to do about each. */
const TWILIO_ERRORS: Record<number, { advice: string; retryable: boolean }> = {
  20003: { advice: 'Twilio refused the Account SID and auth token — copy both again from the Twilio Console', retryable: false },
  20404: { advice: 'Twilio does not know this Account SID — copy it again from the Twilio Console', retryable: false },
  20429: { advice: 'too many requests to Twilio — it is retried later', retryable: true },
  21211: { advice: 'the "to" number is not a valid phone number', retryable: false },
  21212: { advice: 'the "from" number is not a valid phone number', retryable: false },
  21408: { advice: 'this Twilio account may not send SMS to that region — enable it under Messaging geo permissions', retryable: false },
  21606: { advice: 'the "from" number cannot send SMS — use an SMS-capable number of this Twilio account', retryable: false },
  21608: { advice: 'a trial Twilio account can only send to verified numbers — verify the number or upgrade the account', retryable: false },
  21610: { advice: 'the recipient has replied STOP to this number — they must reply START to receive messages again', retryable: false },
  21614: { advice: 'the "to" number cannot receive SMS', retryable: false },
};

function twilioError(text: string): { code?: number; message?: string } {
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    return {
      ...(typeof parsed.code === 'number' ? { code: parsed.code } : {}),
      ...(typeof parsed.message === 'string' ? { message: parsed.message.slice(0, 200) } : {}),
    };
  } catch {
    return {};
  }
}

/** Sends `body` to one number; answers Twilio's message SID in words. */
export async function sendTwilioSms(account: TwilioAccount, to: string, body: string, timeoutMs?: number): Promise<string> {
  const base = (account.apiBaseUrl ?? TWILIO_API_BASE_URL).replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  const answer = await postToReceiver(url, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
      accept: 'application/json',
    },
    body: new URLSearchParams({ To: to, From: account.from, Body: body }).toString(),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  if (answer.status >= 200 && answer.status < 300) {
    let sid: unknown;
    try {
      sid = (JSON.parse(answer.text) as { sid?: unknown }).sid;
    } catch {
      sid = undefined;
    }
    return `Twilio (${hostOf(url)}) accepted the SMS to ${to}${typeof sid === 'string' ? ` as ${sid}` : ''}`;
  }
  const { code, message } = twilioError(answer.text);
  const known = code !== undefined ? TWILIO_ERRORS[code] : undefined;
  const head = `Twilio answered ${answer.status}${code !== undefined ? ` (error ${code})` : ''} for ${to}`;
  if (known) throw new DeliveryError(`${head}: ${known.advice}`, { retryable: known.retryable, retryAfterMs: answer.retryAfterMs });
  if (answer.status === 401) throw new DeliveryError(`${head}: Twilio refused the Account SID and auth token — copy both again from the Twilio Console`, { retryable: false });
  if (answer.status === 429) throw new DeliveryError(`${head}: too many requests to Twilio — it is retried later`, { retryable: true, retryAfterMs: answer.retryAfterMs });
  if (answer.status >= 500) throw new DeliveryError(`${head}: Twilio has a problem — it is retried`, { retryable: true });
  throw new DeliveryError(`${head}${message ? `: ${message}` : ''}`, { retryable: false });
}
