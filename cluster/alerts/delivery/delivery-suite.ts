/**
 * The delivery queue on a real datastore (delivery.redis.test.ts, delivery.pg.test.ts) with real
 * receivers: an SMTP server and an HTTP server playing Slack, Twilio and a webhook. Two nodes are
 * two AlertDeliveryQueues with their own connections and workers on the same datastore.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AlertDelivery } from '../../../contract/alert-deliveries.ts';
import type { StoredAlertChannel } from '../../../contract/alert-channels.ts';
import type { AlertNotification } from '../../../contract/alerts.ts';
import type { Datastore } from '../../datastore/open-datastore.ts';
import { eventually, testDatastore, type TestDatastore, type TestKind } from '../../engine/engine-test-support.ts';
import { verifyWebhookSignature, type MessageContext, type WebhookPayload } from '../message-format.ts';
import { queueNotifications, takeDueBatches, type NotificationBatch } from '../notification-grouping.ts';
import { AlertDeliveryQueue, type AlertDeliveryOptions } from './delivery-queue.ts';
import { queueAlert } from './testing/notifications.ts';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './testing/receivers.ts';

const ctx: MessageContext = { clusterName: 'prod', adminUrl: 'http://127.0.0.1:9/admin' };
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SECRETS = { password: 'smtp-password-secret', token: 'twilio-auth-token-secret', hookSecret: 'webhook-signing-secret-0123', slackPath: '/services/T9/B9/slack-url-secret' };
const GROUPING = { groupWaitMs: 1_000, groupIntervalMs: 60_000 };

/** The batches the grouping hands over for these notifications once their group wait has passed. */
function batchesOf(notifications: AlertNotification[], now = Date.now()): NotificationBatch[] {
  return takeDueBatches({ queue: queueNotifications(notifications, now), lastSentAt: {}, now: now + GROUPING.groupWaitMs, options: GROUPING }).batches;
}

