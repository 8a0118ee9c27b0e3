/**
 * Alerting end to end through the cluster API on a real datastore: an admin adds a webhook channel
 * and a rule, a paused queue backs up past the rule's threshold, the rule fires (an
 * `alert.firing` event with a datastore id, a signed webhook delivery, a delivery log record), an
 * operator acknowledges and silences it, and it resolves once the jobs are cancelled. Also: the
 * cluster's thresholds decide the levels every node reports, secrets never come back, and bad
 * input is a 400 that says what is wrong.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AlertChannel } from '../../contract/alert-channels.ts';
import { AlertDeliveryPage } from '../../contract/alert-deliveries.ts';
import { Alert, AlertPage, AlertSilence, ClusterAlertRule } from '../../contract/alerts.ts';
import { ApiError, type Role } from '../../contract/api.ts';
import type { ClusterEvent } from '../../contract/events.ts';
import { QueueMetrics } from '../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS } from '../../contract/thresholds.ts';
import { apiFixture, type ApiFixture } from '../api/testing/api-fixture.ts';
import { openSse } from '../api/testing/sse-client.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { createEngine } from '../engine/create-engine.ts';
import { eventually, testDatastore, type TestDatastore, type TestKind } from '../engine/engine-test-support.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import { startAlerting, type Alerting } from './alerting.ts';
import { verifyWebhookSignature } from './message-format.ts';

const SECRET = 'hmac-secret-for-the-test-0123456789';
const SMTP_PASSWORD = 'smtp-password-never-answered';

interface Received {
  body: string;
  signature: string | undefined;
}

export function alertApiSuite(kind: TestKind): void {
  describe(`alerting through the cluster API on ${kind}`, () => {
    let t: TestDatastore;
    let ds: Datastore;
    let other: Datastore;
    let engine: JobEngine & { start(): Promise<void> };
    let otherEngine: JobEngine & { start(): Promise<void> };
    let alerting: Alerting;
    let fx: ApiFixture;
    let base: string;
    let receiver: Server;
    let receiverUrl: string;
    const received: Received[] = [];

    async function call(method: string, path: string, role: Role, body?: unknown) {
      const res = await fetch(base + path, {
        method,
        headers: { ...fx.auth(role), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: () => (text ? (JSON.parse(text) as unknown) : undefined) };
    }

    async function expectBadRequest(method: string, path: string, body: unknown, words: RegExp) {
      const res = await call(method, path, 'admin', body);
      expect(res.status, res.text).toBe(400);
      expect(ApiError.parse(res.json()).error.message).toMatch(words);
    }

    async function alertEvents(): Promise<ClusterEvent[]> {
      return (await ds.store.readEvents('0', 10_000)).events.map((e) => e.event).filter((e) => e.kind.startsWith('alert.'));
    }

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          received.push({ body, signature: req.headers['x-sigmatiq-signature'] as string | undefined });
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

      t = await testDatastore(kind);
      ds = await t.open();
      engine = createEngine({ datastore: ds, reconcileEveryMs: 0, onError: () => undefined });
      await engine.start();
      alerting = await startAlerting({
        datastore: ds,
        engine,
        clusterName: 'alert-test',
        intervalMs: 1_000,
        grouping: { groupWaitMs: 0, groupIntervalMs: 0 },
        deliveryBackoffMs: 200,
        onError: () => undefined,
      });
      fx = await apiFixture(engine, { rateLimit: false }, { alerting: alerting.api });
      base = await fx.server.listen('127.0.0.1', 0);
      // A second API node's engine on the same datastore (threshold levels must agree).
      other = await t.open();
      otherEngine = createEngine({ datastore: other, reconcileEveryMs: 0, onError: () => undefined });
      await otherEngine.start();
    }, 120_000);

    afterAll(async () => {
      await fx?.server.close();
      await alerting?.close();
      await engine?.close();
      await otherEngine?.close();
      await ds?.close();
      await other?.close();
      await t?.cleanup();
      await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    });

    let webhookId = '';

    test('channels: 201 with an id; secrets are stored for delivery but never answered nor audited', async () => {
      const created = await call('POST', '/api/v1/alerts/channels', 'admin', { name: 'Ops hook', kind: 'webhook', url: receiverUrl, secret: SECRET });
      expect(created.status, created.text).toBe(201);
      const channel = AlertChannel.parse(created.json());
      expect(channel).toMatchObject({ kind: 'webhook', name: 'Ops hook', secretSet: true, urlHint: expect.stringContaining('127.0.0.1') });
      webhookId = channel.id;
      const email = await call('POST', '/api/v1/alerts/channels', 'admin', {
        name: 'Ops mail',
        kind: 'email',
        host: '127.0.0.1',
        port: 2525,
        username: 'ops',
        password: SMTP_PASSWORD,
        from: 'alerts@example.com',
        to: ['oncall@example.com'],
      });
      expect(email.status, email.text).toBe(201);
      expect(email.json()).toMatchObject({ passwordSet: true });

      const listed = await call('GET', '/api/v1/alerts/channels', 'viewer');
      expect(listed.status).toBe(200);
      const one = await call('GET', `/api/v1/alerts/channels/${webhookId}`, 'viewer');
      const audit = await call('GET', '/api/v1/audit?limit=500', 'admin');
      for (const text of [created.text, email.text, listed.text, one.text, audit.text]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(SMTP_PASSWORD);
        expect(text).not.toContain('/hook');
      }
      expect(audit.text).toContain('alert-channel.create');
      expect(await ds.alerts.getChannel(webhookId)).toMatchObject({ secret: SECRET, url: receiverUrl });

      await expectBadRequest('POST', '/api/v1/alerts/channels', { name: 'Pager', kind: 'pager' }, /kind must be one of email, slack, sms, webhook/);
      await expectBadRequest('POST', '/api/v1/alerts/channels', { name: 'Hook', kind: 'webhook', url: 'http://example.com/hook' }, /use https for example\.com/);
      expect((await call('POST', '/api/v1/alerts/channels', 'operator', { name: 'x', kind: 'slack', webhookUrl: 'https://hooks.slack.com/x' })).status).toBe(403);
    });

    test('channels: an edit (PUT) keeps the secrets it leaves out, null removes an optional one, the kind cannot change', async () => {
      const mail = { name: 'Night mail', kind: 'email', host: '127.0.0.1', port: 2525, username: 'ops', from: 'alerts@example.com', to: ['oncall@example.com'] };
      const created = AlertChannel.parse((await call('POST', '/api/v1/alerts/channels', 'admin', { ...mail, password: SMTP_PASSWORD })).json());
      const edited = await call('PUT', `/api/v1/alerts/channels/${created.id}`, 'admin', { ...mail, name: 'Night mail (lead)', to: ['oncall@example.com', 'lead@example.com'] });
      expect(edited.status, edited.text).toBe(200);
      expect(AlertChannel.parse(edited.json())).toMatchObject({ id: created.id, name: 'Night mail (lead)', passwordSet: true, to: ['oncall@example.com', 'lead@example.com'] });
      expect(edited.text).not.toContain(SMTP_PASSWORD);
      expect(await ds.alerts.getChannel(created.id)).toMatchObject({ password: SMTP_PASSWORD, to: ['oncall@example.com', 'lead@example.com'] });

      const removed = await call('PUT', `/api/v1/alerts/channels/${created.id}`, 'admin', { ...mail, password: null });
      expect(removed.status, removed.text).toBe(200);
      expect(removed.json()).toMatchObject({ passwordSet: false });
      expect(await ds.alerts.getChannel(created.id)).not.toHaveProperty('password');

      await expectBadRequest('PUT', `/api/v1/alerts/channels/${created.id}`, { name: 'Night hook', kind: 'webhook', url: receiverUrl }, /a channel's kind cannot change; delete it and add a webhook channel instead/);
      await expectBadRequest('PUT', `/api/v1/alerts/channels/${created.id}`, { ...mail, port: 0 }, /a port from 1 to 65535/);
      // A Slack channel edited without its webhook URL keeps it; one edited with a new URL takes it.
      const slack = AlertChannel.parse((await call('POST', '/api/v1/alerts/channels', 'admin', { name: 'Chat', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T0/B0/OLD' })).json());
      expect((await call('PUT', `/api/v1/alerts/channels/${slack.id}`, 'admin', { name: 'Chat ops', kind: 'slack' })).status).toBe(200);
      expect(await ds.alerts.getChannel(slack.id)).toMatchObject({ name: 'Chat ops', webhookUrl: 'https://hooks.slack.com/services/T0/B0/OLD' });
      expect((await call('PUT', `/api/v1/alerts/channels/${slack.id}`, 'admin', { name: 'Chat ops', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T0/B0/NEW' })).status).toBe(200);
      expect(await ds.alerts.getChannel(slack.id)).toMatchObject({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/NEW' });

      const missing = await call('PUT', '/api/v1/alerts/channels/channel-nope', 'admin', mail);
      expect(missing.status).toBe(404);
      expect(ApiError.parse(missing.json()).error.message).toMatch(/no alert channel 'channel-nope': list them with GET \/api\/v1\/alerts\/channels/);
      expect((await call('PUT', `/api/v1/alerts/channels/${created.id}`, 'operator', mail)).status).toBe(403);
      const audit = await call('GET', '/api/v1/audit?limit=500', 'admin');
      expect(audit.text).toContain('alert-channel.update');
      expect(audit.text).not.toContain('B0/NEW');
      await call('DELETE', `/api/v1/alerts/channels/${created.id}`, 'admin');
      await call('DELETE', `/api/v1/alerts/channels/${slack.id}`, 'admin');
    });

    let ruleId = '';

    test('rules: create (201 with id), read, replace, delete; bad rules are 400s that say what to do', async () => {
      const created = await call('POST', '/api/v1/alerts/rules', 'admin', { name: 'Temp', metric: 'failureRate', op: 'above', threshold: 0.2, severity: 'warning' });
      expect(created.status, created.text).toBe(201);
      const rule = ClusterAlertRule.parse(created.json());
      expect(rule).toMatchObject({ forSeconds: 60, repeatMinutes: 240, enabled: true, channels: [] });
      const replaced = await call('PUT', `/api/v1/alerts/rules/${rule.id}`, 'admin', { name: 'Temp', metric: 'failureRate', op: 'above', threshold: 0.3, severity: 'critical' });
      expect(replaced.status, replaced.text).toBe(200);
      expect((await call('GET', `/api/v1/alerts/rules/${rule.id}`, 'viewer')).json()).toMatchObject({ id: rule.id, threshold: 0.3, severity: 'critical' });
      const list = (await call('GET', '/api/v1/alerts/rules', 'viewer')).json() as { items: ClusterAlertRule[] };
      expect(list.items.map((r) => r.id)).toEqual(['queue-length', 'failure-rate', 'stuck-jobs', 'wait-time', rule.id]);
      expect((await call('DELETE', `/api/v1/alerts/rules/${rule.id}`, 'admin')).status).toBe(204);
      expect((await call('GET', `/api/v1/alerts/rules/${rule.id}`, 'viewer')).status).toBe(404);
      expect((await call('DELETE', `/api/v1/alerts/rules/${rule.id}`, 'admin')).status).toBe(404);
      expect((await call('PUT', '/api/v1/alerts/rules/no-such-rule', 'admin', { name: 'x', metric: 'queueLength', op: 'above', threshold: 1, severity: 'warning' })).status).toBe(404);

      await expectBadRequest('POST', '/api/v1/alerts/rules', { name: 'x', metric: 'queueSize', op: 'above', threshold: 1, severity: 'warning' }, /metric/);
      await expectBadRequest('POST', '/api/v1/alerts/rules', { name: 'x', metric: 'queueLength', op: 'above', threshold: 10, clearThreshold: 12, severity: 'warning' }, /must be below the threshold/);
      await expectBadRequest('POST', '/api/v1/alerts/rules', { name: 'x', metric: 'cpuPercent', queue: 'report', op: 'above', threshold: 10, severity: 'warning' }, /not a queue metric/);
      await expectBadRequest('POST', '/api/v1/alerts/rules', { name: 'x', metric: 'queueLength', op: 'above', threshold: 10, severity: 'warning', channels: ['nope'] }, /no channel 'nope'/);
      await expectBadRequest('POST', '/api/v1/alerts/rules', { name: 'x', metric: 'queueLength', op: 'above', threshold: 10, severity: 'warning', colour: 'red' }, /colour/);
      expect((await call('POST', '/api/v1/alerts/rules', 'operator', { name: 'x', metric: 'queueLength', op: 'above', threshold: 1, severity: 'warning' })).status).toBe(403);
    });

    test('thresholds: an admin sets them and every node reports levels from them', async () => {
      expect((await call('GET', '/api/v1/thresholds', 'viewer')).json()).toEqual(DEFAULT_THRESHOLDS);
      const stricter = { ...DEFAULT_THRESHOLDS, queueLength: { ...DEFAULT_THRESHOLDS.queueLength, warning: 1, critical: 2 } };
      expect((await call('PUT', '/api/v1/thresholds', 'operator', stricter)).status).toBe(403);
      await expectBadRequest('PUT', '/api/v1/thresholds', { ...stricter, queueLength: { ...stricter.queueLength, warning: 5 } }, /warning \(5\) must not be above critical \(2\)/);
      await expectBadRequest('PUT', '/api/v1/thresholds', { ...stricter, processingRatePerMin: { ...stricter.processingRatePerMin, higherIsWorse: true } }, /cannot change/);
      await expectBadRequest('PUT', '/api/v1/thresholds', { queueLength: stricter.queueLength }, /waitTimeMs/);
      const put = await call('PUT', '/api/v1/thresholds', 'admin', stricter);
      expect(put.status, put.text).toBe(200);

      expect((await call('POST', '/api/v1/queues/report/actions/pause', 'admin')).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/jobs', 'operator', { type: 'report', user: 'olga', config: {} })).status).toBe(201);
      const queues = QueueMetrics.array().parse((await call('GET', '/api/v1/queues', 'viewer')).json());
      expect(queues.find((q) => q.type === 'report')!.queueLength).toEqual({ value: 3, level: 'critical' });
      // The summary and Prometheus say the same: three jobs are critical under these thresholds (the defaults call them good).
      const summary = (await call('GET', '/api/v1/summary', 'viewer')).json() as { queues: { type: string; queueLength: { level: string } }[] };
      expect(summary.queues.find((q) => q.type === 'report')!.queueLength.level).toBe('critical');
      expect((await call('GET', '/metrics', 'viewer')).text).toMatch(/^sigmatiq_queue_level\{type="report",metric="queueLength"\} 2$/m);
      // The evaluation and delivery queues are internal: not job types, not listed.
      expect(queues.map((q) => q.type).filter((type) => type.startsWith('sigmatiq-'))).toEqual([]);
      // The other node learns of the change within its cache time (shorter than an evaluation interval).
      await eventually(async () => (await otherEngine.queues()).find((q) => q.type === 'report')!.queueLength.level === 'critical', 15_000, 'the other node to use the new thresholds');
    }, 60_000);

    let alertId = '';

    test('a rule fires end to end: alert, event with an id, signed webhook, delivery log', async () => {
      const created = await call('POST', '/api/v1/alerts/rules', 'admin', {
        name: 'Report backlog',
        metric: 'queueLength',
        queue: 'report',
        op: 'above',
        threshold: 2,
        forSeconds: 1,
        keepFiringForSeconds: 0,
        severity: 'critical',
        channels: [webhookId],
      });
      expect(created.status, created.text).toBe(201);
      ruleId = ClusterAlertRule.parse(created.json()).id;

      const firing = await eventually(
        async () => AlertPage.parse((await call('GET', '/api/v1/alerts?state=firing', 'viewer')).json()).items.find((a) => a.ruleId === ruleId),
        30_000,
        'the rule to fire',
      );
      alertId = firing.id;
      expect(firing).toMatchObject({ state: 'firing', severity: 'critical', value: 3, message: 'Queue > 2 jobs (report): 3 jobs' });
      const raw = (await call('GET', '/api/v1/alerts?state=firing', 'viewer')).json() as { items: Record<string, unknown>[]; nextCursor: unknown };
      expect(Object.keys(raw).sort()).toEqual(['items', 'nextCursor']);
      expect(raw.items[0]).toEqual(expect.objectContaining({ id: alertId, ruleId, state: 'firing', severity: 'critical', value: 3, startedAt: expect.any(String), message: expect.any(String) }));

      const event = await eventually(async () => (await alertEvents()).find((e) => e.kind === 'alert.firing'), 10_000, 'alert.firing');
      expect(event.id).toMatch(/^\d+$/);
      expect(event).toMatchObject({ alert: { id: alertId } });
      // Over SSE like every other event: same id, parsed with the contract.
      const sse = await openSse(`${base}/api/v1/events`, { ...fx.auth('viewer'), 'last-event-id': String(Number(event.id) - 1) });
      try {
        const streamed = await sse.waitForEvent((e) => e.kind === 'alert.firing', 10_000);
        expect(streamed).toEqual(event);
        expect(sse.ids[sse.events.indexOf(streamed)]).toBe(event.id);
      } finally {
        sse.close();
      }

      const hook = await eventually(async () => received.find((r) => r.body.includes(alertId)), 30_000, 'the webhook delivery');
      expect(JSON.parse(hook.body)).toMatchObject({ status: 'firing', cluster: 'alert-test', alerts: [{ id: alertId, ruleName: 'Report backlog', notification: 'firing' }] });
      expect(verifyWebhookSignature(hook.body, SECRET, hook.signature)).toBe(true);
      const log = await eventually(
        async () => AlertDeliveryPage.parse((await call('GET', `/api/v1/alerts/deliveries?alertId=${alertId}`, 'viewer')).json()).items.find((d) => d.result === 'sent'),
        15_000,
        'a delivery record',
      );
      expect(log).toMatchObject({ channelId: webhookId, kind: 'firing', attempt: 1 });
      expect(JSON.stringify(log)).not.toContain(SECRET);
    }, 90_000);

    test('acknowledge (operator) reaches every client as an event; silence holds back, bad ends are 400s', async () => {
      expect((await call('POST', `/api/v1/alerts/${alertId}/actions/acknowledge`, 'viewer')).status).toBe(403);
      expect((await call('POST', '/api/v1/alerts/alert-nope/actions/acknowledge', 'operator')).status).toBe(404);
      const acked = await call('POST', `/api/v1/alerts/${alertId}/actions/acknowledge`, 'operator');
      expect(acked.status, acked.text).toBe(200);
      expect(Alert.parse(acked.json())).toMatchObject({ id: alertId, state: 'firing', acknowledgedBy: 'operator' });
      // Twice is fine and changes nothing.
      expect(Alert.parse((await call('POST', `/api/v1/alerts/${alertId}/actions/acknowledge`, 'operator')).json()).acknowledgedAt).toBe(Alert.parse(acked.json()).acknowledgedAt);
      const events = await alertEvents();
      expect(events.filter((e) => e.kind === 'alert.acknowledged')).toHaveLength(1);
      // The evaluation keeps the acknowledgement.
      const before = received.length;
      await new Promise((r) => setTimeout(r, 2_500));
      expect(AlertPage.parse((await call('GET', '/api/v1/alerts?state=firing', 'viewer')).json()).items.find((a) => a.id === alertId)).toMatchObject({ acknowledgedBy: 'operator' });
      expect(received.length).toBe(before);

      await expectBadRequest('POST', `/api/v1/alerts/${alertId}/actions/silence`, { until: new Date(Date.now() - 60_000).toISOString() }, /has passed: give a time in the future/);
      await expectBadRequest('POST', `/api/v1/alerts/${alertId}/actions/silence`, { until: new Date(Date.now() + 30 * 24 * 3600_000).toISOString() }, /at most a week/);
      await expectBadRequest('POST', `/api/v1/alerts/${alertId}/actions/silence`, { until: 'tomorrow' }, /until/);
      const until = new Date(Date.now() + 3600_000).toISOString();
      const silenced = await call('POST', `/api/v1/alerts/${alertId}/actions/silence`, 'operator', { until, comment: 'deploying' });
      expect(silenced.status, silenced.text).toBe(201);
      const silence = AlertSilence.parse(silenced.json());
      expect(silence).toMatchObject({ ruleId, queue: 'report', until, createdBy: 'operator', comment: 'deploying' });
      expect(((await call('GET', '/api/v1/alerts/silences', 'viewer')).json() as { items: AlertSilence[] }).items.map((s) => s.id)).toEqual([silence.id]);
      await eventually(async () => AlertPage.parse((await call('GET', '/api/v1/alerts?state=firing', 'viewer')).json()).items.find((a) => a.id === alertId && a.silencedUntil === until), 15_000, 'the alert to read silenced');
      expect((await call('DELETE', `/api/v1/alerts/silences/${silence.id}`, 'operator')).status).toBe(204);
      expect((await call('DELETE', `/api/v1/alerts/silences/${silence.id}`, 'operator')).status).toBe(404);
    }, 60_000);

    test('it resolves once the backlog is gone: event, resolved notification, listed as resolved', async () => {
      const jobs = (await call('GET', '/api/v1/jobs?type=report&state=pending&limit=100', 'viewer')).json() as { items: { id: string }[] };
      const cancelled = await call('POST', '/api/v1/jobs/bulk', 'operator', { action: 'cancel', ids: jobs.items.map((j) => j.id), dryRun: false });
      expect(cancelled.status, cancelled.text).toBe(200);
      const resolved = await eventually(
        async () => AlertPage.parse((await call('GET', '/api/v1/alerts?state=resolved', 'viewer')).json()).items.find((a) => a.id === alertId),
        30_000,
        'the alert to resolve',
      );
      expect(resolved).toMatchObject({ state: 'resolved', value: 0, resolvedAt: expect.any(String), acknowledgedBy: 'operator' });
      expect(AlertPage.parse((await call('GET', '/api/v1/alerts?state=firing', 'viewer')).json()).items.find((a) => a.id === alertId)).toBeUndefined();
      await eventually(async () => (await alertEvents()).find((e) => e.kind === 'alert.resolved'), 10_000, 'alert.resolved');
      expect((await alertEvents()).map((e) => e.kind)).toEqual(['alert.firing', 'alert.acknowledged', 'alert.resolved']);
      await eventually(async () => received.find((r) => r.body.includes(alertId) && JSON.parse(r.body).status === 'resolved'), 30_000, 'the resolved webhook');
      const all = AlertPage.parse((await call('GET', '/api/v1/alerts?state=all&limit=1', 'viewer')).json());
      expect(all.items).toHaveLength(1);
    }, 90_000);

    test('the user directory: a Slack webhook left out of a PUT stays as stored, null removes it, and one way to reach the user must remain', async () => {
      const slack = 'https://hooks.slack.com/services/T0/B0/OLGA-SECRET';
      expect((await call('PUT', '/api/v1/alerts/users/olga', 'admin', { email: 'olga@example.com', slackWebhookUrl: slack })).status).toBe(200);
      const edited = await call('PUT', '/api/v1/alerts/users/olga', 'admin', { phone: '+15551234567' });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.json()).toEqual({ user: 'olga', phone: '+15551234567', slackWebhookUrlHint: 'https://hooks.slack.com/…' });
      expect(await ds.alerts.getUser('olga')).toEqual({ user: 'olga', phone: '+15551234567', slackWebhookUrl: slack });
      const listed = await call('GET', '/api/v1/alerts/users', 'admin');
      expect(listed.text).not.toContain('OLGA-SECRET');
      await expectBadRequest('PUT', '/api/v1/alerts/users/olga', { slackWebhookUrl: null }, /give at least one of email, phone or slackWebhookUrl, or remove olga from the directory/);
      expect((await call('PUT', '/api/v1/alerts/users/olga', 'admin', { phone: '+15551234567', slackWebhookUrl: null })).status).toBe(200);
      expect(await ds.alerts.getUser('olga')).toEqual({ user: 'olga', phone: '+15551234567' });
      expect((await call('DELETE', '/api/v1/alerts/users/olga', 'admin')).status).toBe(204);
    });

    test('bad list queries are 400s', async () => {
      await expectBadRequest('GET', '/api/v1/alerts?state=burning', undefined, /state/);
      await expectBadRequest('GET', '/api/v1/alerts?cursor=abc', undefined, /cursor/);
      await expectBadRequest('GET', '/api/v1/alerts/deliveries?cursor=-1', undefined, /cursor/);
      await expectBadRequest('PUT', '/api/v1/alerts/users/olga', {}, /at least one of email, phone or slackWebhookUrl/);
    });
  });
}
