/**
 * Alert channels: where a cluster sends notifications (email over SMTP, a Slack incoming webhook,
 * SMS through Twilio, a generic signed webhook). The request shapes carry secrets (SMTP password,
 * webhook URLs, SMS auth token, webhook signing secret); those are write-only: what the API answers
 * and what logs, the audit and the desktop cache may hold is `AlertChannel`, built by
 * `publicAlertChannel`, which leaves every secret out.
 */
import { z } from 'zod';

const ChannelName = z.string().trim().min(1, 'a name, e.g. "On-call Slack"').max(100, 'a name of at most 100 characters');

/**
 * Loopback and private hosts, where plain http is fine (a receiver on the same machine or the
 * LAN); anything else must use https, or the URL and what it carries travel in clear text.
 */
export function isLocalOrPrivateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal')) return true;
  if (h === '::1' || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe80:/.test(h)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function parsedUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/** An http(s) URL; http only to a loopback or private host. */
function ReceiverUrl(example: string) {
  return z
    .string()
    .max(2000, 'a URL of at most 2000 characters')
    .superRefine((s, ctx) => {
      const url = parsedUrl(s);
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        ctx.addIssue({ code: 'custom', message: `an http(s) URL, e.g. ${example}` });
      } else if (url.protocol === 'http:' && !isLocalOrPrivateHost(url.hostname)) {
        ctx.addIssue({ code: 'custom', message: `use https for ${url.hostname}: plain http is accepted only for loopback and private hosts` });
      }
    });
}

const Email = z.email('an email address, e.g. oncall@example.com');
/** A sender as SMTP servers take it: `alerts@example.com` or `Sigmatiq alerts <alerts@example.com>`. */
const Sender = z
  .string()
  .max(320)
  .regex(/^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'a sender address, e.g. alerts@example.com or "Sigmatiq <alerts@example.com>"');
/** E.164, the form Twilio takes: "+" and up to 15 digits. */
const PhoneNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'a phone number in international form, e.g. +15551234567');
const Recipients = <T extends z.ZodType>(item: T, what: string) => z.array(item).min(1, `at least one ${what}`).max(50, `at most 50 ${what}s`);

export const ALERT_CHANNEL_KINDS = ['email', 'slack', 'sms', 'webhook'] as const;
export const AlertChannelKind = z.enum(ALERT_CHANNEL_KINDS);
export type AlertChannelKind = z.infer<typeof AlertChannelKind>;

export const EmailChannelRequest = z.strictObject({
  name: ChannelName,
  kind: z.literal('email'),
  host: z.string().min(1, 'the SMTP server host, e.g. smtp.example.com').max(255).regex(/^[\w.:[\]-]+$/, 'a host name or IP address, e.g. smtp.example.com'),
  port: z.int('a port number, e.g. 587').min(1, 'a port from 1 to 65535').max(65_535, 'a port from 1 to 65535'),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().optional(),
  username: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1000).optional(),
  from: Sender,
  to: Recipients(Email, 'recipient'),
});

export const SlackChannelRequest = z.strictObject({
  name: ChannelName,
  kind: z.literal('slack'),
  /** Slack incoming webhook URL (it is the credential: anyone holding it can post). */
  webhookUrl: ReceiverUrl('https://hooks.slack.com/services/T000/B000/XXXX'),
});

export const SmsChannelRequest = z.strictObject({
  name: ChannelName,
  kind: z.literal('sms'),
  provider: z.literal('twilio'),
  /** Twilio's API root; another base (a test double, a regional edge) can stand in. */
  apiBaseUrl: ReceiverUrl('https://api.twilio.com').optional(),
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID: AC and 32 hex digits (Twilio Console, Account info)'),
  authToken: z.string().min(1, 'the Twilio auth token (Twilio Console, Account info)').max(200),
  from: PhoneNumber,
  to: Recipients(PhoneNumber, 'phone number'),
});

export const WebhookChannelRequest = z.strictObject({
  name: ChannelName,
  kind: z.literal('webhook'),
  url: ReceiverUrl('https://ops.example.com/hooks/sigmatiq'),
  /** HMAC-SHA256 key; with it each delivery carries `X-Sigmatiq-Signature: sha256=<hex>`. */
  secret: z.string().min(16, 'a signing secret of at least 16 characters').max(500).optional(),
});