export function deliverySuite(kind: TestKind): void {
  let t: TestDatastore;
  let ds: Datastore;
  let ds2: Datastore;
  let smtp: SmtpReceiver;
  let http: HttpReceiver;
  const started: AlertDeliveryQueue[] = [];

  const start = async (datastore: Datastore, over: Partial<AlertDeliveryOptions> = {}) => {
    const d = await AlertDeliveryQueue.start({ datastore, context: ctx, backoffMs: 100, minIntervalMs: { slack: 0, sms: 0, email: 0, webhook: 0 }, ...over });
    started.push(d);
    return d;
  };

  const channels = (): Record<'mail' | 'slack' | 'sms' | 'hook', StoredAlertChannel> => ({
    mail: { id: 'mail', name: 'On-call mail', kind: 'email', host: smtp.host, port: smtp.port, username: 'alerts', password: SECRETS.password, from: 'alerts@example.com', to: ['oncall@example.com'] },
    slack: { id: 'slack', name: 'On-call Slack', kind: 'slack', webhookUrl: `${http.url}${SECRETS.slackPath}` },
    sms: { id: 'sms', name: 'On-call SMS', kind: 'sms', provider: 'twilio', apiBaseUrl: http.url, accountSid: SID, authToken: SECRETS.token, from: '+15550000001', to: ['+15550000002'] },
    hook: { id: 'hook', name: 'Ops hook', kind: 'webhook', url: `${http.url}/hook`, secret: SECRETS.hookSecret },
  });
  const twilioPath = `/2010-04-01/Accounts/${SID}/Messages.json`;

  async function deliveries(channelId?: string): Promise<AlertDelivery[]> {
    const page = await ds.alerts.listDeliveries({ ...(channelId ? { channelId } : {}), limit: 500 });
    return page.items;
  }

  beforeAll(async () => {
    t = await testDatastore(kind);
    ds = await t.open();
    ds2 = await t.open();
    [smtp, http] = await Promise.all([startSmtpReceiver({ username: 'alerts', password: SECRETS.password }), startHttpReceiver()]);
    for (const channel of Object.values(channels())) await ds.alerts.putChannel(channel);
  });

  afterAll(async () => {
    for (const d of started) await d.close();
    await ds2?.close();
    await ds?.close();
    await t?.cleanup();
    await Promise.all([smtp?.stop(), http?.stop()]);
  });

  test('each channel delivers firing and resolved, each attempt in the delivery log', async () => {
    const node = await start(ds);
    const all = ['mail', 'slack', 'sms', 'hook'];
    const fired = batchesOf([queueAlert('firing', 'backtest', all)], Date.now() - 5_000);
    const resolved = batchesOf([queueAlert('resolved', 'backtest', all)]);
    await node.enqueue(fired);
    await node.enqueue(resolved);
    await eventually(async () => smtp.mails.length >= 2 && http.on(SECRETS.slackPath).length >= 2 && http.on(twilioPath).length >= 2 && http.on('/hook').length >= 2, 20_000, 'eight deliveries');

    expect(smtp.mails.map((m) => m.subject).sort()).toEqual(['[FIRING warning] Queue > 100 jobs (backtest): 140 jobs on prod', '[RESOLVED] Queue > 100 jobs (backtest): back to 12 jobs on prod']);
    const slackTexts = http.on(SECRETS.slackPath).map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(slackTexts.sort()).toEqual(['FIRING: Queue > 100 jobs (backtest) (prod)', 'RESOLVED: Queue > 100 jobs (backtest) (prod)']);
    const smsBodies = http.on(twilioPath).map((r) => new URLSearchParams(r.body).get('Body')!);
    expect(smsBodies.some((b) => b.startsWith('[prod] FIRING: Queue > 100 jobs (backtest)'))).toBe(true);
    expect(smsBodies.some((b) => b.startsWith('[prod] RESOLVED: Queue > 100 jobs (backtest)'))).toBe(true);
    for (const r of http.on('/hook')) expect(verifyWebhookSignature(r.body, SECRETS.hookSecret, r.headers['x-sigmatiq-signature'] as string)).toBe(true);
    expect(http.on('/hook').map((r) => (JSON.parse(r.body) as WebhookPayload).status).sort()).toEqual(['firing', 'resolved']);

    const log = await eventually(async () => {
      const items = await deliveries();
      return items.length >= 8 ? items : null;
    });
    for (const channelId of all) {
      const mine = log.filter((d) => d.channelId === channelId);
      expect(mine.map((d) => [d.kind, d.result, d.attempt, d.alertIds]).sort()).toEqual([
        ['firing', 'sent', 1, ['alert-backtest']],
        ['resolved', 'sent', 1, ['alert-backtest']],
      ]);
      expect(mine[0]!.channelName).toBe(channels()[channelId as 'mail'].name);
    }
    smtp.mails.length = 0;
    http.requests.length = 0;
  });

  test('a failing receiver is retried with backoff, then logged as failed in words', async () => {
    const node = await start(ds, { attempts: 3 });
    await ds.alerts.putChannel({ id: 'flaky', name: 'Flaky hook', kind: 'webhook', url: `${http.url}/flaky` });
    http.answer('/flaky', { status: 500, body: 'boom' });
    await node.enqueue(batchesOf([queueAlert('firing', 'sweep', ['flaky'])]));
    const log = await eventually(async () => {
      const items = await deliveries('flaky');
      return items.some((d) => d.result === 'failed') ? items : null;
    }, 20_000, 'the final failure');
    expect(http.on('/flaky')).toHaveLength(3);
    const host = new URL(http.url).host;
    expect(log.map((d) => [d.attempt, d.result, d.error]).sort()).toEqual([
      [1, 'retrying', `the webhook at ${host} answered 500: the receiver has a problem — it is retried — attempt 1 of 3, tried again later`],
      [2, 'retrying', `the webhook at ${host} answered 500: the receiver has a problem — it is retried — attempt 2 of 3, tried again later`],
      [3, 'failed', `the webhook at ${host} answered 500: the receiver has a problem — it is retried — gave up after 3 attempts`],
    ]);
    // Backoff: the second try waits at least the first delay, the third at least twice that.
    const [a, b, c] = http.on('/flaky').map((r) => r.at);
    expect(b! - a!).toBeGreaterThanOrEqual(90);
    expect(c! - b!).toBeGreaterThanOrEqual(190);
  });

  test('a revoked Slack webhook fails at once, in words, without its URL', async () => {
    const node = await start(ds);
    await ds.alerts.putChannel({ id: 'revoked', name: 'Old Slack', kind: 'slack', webhookUrl: `${http.url}/services/T0/B0/revoked-secret` });
    http.answer('/services/T0/B0/revoked-secret', { status: 404, body: 'no_service' });
    await node.enqueue(batchesOf([queueAlert('firing', 'sweep', ['revoked'])]));
    const [record] = await eventually(async () => {
      const items = await deliveries('revoked');
      return items.length > 0 ? items : null;
    });
    expect(record!.result).toBe('failed');
    expect(record!.error).toBe('Slack answered 404 no_service: the webhook URL is wrong or was revoked — create a new one — gave up after 1 attempt');
    expect(http.on('/services/T0/B0/revoked-secret')).toHaveLength(1);
  });

  test('30 alerts firing at once go out as one grouped message per channel', async () => {
    const node = await start(ds);
    const storm = Array.from({ length: 30 }, (_, i) => {
      const n = queueAlert('firing', `queue${String(i).padStart(2, '0')}`, ['mail', 'slack', 'sms', 'hook']);
      return { ...n, alert: { ...n.alert, id: `storm-${i}`, dedupKey: `queue-length/queue:q${i}` } };
    });
    const batches = batchesOf(storm);
    expect(batches).toHaveLength(4);
    await node.enqueue(batches);
    await eventually(async () => smtp.mails.length >= 1 && http.on(SECRETS.slackPath).length >= 1 && http.on(twilioPath).length >= 1 && http.on('/hook').length >= 1, 20_000, 'four messages');
    await eventually(async () => (await deliveries()).filter((d) => d.alertIds.length === 30).length >= 4);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.subject).toMatch(/^\[FIRING 30\] prod: /);
    expect(http.on(SECRETS.slackPath)).toHaveLength(1);
    expect(http.on(twilioPath)).toHaveLength(1);
    expect(http.on('/hook')).toHaveLength(1);
    expect((JSON.parse(http.on('/hook')[0]!.body) as WebhookPayload).alerts).toHaveLength(30);
    smtp.mails.length = 0;
    http.requests.length = 0;
  });

  test('two nodes deliver each notification exactly once, both adding the same batches', async () => {
    const a = await start(ds);
    const b = await start(ds2);
    const ids = Array.from({ length: 8 }, (_, i) => `node-test-${i}`);
    for (const id of ids) await ds.alerts.putChannel({ id, name: `Hook ${id}`, kind: 'webhook', url: `${http.url}/two/${id}` });
    const batches = ids.flatMap((id) => batchesOf([queueAlert('firing', 'training', [id])]));
    // Both nodes hand over the same batches (e.g. an evaluation retried elsewhere): one job each.
    await Promise.all([a.enqueue(batches), b.enqueue(batches), a.enqueue(batches)]);
    await eventually(async () => ids.every((id) => http.on(`/two/${id}`).length >= 1), 20_000, 'a delivery per channel');
    // Give a duplicate time to show up before counting.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const id of ids) expect(http.on(`/two/${id}`)).toHaveLength(1);
    const log = (await deliveries()).filter((d) => d.channelId?.startsWith('node-test-'));
    expect(log).toHaveLength(ids.length);
  });

  test('sends to one channel are spaced by its rate limit, across nodes', async () => {
    // Only nodes with the interval take jobs (in a cluster every node has the same limits).
    for (const d of started.splice(0)) await d.close();
    const a = await start(ds, { minIntervalMs: { slack: 1_000 } });
    const b = await start(ds2, { minIntervalMs: { slack: 1_000 } });
    await ds.alerts.putChannel({ id: 'paced', name: 'Paced Slack', kind: 'slack', webhookUrl: `${http.url}/services/T2/B2/paced` });
    const base = Date.now() - 10 * 60_000;
    const batches = [0, 1, 2].flatMap((i) => batchesOf([queueAlert('firing', `paced${i}`, ['paced'])], base + i * 61_000));
    await Promise.all([a.enqueue(batches.slice(0, 2)), b.enqueue(batches.slice(2))]);
    await eventually(async () => http.on('/services/T2/B2/paced').length >= 3, 20_000, 'three paced messages');
    const times = http.on('/services/T2/B2/paced').map((r) => r.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
    // A delay for the rate limit spends no attempt.
    const log = await deliveries('paced');
    expect(log.map((d) => d.attempt)).toEqual([1, 1, 1]);
  });

  test('Send test answers the result in words and logs it', async () => {
    const node = await start(ds, { worker: false });
    const ok = await node.sendTest('slack');
    expect(ok).toEqual({ ok: true, message: `Test sent to On-call Slack: Slack (${new URL(http.url).host}) accepted the message` });
    const text = (JSON.parse(http.on(SECRETS.slackPath).at(-1)!.body) as { text: string }).text;
    expect(text).toBe('FIRING: Test notification (no action needed) (prod)');
    const failed = await node.sendTest('revoked');
    expect(failed).toEqual({ ok: false, message: 'Test to Old Slack failed: Slack answered 404 no_service: the webhook URL is wrong or was revoked — create a new one' });
    expect(await node.sendTest('nope')).toEqual({ ok: false, message: 'there is no channel nope' });
    const tests = (await deliveries()).filter((d) => d.kind === 'test');
    expect(tests.map((d) => [d.channelId, d.result]).sort()).toEqual([
      ['revoked', 'failed'],
      ['slack', 'sent'],
    ]);
  });

  test("a note to a job's owner reaches them by email, SMS and Slack from the user directory", async () => {
    const node = await start(ds);
    await ds.alerts.putUser({ user: 'ana', email: 'ana@example.com', phone: '+15550000009', slackWebhookUrl: `${http.url}/services/T3/B3/ana` });
    smtp.mails.length = 0;
    const result = await node.notifyUser({ user: 'ana', jobId: 'backtest-42', action: 'cancel', note: 'Your backtest held the queue for 3 h; please split it.', by: 'alice' });
    expect(result).toEqual({ queued: ['email', 'sms', 'slack'], problems: [] });
    await eventually(async () => smtp.mails.length >= 1 && http.on('/services/T3/B3/ana').length >= 1 && http.on(twilioPath).some((r) => new URLSearchParams(r.body).get('To') === '+15550000009'), 20_000, 'three notes');
    expect(smtp.mails[0]!.to).toEqual(['ana@example.com']);
    expect(smtp.mails[0]!.subject).toBe('[prod] Your job backtest-42 was cancelled by alice');
    expect(smtp.mails[0]!.text).toContain('Your backtest held the queue for 3 h; please split it.');
    const sms = http.on(twilioPath).find((r) => new URLSearchParams(r.body).get('To') === '+15550000009')!;
    expect(new URLSearchParams(sms.body).get('Body')).toBe('[prod] Your job backtest-42 was cancelled by alice: Your backtest held the queue for 3 h; please split it.');
    const notes = await eventually(async () => {
      const items = (await deliveries()).filter((d) => d.kind === 'user-note');
      return items.length >= 3 ? items : null;
    });
    expect(notes.map((d) => [d.user, d.channelKind, d.result]).sort()).toEqual([
      ['ana', 'email', 'sent'],
      ['ana', 'slack', 'sent'],
      ['ana', 'sms', 'sent'],
    ]);
    expect(await node.notifyUser({ user: 'nobody', jobId: 'x-1', action: 'stop', note: 'hi', by: 'alice' })).toEqual({
      queued: [],
      problems: ['the user directory has no entry for nobody: add one (PUT /api/v1/alerts/users/nobody) to reach them'],
    });
  });

  test('no secret appears in the delivery log', async () => {
    const log = JSON.stringify(await deliveries());
    for (const secret of [...Object.values(SECRETS), 'revoked-secret', '/services/T3/B3/ana']) expect(log).not.toContain(secret);
  });
}
