/**
 * Evaluations through the stored state, alternating between two nodes: a value flapping around
 * the threshold fires once and resolves once (one firing and one resolved notification, one event
 * each), a pending alert that falls back never shows in the history, and an acknowledge made
 * between two evaluations is kept by the next one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ClusterAlertRule } from '../../contract/alerts.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { testDatastore, type TestDatastore, type TestKind } from '../engine/engine-test-support.ts';
import { acknowledgeAlert } from './alert-actions.ts';
import { evaluateOnce } from './alert-evaluation.ts';
import { storeAlertEvents } from './alert-events.ts';
import type { NotificationBatch } from './notification-grouping.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const STEP_MS = 10_000;

export function alertEvaluationSuite(kind: TestKind): void {
  describe(`evaluations through the stored state on ${kind}`, () => {
    let t: TestDatastore;
    const nodes: Datastore[] = [];
    const batches: NotificationBatch[] = [];
    let value = 0;

    beforeAll(async () => {
      t = await testDatastore(kind);
      for (let i = 0; i < 2; i++) nodes.push(await t.open());
      const a = nodes[0]!;
      for (const rule of await a.alerts.listRules()) await a.alerts.deleteRule(rule.id);
      await a.alerts.putChannel({ id: 'ch-1', name: 'Hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
      // Pending 30 s, resolve hold 30 s: Grafana's and Prometheus' damping, on a 10 s interval.
      await a.alerts.putRule(
        ClusterAlertRule.parse({ id: 'backlog', name: 'Backlog', metric: 'queueLength', op: 'above', threshold: 100, forSeconds: 30, keepFiringForSeconds: 30, severity: 'warning', channels: ['ch-1'] }),
      );
    });

    afterAll(async () => {
      for (const ds of nodes) await ds.close();
      await t?.cleanup();
    });

    /** One evaluation at step `i` on node i % 2. */
    function evaluateAt(i: number) {
      const ds = nodes[i % 2]!;
      return evaluateOnce(
        {
          alerts: ds.alerts,
          readings: async () => ({ cluster: { queueLength: value }, queues: {}, nodes: {} }),
          notifier: { enqueue: async (b) => void batches.push(...b) },
          events: storeAlertEvents(ds.store, () => T0 + i * STEP_MS),
          grouping: { groupWaitMs: 0, groupIntervalMs: 0 },
        },
        T0 + i * STEP_MS,
      );
    }

    async function alertEventKinds(): Promise<string[]> {
      return (await nodes[0]!.store.readEvents('0', 1000)).events.map((e) => e.event.kind).filter((k) => k.startsWith('alert.'));
    }

    test('a blip shorter than the pending period never fires and leaves no alert behind', async () => {
      value = 150;
      await evaluateAt(0);
      expect((await nodes[1]!.alerts.listAlerts({ state: 'pending', limit: 10 })).items).toHaveLength(1);
      value = 50;
      await evaluateAt(1);
      expect((await nodes[0]!.alerts.listAlerts({ state: 'all', limit: 10 })).items).toEqual([]);
      expect(batches).toEqual([]);
      expect(await alertEventKinds()).toEqual([]);
    });

    test('a value flapping around the threshold notifies once firing and once resolved, not on every crossing', async () => {
      // Above for 4 steps (fires at the 4th: 30 s held), then flapping 12 steps, then calm.
      const series = [150, 150, 150, 150, 90, 160, 80, 170, 95, 150, 60, 140, 99, 130, 70, 120, 50, 40, 30, 20, 10, 5];
      let acked = false;
      for (const [i, v] of series.entries()) {
        value = v;
        await evaluateAt(i + 2);
        const firing = (await nodes[0]!.alerts.listAlerts({ state: 'firing', limit: 10 })).items[0];
        if (firing && !acked && i === 8) {
          // An acknowledge on the other node between two evaluations is kept by the next one.
          await acknowledgeAlert({ alerts: nodes[1]!.alerts, events: storeAlertEvents(nodes[1]!.store, () => T0) }, firing.id, 'olga', T0 + (i + 2) * STEP_MS + 1);
          acked = true;
        }
      }
      expect(acked).toBe(true);
      const sent = batches.flatMap((b) => b.notifications.map((n) => n.kind));
      expect(sent).toEqual(['firing', 'resolved']);
      expect(await alertEventKinds()).toEqual(['alert.firing', 'alert.acknowledged', 'alert.resolved']);
      const history = (await nodes[1]!.alerts.listAlerts({ state: 'all', limit: 10 })).items;
      expect(history).toHaveLength(1);
      // Resolved once it had stayed clear for the 30 s hold: 50, 40, 30, then 20.
      expect(history[0]).toMatchObject({ state: 'resolved', acknowledgedBy: 'olga', value: 20 });
      expect((await nodes[0]!.alerts.readState()).state.instances).toEqual([]);
    });
  });
}
