/**
 * The cluster's user directory: how to reach a Sigmatiq user (the `user` of a job) when an
 * operator stops, cancels or retries their job with a note. Kept on the cluster, edited by admins.
 * A Slack webhook URL is a credential (anyone holding it can post): write-only, like a channel's.
 */
import { z } from 'zod';
import { isLocalOrPrivateHost, urlHint } from './alert-channels.ts';
import { UserName } from './jobs.ts';

const SlackUrl = z
  .string()
  .max(2000, 'a URL of at most 2000 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLocalOrPrivateHost(u.hostname));
    } catch {
      return false;
    }
  }, 'a Slack incoming webhook URL, e.g. https://hooks.slack.com/services/T000/B000/XXXX (http only for loopback or private hosts)');

/**
 * `PUT /api/v1/alerts/users/:user` (admin): how to reach the user. Email and phone are taken as
 * given (left out, they are removed). The Slack URL is write-only, so the app cannot send it back:
 * left out it stays as stored, `null` removes it. At least one way must remain
 * (`applyUserContact`).
 */
export const UserContactRequest = z.strictObject({
  email: z.email('an email address, e.g. ana@example.com').optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in international form, e.g. +15551234567').optional(),
  slackWebhookUrl: SlackUrl.nullable().optional(),
});
export type UserContactRequest = z.infer<typeof UserContactRequest>;

/** A stored entry, secrets included: only the cluster's delivery code reads this. */
export interface StoredUserContact {
  user: string;
  email?: string | undefined;
  phone?: string | undefined;
  slackWebhookUrl?: string | undefined;
}

/** The entry a request leaves for `user` over what is stored, or the problem in words when no way to reach them would remain. */
export function applyUserContact(user: string, stored: StoredUserContact | null, request: UserContactRequest): { entry: StoredUserContact } | { problem: string } {
  const slack = request.slackWebhookUrl === undefined ? stored?.slackWebhookUrl : (request.slackWebhookUrl ?? undefined);
  const entry: StoredUserContact = {
    user,
    ...(request.email !== undefined ? { email: request.email } : {}),
    ...(request.phone !== undefined ? { phone: request.phone } : {}),
    ...(slack !== undefined ? { slackWebhookUrl: slack } : {}),
  };
  if (entry.email === undefined && entry.phone === undefined && entry.slackWebhookUrl === undefined) {
    return { problem: `give at least one of email, phone or slackWebhookUrl${stored ? `, or remove ${user} from the directory` : ''}` };
  }
  return { entry };
}

/** An entry as the API answers it: the Slack URL reduced to a hint. */
export const UserContact = z.object({
  user: UserName,
  email: z.string().optional(),
  phone: z.string().optional(),
  slackWebhookUrlHint: z.string().optional(),
});
export type UserContact = z.infer<typeof UserContact>;

export const UserContactList = z.object({ items: z.array(UserContact) });

export function publicUserContact(entry: StoredUserContact): UserContact {
  return {
    user: entry.user,
    ...(entry.email !== undefined ? { email: entry.email } : {}),
    ...(entry.phone !== undefined ? { phone: entry.phone } : {}),
    ...(entry.slackWebhookUrl !== undefined ? { slackWebhookUrlHint: urlHint(entry.slackWebhookUrl) } : {}),
  };
}