/** `POST /api/v1/alerts/channels` (admin): one channel of any kind. */
export const CreateAlertChannelRequest = z.discriminatedUnion('kind', [EmailChannelRequest, SlackChannelRequest, SmsChannelRequest, WebhookChannelRequest], {
  error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${ALERT_CHANNEL_KINDS.join(', ')}` : undefined),
});
export type CreateAlertChannelRequest = z.infer<typeof CreateAlertChannelRequest>;

/**
 * `PUT /api/v1/alerts/channels/:id` (admin): the channel as it should be, in its create shape,
 * except that secrets may be left out — the stored one is kept, since the API never answers it and
 * an admin fixing a recipient list should not have to type the SMTP password again. `null` removes
 * an optional secret (the SMTP password, the webhook's signing secret). The kind cannot change.
 */
export const UpdateAlertChannelRequest = z.discriminatedUnion(
  'kind',
  [
    EmailChannelRequest.extend({ password: EmailChannelRequest.shape.password.unwrap().nullable().optional() }),
    SlackChannelRequest.extend({ webhookUrl: SlackChannelRequest.shape.webhookUrl.optional() }),
    SmsChannelRequest.extend({ authToken: SmsChannelRequest.shape.authToken.optional() }),
    WebhookChannelRequest.extend({ url: WebhookChannelRequest.shape.url.optional(), secret: WebhookChannelRequest.shape.secret.unwrap().nullable().optional() }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${ALERT_CHANNEL_KINDS.join(', ')}` : undefined) },
);
export type UpdateAlertChannelRequest = z.infer<typeof UpdateAlertChannelRequest>;

/** Secrets a channel update keeps when it leaves them out (and removes when it gives null). */
const KEPT_SECRETS: Record<AlertChannelKind, readonly string[]> = { email: ['password'], slack: ['webhookUrl'], sms: ['authToken'], webhook: ['url', 'secret'] };

/**
 * A stored channel with an update applied: fields as the update gives them, secrets it leaves out
 * as stored. Answers a problem in words when the update cannot apply (another kind).
 */
export function applyChannelUpdate(stored: StoredAlertChannel, update: UpdateAlertChannelRequest): { channel: StoredAlertChannel } | { problem: string } {
  if (update.kind !== stored.kind) {
    return { problem: `kind: channel ${stored.id} is ${stored.kind}, and a channel's kind cannot change; delete it and add a ${update.kind} channel instead` };
  }
  const next: Record<string, unknown> = { ...update };
  for (const key of KEPT_SECRETS[stored.kind]) {
    const given = (update as Record<string, unknown>)[key];
    if (given === undefined && (stored as Record<string, unknown>)[key] !== undefined) next[key] = (stored as Record<string, unknown>)[key];
    if (given === null) delete next[key];
  }
  const checked = CreateAlertChannelRequest.safeParse(next);
  return checked.success ? { channel: { ...checked.data, id: stored.id } } : { problem: checked.error.issues.map((i) => `${i.path.join('.') || 'channel'}: ${i.message}`).join('; ') };
}

/** A stored channel, secrets included: only the cluster's delivery code reads this. */
export type StoredAlertChannel = CreateAlertChannelRequest & { id: string };
export const StoredAlertChannel = z.intersection(CreateAlertChannelRequest, z.object({ id: z.string().min(1).max(100) }));

const publicBase = { id: z.string().min(1), name: z.string() };

/** A channel as the API answers it: no password, token, secret or full webhook URL. */
export const AlertChannel = z.discriminatedUnion('kind', [
  z.object({
    ...publicBase,
    kind: z.literal('email'),
    host: z.string(),
    port: z.int(),
    secure: z.boolean(),
    username: z.string().optional(),
    passwordSet: z.boolean(),
    from: z.string(),
    to: z.array(z.string()),
  }),
  z.object({ ...publicBase, kind: z.literal('slack'), webhookUrlHint: z.string() }),
  z.object({
    ...publicBase,
    kind: z.literal('sms'),
    provider: z.literal('twilio'),
    apiBaseUrl: z.string().optional(),
    accountSid: z.string(),
    from: z.string(),
    to: z.array(z.string()),
  }),
  z.object({ ...publicBase, kind: z.literal('webhook'), urlHint: z.string(), secretSet: z.boolean() }),
]);
export type AlertChannel = z.infer<typeof AlertChannel>;

export const AlertChannelList = z.object({ items: z.array(AlertChannel) });

/** "https://hooks.slack.com/…": enough to tell channels apart, not enough to post to one. */
export function urlHint(url: string): string {
  const parsed = parsedUrl(url);
  return parsed ? `${parsed.protocol}//${parsed.host}/…` : '…';
}

/** A stored channel as anyone but the delivery code may see it: every secret left out. */
export function publicAlertChannel(channel: StoredAlertChannel): AlertChannel {
  switch (channel.kind) {
    case 'email':
      return {
        id: channel.id,
        name: channel.name,
        kind: 'email',
        host: channel.host,
        port: channel.port,
        secure: channel.secure ?? false,
        ...(channel.username !== undefined ? { username: channel.username } : {}),
        passwordSet: channel.password !== undefined,
        from: channel.from,
        to: channel.to,
      };
    case 'slack':
      return { id: channel.id, name: channel.name, kind: 'slack', webhookUrlHint: urlHint(channel.webhookUrl) };
    case 'sms':
      return {
        id: channel.id,
        name: channel.name,
        kind: 'sms',
        provider: channel.provider,
        ...(channel.apiBaseUrl !== undefined ? { apiBaseUrl: channel.apiBaseUrl } : {}),
        accountSid: channel.accountSid,
        from: channel.from,
        to: channel.to,
      };
    case 'webhook':
      return { id: channel.id, name: channel.name, kind: 'webhook', urlHint: urlHint(channel.url), secretSet: channel.secret !== undefined };
  }
}
