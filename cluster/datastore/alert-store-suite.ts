/**
 * The AlertStore contract, one scenario for every datastore: each `*.pg.test.ts` /
 * `*.redis.test.ts` file calls `alertStoreSuite(kind)` on a fresh datastore of its own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AlertDeliveryInput } from '../../contract/alert-deliveries.ts';
import { ClusterAlertRule, DEFAULT_CLUSTER_ALERT_RULES, type Alert, type AlertInstance } from '../../contract/alerts.ts';
import { DEFAULT_THRESHOLDS } from '../../contract/thresholds.ts';
import { EMPTY_ALERT_STATE, type AlertState } from '../alerts/alert-store.ts';
import { testDatastore, type TestDatastore, type TestKind } from '../engine/engine-test-support.ts';
import type { Datastore } from './open-datastore.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function alert(id: string, state: Alert['state'], extra: Partial<Alert> = {}): Alert {
  return { id, ruleId: 'queue-length', state, severity: 'warning', value: 120, startedAt: at(0), message: `Queue > 100 jobs: 120 jobs (${id})`, ...extra };
}

function instance(id: string, state: AlertInstance['state']): AlertInstance {
  return {
    id,
    dedupKey: `queue-length/${id}`,
    ruleId: 'queue-length',
    ruleName: 'Queue > 100 jobs',
    metric: 'queueLength',
    scope: { kind: 'cluster' },
    severity: 'warning',
    state,
    value: 120,
    activeSince: at(0),
    channels: [],
    message: 'Queue > 100 jobs: 120 jobs',
  };
}

function delivery(channelId: string | undefined, alertIds: string[], s: number, extra: Partial<AlertDeliveryInput> = {}): AlertDeliveryInput {
  return { ...(channelId ? { channelId } : {}), kind: 'firing', batchKey: `${channelId}@${at(s)}`, alertIds, attempt: 1, result: 'sent', at: at(s), ...extra };
}

export function alertStoreSuite(kind: TestKind): void {
  describe(`AlertStore on ${kind}`, () => {
    let t: TestDatastore;
    let a: Datastore;
    let b: Datastore;

    beforeAll(async () => {
      t = await testDatastore(kind);
      a = await t.open();
      b = await t.open(); // a second node on the same datastore
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await t?.cleanup();
    });

    test('a new cluster has the default thresholds and the four default rules; a deleted default stays deleted when another node opens', async () => {
      expect(await a.alerts.getThresholds()).toEqual(DEFAULT_THRESHOLDS);
      expect(await b.alerts.listRules()).toEqual(DEFAULT_CLUSTER_ALERT_RULES);
      expect(await a.alerts.deleteRule('wait-time')).toBe(true);
      expect(await a.alerts.deleteRule('wait-time')).toBe(false);
      const c = await t.open();
      try {
        expect((await c.alerts.listRules()).map((r) => r.id)).toEqual(['queue-length', 'failure-rate', 'stuck-jobs']);
      } finally {
        await c.close();
      }
      await a.alerts.putRule(DEFAULT_CLUSTER_ALERT_RULES[3]!);
    });

    test('thresholds written on one node read the same on another', async () => {
      const stricter = { ...DEFAULT_THRESHOLDS, queueLength: { ...DEFAULT_THRESHOLDS.queueLength, warning: 3, critical: 6 } };
      await a.alerts.putThresholds(stricter);
      expect(await b.alerts.getThresholds()).toEqual(stricter);
      await a.alerts.putThresholds(DEFAULT_THRESHOLDS);
    });

    test('rules: create, replace in place (order kept), get, delete', async () => {
      const rule = ClusterAlertRule.parse({ id: 'rule-x', name: 'Backtest queue', metric: 'queueLength', queue: 'backtest', op: 'above', threshold: 5, severity: 'critical' });
      await a.alerts.putRule(rule);
      await a.alerts.putRule({ ...rule, threshold: 7 });
      expect(await b.alerts.getRule('rule-x')).toEqual({ ...rule, threshold: 7 });
      expect((await b.alerts.listRules()).map((r) => r.id)).toEqual(['queue-length', 'failure-rate', 'stuck-jobs', 'wait-time', 'rule-x']);
      expect(await b.alerts.getRule('nope')).toBeNull();
      expect(await b.alerts.deleteRule('rule-x')).toBe(true);
      expect(await a.alerts.getRule('rule-x')).toBeNull();
    });

    test('channels keep their secrets in the store (only the delivery code reads them)', async () => {
      await a.alerts.putChannel({ id: 'ch-1', name: 'Ops mail', kind: 'email', host: 'smtp.example.com', port: 587, password: 's3cret', from: 'a@example.com', to: ['b@example.com'] });
      await a.alerts.putChannel({ id: 'ch-2', name: 'Slack', kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/X' });
      const channels = await b.alerts.listChannels();
      expect(channels.map((c) => c.id)).toEqual(['ch-1', 'ch-2']);
      expect(await b.alerts.getChannel('ch-1')).toMatchObject({ password: 's3cret' });
      expect(await a.alerts.deleteChannel('ch-2')).toBe(true);
      expect(await a.alerts.getChannel('ch-2')).toBeNull();
      expect(await a.alerts.deleteChannel('ch-2')).toBe(false);
    });

    test('the evaluation state is written only by whoever read its current version; history changes with it', async () => {
      const first = await a.alerts.readState();
      expect(first).toEqual({ state: EMPTY_ALERT_STATE, version: 0 });
      const state: AlertState = { instances: [instance('al-1', 'firing'), instance('al-2', 'pending')], queue: [], lastSentAt: { 'ch-1': at(5) }, evaluatedAt: at(5) };
      const v1 = await a.alerts.writeState(0, state, { upsert: [alert('al-1', 'firing'), alert('al-2', 'pending')], drop: [] });
      expect(v1).toBe(1);
      // A node that read version 0 loses: it must re-read, not overwrite.
      expect(await b.alerts.writeState(0, EMPTY_ALERT_STATE, { upsert: [alert('al-9', 'firing')], drop: [] })).toBeNull();
      expect(await b.alerts.getAlert('al-9')).toBeNull();
      expect(await b.alerts.readState()).toEqual({ state, version: 1 });

      // al-2 fell back before firing (dropped); al-1 resolved; al-3 fires.
      const v2 = await b.alerts.writeState(1, { ...state, instances: [instance('al-3', 'firing')] }, {
        upsert: [alert('al-1', 'resolved', { resolvedAt: at(30) }), alert('al-3', 'firing', { startedAt: at(31) })],
        drop: ['al-2', 'al-1'],
      });
      expect(v2).toBe(2);
      expect(await a.alerts.getAlert('al-2')).toBeNull();
      expect(await a.alerts.getAlert('al-1')).toMatchObject({ state: 'resolved', resolvedAt: at(30) }); // drop takes pending ones only
      const all = await a.alerts.listAlerts({ state: 'all', limit: 10 });
      expect(all.items.map((x) => x.id)).toEqual(['al-3', 'al-1']);
      expect((await a.alerts.listAlerts({ state: 'firing', limit: 10 })).items.map((x) => x.id)).toEqual(['al-3']);
      expect((await a.alerts.listAlerts({ state: 'resolved', limit: 10 })).items.map((x) => x.id)).toEqual(['al-1']);
      expect((await a.alerts.listAlerts({ state: 'pending', limit: 10 })).items).toEqual([]);
    });

    test('alert pages follow the cursor with nothing repeated or skipped; old resolved alerts are trimmed', async () => {
      const more = Array.from({ length: 7 }, (_, i) => alert(`al-p${i}`, 'resolved', { resolvedAt: at(40 + i) }));
      const { version } = await a.alerts.readState();
      const current = (await a.alerts.readState()).state;
      expect(await a.alerts.writeState(version, current, { upsert: more, drop: [] })).toBe(version + 1);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await b.alerts.listAlerts({ state: 'resolved', limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...got.items.map((x) => x.id));
        if (got.nextCursor === null) break;
        cursor = got.nextCursor;
      }
      expect(seen).toEqual(['al-p6', 'al-p5', 'al-p4', 'al-p3', 'al-p2', 'al-p1', 'al-p0', 'al-1']);
      // Resolved before at(43): al-1 (30) and al-p0..p2 (40..42).
      expect(await a.alerts.trimAlerts(Date.parse(at(43)))).toBe(4);
      expect((await a.alerts.listAlerts({ state: 'all', limit: 50 })).items.map((x) => x.id)).toEqual(['al-p6', 'al-p5', 'al-p4', 'al-p3', 'al-3']);
    });

    test('silences: put, list on another node, delete, trim the ended', async () => {
      await a.alerts.putSilence({ id: 'si-1', ruleId: 'queue-length', until: at(100), createdBy: 'alice', createdAt: at(0) });
      await a.alerts.putSilence({ id: 'si-2', queue: 'backtest', until: at(200), createdBy: 'alice', createdAt: at(0), comment: 'deploy' });
      expect((await b.alerts.listSilences()).map((s) => s.id)).toEqual(['si-1', 'si-2']);
      expect(await b.alerts.trimSilences(Date.parse(at(150)))).toBe(1);
      expect((await a.alerts.listSilences()).map((s) => s.id)).toEqual(['si-2']);
      expect(await a.alerts.deleteSilence('si-2')).toBe(true);
      expect(await a.alerts.deleteSilence('si-2')).toBe(false);
      expect(await a.alerts.listSilences()).toEqual([]);
    });

    test('the delivery log: ids increase, newest first, filtered by channel or alert, paged and trimmed', async () => {
      const written = [];
      written.push(await a.alerts.appendDelivery(delivery('ch-1', ['al-1'], 1)));
      written.push(await b.alerts.appendDelivery(delivery('ch-1', ['al-1', 'al-3'], 2, { attempt: 2, result: 'failed', error: 'SMTP server refused the login' })));
      written.push(await a.alerts.appendDelivery(delivery('ch-2', ['al-3'], 3)));
      written.push(await a.alerts.appendDelivery(delivery(undefined, [], 4, { kind: 'user-note', user: 'olga' })));
      const ids = written.map((w) => BigInt(w.id));
      expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);

      const all = await b.alerts.listDeliveries({ limit: 10 });
      expect(all.items.map((d) => d.id)).toEqual(written.map((w) => w.id).reverse());
      expect(all.items[2]).toEqual(written[1]);
      expect((await b.alerts.listDeliveries({ channelId: 'ch-1', limit: 10 })).items.map((d) => d.id)).toEqual([written[1]!.id, written[0]!.id]);
      expect((await b.alerts.listDeliveries({ alertId: 'al-3', limit: 10 })).items.map((d) => d.id)).toEqual([written[2]!.id, written[1]!.id]);
      expect((await b.alerts.listDeliveries({ alertId: 'al-3', channelId: 'ch-1', limit: 10 })).items.map((d) => d.id)).toEqual([written[1]!.id]);

      const first = await b.alerts.listDeliveries({ limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.nextCursor).toBe(written[1]!.id);
      const second = await b.alerts.listDeliveries({ limit: 3, cursor: first.nextCursor! });
      expect(second).toEqual({ items: [written[0]], nextCursor: null });

      expect(await a.alerts.trimDeliveries(Date.parse(at(3)))).toBe(2);
      expect((await b.alerts.listDeliveries({ channelId: 'ch-1', limit: 10 })).items).toEqual([]);
      expect((await b.alerts.listDeliveries({ limit: 10 })).items.map((d) => d.id)).toEqual([written[3]!.id, written[2]!.id]);
    });

    test('the user directory: put, replace, list sorted, delete', async () => {
      await a.alerts.putUser({ user: 'olga', email: 'olga@example.com' });
      await a.alerts.putUser({ user: 'ana', phone: '+15551234567', slackWebhookUrl: 'https://hooks.slack.com/services/T/B/Y' });
      await a.alerts.putUser({ user: 'olga', email: 'olga@example.org' });
      expect(await b.alerts.listUsers()).toEqual([
        { user: 'ana', phone: '+15551234567', slackWebhookUrl: 'https://hooks.slack.com/services/T/B/Y' },
        { user: 'olga', email: 'olga@example.org' },
      ]);
      expect(await b.alerts.getUser('nobody')).toBeNull();
      expect(await b.alerts.deleteUser('ana')).toBe(true);
      expect(await b.alerts.deleteUser('ana')).toBe(false);
    });
  });
}
