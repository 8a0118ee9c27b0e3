/**
 * Alert evaluation on a real datastore with two API nodes: each node runs an AlertScheduler on
 * its own connections, and together they evaluate once per interval (not once per node), record
 * each transition once as a cluster event and hand each notification batch over once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_CLUSTER_ALERT_RULES } from '../../contract/alerts.ts';
import type { ClusterEvent } from '../../contract/events.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { eventually, testDatastore, type TestDatastore, type TestKind } from '../engine/engine-test-support.ts';
import type { EvaluationOutcome } from './alert-evaluation.ts';
import { AlertScheduler } from './alert-scheduler.ts';
import type { NotificationBatch } from './notification-grouping.ts';
import type { MetricReadings } from './rule-evaluator.ts';

const INTERVAL_MS = 1_000;

async function alertEvents(ds: Datastore): Promise<ClusterEvent[]> {
  const read = await ds.store.readEvents('0', 10_000);
  return read.events.map((e) => e.event).filter((e) => e.kind.startsWith('alert.'));
}

export function alertSchedulerSuite(kind: TestKind): void {
  describe(`alert evaluation with two API nodes on ${kind}`, () => {
    let t: TestDatastore;
    const nodes: Datastore[] = [];
    const schedulers: AlertScheduler[] = [];
    const evaluations: { node: number; at: number; outcome: EvaluationOutcome }[] = [];
    const batches: NotificationBatch[] = [];
    let queueLength = 0;

    beforeAll(async () => {
      t = await testDatastore(kind);
      for (let i = 0; i < 2; i++) nodes.push(await t.open());
      const [a] = nodes;
      await a!.alerts.putChannel({ id: 'ch-1', name: 'Ops hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
      // The default queue rule, made quick: no pending period and no resolve hold.
      await a!.alerts.putRule({ ...DEFAULT_CLUSTER_ALERT_RULES[0]!, forSeconds: 0, keepFiringForSeconds: 0, channels: ['ch-1'] });
      const readings = async (): Promise<MetricReadings> => ({ cluster: { queueLength }, queues: {}, nodes: {} });
      for (const [index, ds] of nodes.entries()) {
        schedulers.push(
          await AlertScheduler.start({
            datastore: ds,
            readings,
            intervalMs: INTERVAL_MS,
            grouping: { groupWaitMs: 0, groupIntervalMs: 0 },
            notifier: { enqueue: async (b) => void batches.push(...b) },
            onEvaluated: (outcome) => evaluations.push({ node: index, at: Date.now(), outcome }),
            onError: () => undefined,
          }),
        );
      }
    }, 60_000);

    afterAll(async () => {
      for (const s of schedulers) await s.close();
      for (const ds of nodes) await ds.close();
      await t?.cleanup();
    });

    test('two nodes evaluate once per interval between them, not once each', async () => {
      await eventually(async () => evaluations.length >= 2, 20_000, 'a first evaluation');
      const from = Date.now();
      const before = evaluations.length;
      await new Promise((r) => setTimeout(r, 6 * INTERVAL_MS));
      const ran = evaluations.length - before;
      const elapsed = Date.now() - from;
      // One job per interval: at most one more than the intervals that passed (two nodes each on a timer would double it).
      expect(ran).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1);
      expect(ran).toBeGreaterThanOrEqual(2);
    }, 30_000);

    test('a value above the threshold fires once and resolves once: one event and one batch each, whichever node evaluates', async () => {
      queueLength = 150;
      const firing = await eventually(async () => (await alertEvents(nodes[1]!)).find((e) => e.kind === 'alert.firing'), 20_000, 'alert.firing');
      // A few more evaluations while it keeps firing: no second event, no second batch.
      const seen = evaluations.length;
      await eventually(async () => evaluations.length >= seen + 3, 20_000, 'three more evaluations');
      queueLength = 3;
      await eventually(async () => (await alertEvents(nodes[0]!)).find((e) => e.kind === 'alert.resolved'), 20_000, 'alert.resolved');
      const after = evaluations.length;
      await eventually(async () => evaluations.length >= after + 2, 20_000, 'two more evaluations');

      const events = await alertEvents(nodes[0]!);
      expect(events.map((e) => e.kind)).toEqual(['alert.firing', 'alert.resolved']);
      const alertId = (firing as Extract<ClusterEvent, { kind: 'alert.firing' }>).alert.id;
      expect(events.every((e) => 'alert' in e && e.alert.id === alertId)).toBe(true);
      expect(Number(events[1]!.id)).toBeGreaterThan(Number(events[0]!.id));

      const sent = batches.flatMap((b) => b.notifications.map((n) => `${b.channelId}:${n.kind}:${n.alert.id}`));
      expect(sent).toEqual([`ch-1:firing:${alertId}`, `ch-1:resolved:${alertId}`]);
      const transitions = evaluations.flatMap((e) => e.outcome.transitions.filter((x) => x.event !== 'alert.pending').map((x) => x.event));
      expect(transitions).toEqual(['alert.firing', 'alert.resolved']);

      const listed = await nodes[1]!.alerts.listAlerts({ state: 'all', limit: 10 });
      expect(listed.items).toEqual([expect.objectContaining({ id: alertId, state: 'resolved', value: 3 })]);
    }, 90_000);
  });
}
