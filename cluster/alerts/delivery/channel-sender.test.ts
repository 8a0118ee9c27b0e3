/**
 * Each channel against a real receiver started here: an SMTP server (smtp-server) and a local
 * HTTP server playing Slack, Twilio and a webhook. Firing and resolved both arrive naming the rule;
 * failures come back in words that say what to do, without a secret in them.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAlertChannel } from '../../../contract/alert-channels.ts';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, type MessageContext, type WebhookPayload } from '../message-format.ts';
import { sendToChannel } from './channel-sender.ts';
import { DeliveryError } from './delivery-error.ts';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './testing/receivers.ts';
import { queueAlert } from './testing/notifications.ts';

const ctx: MessageContext = { clusterName: 'prod', adminUrl: 'http://127.0.0.1:9/admin' };
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-secret';
const PASSWORD = 'smtp-password-secret';

let smtp: SmtpReceiver;
let http: HttpReceiver;
beforeAll(async () => {
  [smtp, http] = await Promise.all([startSmtpReceiver({ username: 'alerts', password: PASSWORD }), startHttpReceiver()]);
});
afterAll(async () => {
  await Promise.all([smtp?.stop(), http?.stop()]);
});

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeliveryError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const email = (over: Partial<Extract<StoredAlertChannel, { kind: 'email' }>> = {}): StoredAlertChannel => ({
  id: 'mail',
  name: 'On-call mail',
  kind: 'email',
  host: smtp.host,
  port: smtp.port,
  username: 'alerts',
  password: PASSWORD,
  from: 'Sigmatiq <alerts@example.com>',
  to: ['oncall@example.com', 'lead@example.com'],
  ...over,
});

describe('email over SMTP', () => {
  it('delivers firing and resolved, the subject naming the rule and the state', async () => {
    await sendToChannel(email(), [queueAlert('firing', 'backtest', ['mail'])], ctx, 'k1');
    await sendToChannel(email(), [queueAlert('resolved', 'backtest', ['mail'])], ctx, 'k2');
    const [fired, resolved] = smtp.mails.slice(-2);
    expect(fired!.subject).toBe('[FIRING warning] Queue > 100 jobs (backtest): 140 jobs on prod');
    expect(fired!.to).toEqual(['oncall@example.com', 'lead@example.com']);
    expect(fired!.from).toBe('alerts@example.com');
    expect(fired!.text).toContain('Queue > 100 jobs (backtest): 140 jobs');
    expect(resolved!.subject).toBe('[RESOLVED] Queue > 100 jobs (backtest): back to 12 jobs on prod');
  });

  it('says the server refused the login, without the password', async () => {
    const error = await failure(sendToChannel(email({ password: 'wrong-password-secret' }), [queueAlert('firing', 'backtest', ['mail'])], ctx, 'k3'));
    expect(error.message).toMatch(/^SMTP server refused login \(server said: 535[^)]*\) — check the username and password$/);
    expect(error.message).not.toContain('wrong-password-secret');
    expect(error.retryable).toBe(false);
  });

  it('says it could not connect, naming host and port', async () => {
    const port = await closedPort();
    const error = await failure(sendToChannel(email({ port }), [queueAlert('firing', 'backtest', ['mail'])], ctx, 'k4'));
    expect(error.message).toBe(`could not connect to 127.0.0.1:${port} (connection refused) — check host and port`);
    expect(error.retryable).toBe(true);
  });
});

describe('Slack incoming webhook', () => {
  const slack = (path: string): StoredAlertChannel => ({ id: 'slack', name: 'On-call Slack', kind: 'slack', webhookUrl: `${http.url}${path}` });

  it('posts Block Kit JSON for firing and resolved, with a link back', async () => {
    await sendToChannel(slack('/services/T1/B1/ok'), [queueAlert('firing', 'backtest', ['slack'])], ctx, 'k5');
    await sendToChannel(slack('/services/T1/B1/ok'), [queueAlert('resolved', 'backtest', ['slack'])], ctx, 'k6');
    const [fired, resolved] = http.on('/services/T1/B1/ok').map((r) => ({ ...r, json: JSON.parse(r.body) as { text: string; blocks: { type: string; elements?: { url?: string }[] }[] } }));
    expect(fired!.headers['content-type']).toMatch(/^application\/json/);
    expect(fired!.json.text).toBe('FIRING: Queue > 100 jobs (backtest) (prod)');
    expect(fired!.json.blocks[0]!.type).toBe('header');
    expect(fired!.json.blocks.at(-1)!.elements![0]!.url).toBe(ctx.adminUrl);
    expect(resolved!.json.text).toBe('RESOLVED: Queue > 100 jobs (backtest) (prod)');
  });

  it('turns a revoked webhook into what to do, without the webhook URL', async () => {
    http.answer('/services/T1/B1/revoked', { status: 404, body: 'no_service' });
    const error = await failure(sendToChannel(slack('/services/T1/B1/revoked'), [queueAlert('firing', 'backtest', ['slack'])], ctx, 'k7'));
    expect(error.message).toBe('Slack answered 404 no_service: the webhook URL is wrong or was revoked — create a new one');
    expect(error.retryable).toBe(false);
  });

  it('retries later when Slack rate-limits, with its Retry-After', async () => {
    http.answer('/services/T1/B1/busy', { status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } });
    const error = await failure(sendToChannel(slack('/services/T1/B1/busy'), [queueAlert('firing', 'backtest', ['slack'])], ctx, 'k8'));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3000);
  });

  it('gives up waiting for a receiver that does not answer', async () => {
    http.answer('/services/T1/B1/hang', 'hang');
    const error = await failure(sendToChannel(slack('/services/T1/B1/hang'), [queueAlert('firing', 'backtest', ['slack'])], ctx, 'k9', { timeoutMs: 500 }));
    expect(error.message).toBe(`${new URL(http.url).host} did not answer within 1 s — check that the receiver is up and reachable from the cluster`);
    expect(error.message).not.toContain('/services/');
  });
});

describe('SMS through Twilio', () => {
  const sms = (over: Partial<Extract<StoredAlertChannel, { kind: 'sms' }>> = {}): StoredAlertChannel => ({
    id: 'sms',
    name: 'On-call SMS',
    kind: 'sms',
    provider: 'twilio',
    apiBaseUrl: http.url,
    accountSid: SID,
    authToken: TOKEN,
    from: '+15550000001',
    to: ['+15550000002', '+15550000003'],
    ...over,
  });
  const path = `/2010-04-01/Accounts/${SID}/Messages.json`;

  it("posts To, From and Body form-encoded to the Messages API with basic auth, for firing and resolved", async () => {
    await sendToChannel(sms(), [queueAlert('firing', 'backtest', ['sms'])], ctx, 'k10');
    await sendToChannel(sms(), [queueAlert('resolved', 'backtest', ['sms'])], ctx, 'k11');
    const sent = http.on(path);
    expect(sent).toHaveLength(4);
    for (const r of sent) {
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    }
    const forms = sent.map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(forms.map((f) => f.To).sort()).toEqual(['+15550000002', '+15550000002', '+15550000003', '+15550000003']);
    expect(forms.every((f) => f.From === '+15550000001')).toBe(true);
    expect(forms.filter((f) => f.Body!.startsWith('[prod] FIRING: Queue > 100 jobs (backtest): 140 jobs'))).toHaveLength(2);
    expect(forms.filter((f) => f.Body!.startsWith('[prod] RESOLVED: Queue > 100 jobs (backtest): back to 12 jobs'))).toHaveLength(2);
  });

  it('turns refused credentials into what to do, without the token', async () => {
    const other = `AC${'f'.repeat(32)}`;
    http.answer(`/2010-04-01/Accounts/${other}/Messages.json`, { status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }) });
    const error = await failure(sendToChannel(sms({ accountSid: other, to: ['+15550000002'] }), [queueAlert('firing', 'backtest', ['sms'])], ctx, 'k12'));
    expect(error.message).toBe('Twilio answered 401 (error 20003) for +15550000002: Twilio refused the Account SID and auth token — copy both again from the Twilio Console');
    expect(error.message).not.toContain(TOKEN);
    expect(error.retryable).toBe(false);
  });
});

describe('generic webhook', () => {
  const SECRET = 'webhook-signing-secret-0123';
  it('posts the JSON payload with a signature the receiver can verify, for firing and resolved', async () => {
    const hook: StoredAlertChannel = { id: 'hook', name: 'Ops hook', kind: 'webhook', url: `${http.url}/hook`, secret: SECRET };
    await sendToChannel(hook, [queueAlert('firing', 'backtest', ['hook'])], ctx, 'group-1');
    await sendToChannel(hook, [queueAlert('resolved', 'backtest', ['hook'])], ctx, 'group-2');
    const [fired, resolved] = http.on('/hook');
    for (const r of [fired!, resolved!]) {
      expect(verifyWebhookSignature(r.body, SECRET, r.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
      expect(verifyWebhookSignature(r.body, 'another-secret-0123456', r.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string)).toBe(false);
    }
    const a = JSON.parse(fired!.body) as WebhookPayload;
    const b = JSON.parse(resolved!.body) as WebhookPayload;
    expect([a.status, a.groupKey, a.alerts[0]!.ruleName]).toEqual(['firing', 'group-1', 'Queue > 100 jobs']);
    expect([b.status, b.groupKey]).toEqual(['resolved', 'group-2']);
    expect(fired!.headers['x-sigmatiq-delivery']).toBe('group-1');
  });

  it('says a failing receiver is retried, and a missing one is not', async () => {
    http.answer('/hook-500', { status: 500, body: 'boom' });
    const busy = await failure(sendToChannel({ id: 'h', name: 'h', kind: 'webhook', url: `${http.url}/hook-500` }, [queueAlert('firing', 'backtest', ['h'])], ctx, 'g'));
    expect(busy.message).toBe(`the webhook at ${new URL(http.url).host} answered 500: the receiver has a problem — it is retried`);
    expect(busy.retryable).toBe(true);
    http.answer('/hook-404', { status: 404 });
    const missing = await failure(sendToChannel({ id: 'h', name: 'h', kind: 'webhook', url: `${http.url}/hook-404` }, [queueAlert('firing', 'backtest', ['h'])], ctx, 'g'));
    expect(missing.retryable).toBe(false);
    expect(http.on('/hook-500')[0]!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });
});
