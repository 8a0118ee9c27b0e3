import { describe, expect, it } from 'vitest';
import { AlertInstance, ClusterAlertRule, DEFAULT_CLUSTER_ALERT_RULES, type AlertSilence, type CreateAlertRuleRequest } from '../../contract/alerts.ts';
import { acknowledge, evaluate, type AlertTransition, type EvaluationResult, type MetricReadings } from './rule-evaluator.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const STEP_MS = 15_000;

function rule(fields: Partial<CreateAlertRuleRequest> & { id?: string } = {}): ClusterAlertRule {
  return ClusterAlertRule.parse({ id: 'queue-length', name: 'Queue > 100 jobs', metric: 'queueLength', op: 'above', threshold: 100, severity: 'warning', channels: ['ops'], ...fields });
}

const clusterReading = (queueLength: number | null): MetricReadings => ({ cluster: { queueLength }, queues: {}, nodes: {} });

interface Run {
  notifications: EvaluationResult['notifications'];
  transitions: AlertTransition[];
  instances: AlertInstance[];
}

/** Evaluates once per 15 s over the values, from `start`, carrying the tracked alerts along. */
function run(rules: ClusterAlertRule[], values: readonly (number | null)[], opts: { start?: number; previous?: AlertInstance[]; silences?: AlertSilence[] } = {}): Run {
  let instances = opts.previous ?? [];
  const out: Run = { notifications: [], transitions: [], instances };
  values.forEach((value, i) => {
    const result = evaluate({ rules, readings: clusterReading(value), previous: instances, silences: opts.silences ?? [], now: (opts.start ?? T0) + i * STEP_MS });
    // What the datastore would store and hand back must survive its schema.
    instances = result.instances.map((x) => AlertInstance.parse(JSON.parse(JSON.stringify(x))));
    out.notifications.push(...result.notifications);
    out.transitions.push(...result.transitions);
  });
  out.instances = instances;
  return out;
}

const kinds = (r: Run) => r.notifications.map((n) => n.kind);
const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe('pending period', () => {
  it('fires only after the condition has held for forSeconds, and a dip starts the wait over', () => {
    const r = rule({ forSeconds: 60 });
    // 0, 15, 30, 45 s above; 60 s below; then 4 more above: only the 5th one after the dip is 60 s on.
    const early = run([r], [150, 150, 150, 150, 90, 150, 150, 150, 150]);
    expect(kinds(early)).toEqual([]);
    expect(early.instances).toMatchObject([{ state: 'pending', activeSince: new Date(T0 + 5 * STEP_MS).toISOString() }]);
    const fired = run([r], [150, 150, 150, 150, 90, 150, 150, 150, 150, 150]);
    expect(kinds(fired)).toEqual(['firing']);
    expect(fired.notifications[0]!.alert).toMatchObject({ state: 'firing', ruleId: 'queue-length', value: 150, startedAt: new Date(T0 + 9 * STEP_MS).toISOString(), message: 'Queue > 100 jobs: 150 jobs' });
    expect(fired.transitions.map((t) => t.event)).toEqual(['alert.pending', 'alert.pending', 'alert.firing']);
  });

  it('fires at the first breaching reading with forSeconds 0', () => {
    expect(kinds(run([rule({ forSeconds: 0 })], [99, 101]))).toEqual(['firing']);
  });
});

describe('flapping', () => {
  const flapping = [...repeat(6, 150), ...Array.from({ length: 40 }, (_, i) => (i % 2 ? 95 : 105))];

  it('a value oscillating around the threshold notifies once while it flaps, and resolves once when it settles', () => {
    const r = run([rule()], [...flapping, ...repeat(6, 20)]);
    expect(kinds(r)).toEqual(['firing', 'resolved']);
    expect(r.notifications[1]!.alert).toMatchObject({ state: 'resolved', message: 'Queue > 100 jobs: back to 20 jobs' });
  });

  it('without pending period and resolve hold the same series notifies on every crossing (the protection is what helps)', () => {
    const r = run([rule({ forSeconds: 0, keepFiringForSeconds: 0 })], flapping);
    expect(kinds(r).length).toBeGreaterThan(30);
  });

  it('resolves only after the value stays clear for the hold', () => {
    const r = rule({ forSeconds: 0, keepFiringForSeconds: 60 });
    expect(kinds(run([r], [150, 50, 50, 50, 50]))).toEqual(['firing']);
    const resolved = run([r], [150, 50, 50, 50, 50, 50]);
    expect(kinds(resolved)).toEqual(['firing', 'resolved']);
    expect(resolved.notifications[1]!.alert.resolvedAt).toBe(new Date(T0 + 5 * STEP_MS).toISOString());
  });
});

describe('hysteresis', () => {
  it('a firing alert resolves only past the clear threshold', () => {
    const r = rule({ forSeconds: 0, keepFiringForSeconds: 0, clearThreshold: 80 });
    const stays = run([r], [150, 90, 99, 85, 100]);
    expect(kinds(stays)).toEqual(['firing']);
    expect(stays.instances).toMatchObject([{ state: 'firing', value: 100 }]);
    expect(kinds(run([r], [150, 90, 80]))).toEqual(['firing', 'resolved']);
  });

  it('works the other way round for a "below" rule', () => {
    const r = rule({ id: 'rate', name: 'slow', metric: 'queueLength', op: 'below', threshold: 10, clearThreshold: 20, forSeconds: 0, keepFiringForSeconds: 0 });
    expect(kinds(run([r], [5, 15, 12, 19]))).toEqual(['firing']);
    expect(kinds(run([r], [5, 15, 20]))).toEqual(['firing', 'resolved']);
  });
});

describe('repeats and acknowledge', () => {
  const r = rule({ forSeconds: 0, repeatMinutes: 1 });

  it('repeats every repeatMinutes while firing', () => {
    expect(kinds(run([r], repeat(13, 150)))).toEqual(['firing', 'repeat', 'repeat', 'repeat']);
    expect(kinds(run([rule({ forSeconds: 0, repeatMinutes: 0 })], repeat(13, 150)))).toEqual(['firing']);
  });

  it('acknowledge stops repeats until it resolves; the next episode notifies again', () => {
    const first = run([r], [150, 150]);
    const ack = acknowledge(first.instances, first.instances[0]!.id, 'alice', T0 + STEP_MS);
    if (!ack.ok) throw new Error(ack.message);
    expect(ack.transition).toMatchObject({ event: 'alert.acknowledged', alert: { acknowledgedBy: 'alice' } });
    const start = T0 + 2 * STEP_MS;
    const after = run([r], [...repeat(12, 150), ...repeat(5, 10), ...repeat(6, 150)], { start, previous: ack.instances });
    expect(kinds(after)).toEqual(['resolved', 'firing', 'repeat']);
    expect(after.notifications[1]!.alert.id).not.toBe(first.instances[0]!.id);
    expect(after.notifications[1]!.alert.acknowledgedBy).toBeUndefined();
  });

  it('says why an alert cannot be acknowledged', () => {
    const pending = run([rule()], [150]).instances;
    expect(acknowledge(pending, pending[0]!.id, 'a', T0)).toMatchObject({ ok: false, reason: 'not_firing' });
    expect(acknowledge(pending, 'alert-x', 'a', T0)).toMatchObject({ ok: false, reason: 'not_found', message: expect.stringContaining('alert-x') });
  });
});

describe('silences', () => {
  const r = rule({ forSeconds: 0, repeatMinutes: 1 });
  const silence = (until: number, scope: Partial<AlertSilence> = { ruleId: 'queue-length' }): AlertSilence => ({ id: 's1', ...scope, until: new Date(until).toISOString(), createdBy: 'ops', createdAt: new Date(T0).toISOString() });

  it('holds back firing and repeats while it lasts, and notifies once it ends if still firing', () => {
    const silenced = run([r], repeat(8, 150), { silences: [silence(T0 + 4 * STEP_MS)] });
    expect(silenced.notifications.map((n) => [n.kind, n.at])).toEqual([['firing', new Date(T0 + 4 * STEP_MS).toISOString()]]);
    expect(silenced.transitions[0]).toMatchObject({ event: 'alert.firing', alert: { silencedUntil: new Date(T0 + 4 * STEP_MS).toISOString() } });
  });

  it('an alert that fired and resolved inside a silence sends nothing', () => {
    expect(kinds(run([rule({ forSeconds: 0, keepFiringForSeconds: 0 })], [150, 150, 10, 10], { silences: [silence(T0 + 10 * STEP_MS)] }))).toEqual([]);
  });

  it('matches by scope: a silence of another queue does not hold this one back', () => {
    const scoped = rule({ forSeconds: 0, queue: 'backtest' });
    const readings: MetricReadings = { cluster: {}, queues: { backtest: { queueLength: 150 } }, nodes: {} };
    const other = evaluate({ rules: [scoped], readings, previous: [], silences: [silence(T0 + 3_600_000, { queue: 'training' })], now: T0 });
    expect(other.notifications.map((n) => n.kind)).toEqual(['firing']);
    const same = evaluate({ rules: [scoped], readings, previous: [], silences: [silence(T0 + 3_600_000, { queue: 'backtest' })], now: T0 });
    expect(same.notifications).toEqual([]);
  });
});

describe('scopes and rule changes', () => {
  const cpu = rule({ id: 'cpu', name: 'CPU > 90%', metric: 'cpuPercent', threshold: 90, forSeconds: 0, keepFiringForSeconds: 30, severity: 'critical' });

  it('watches each node on its own, one dedup key per node', () => {
    const readings: MetricReadings = { cluster: {}, queues: {}, nodes: { 'w-2': { cpuPercent: 97 }, 'w-1': { cpuPercent: 95 }, 'w-3': { cpuPercent: 20 } } };
    const result = evaluate({ rules: [cpu], readings, previous: [], silences: [], now: T0 });
    expect(result.instances.map((i) => i.dedupKey)).toEqual(['cpu/node:w-1', 'cpu/node:w-2']);
    expect(result.notifications.map((n) => n.alert.message)).toEqual(['CPU > 90% (w-1): 95%', 'CPU > 90% (w-2): 97%']);

    // w-1 stops reporting: no reading counts as clear, so it resolves after the 30 s hold.
    const gone: MetricReadings = { ...readings, nodes: { 'w-2': { cpuPercent: 97 } } };
    let previous = result.instances;
    const kindsAt: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const next = evaluate({ rules: [cpu], readings: gone, previous, silences: [], now: T0 + i * STEP_MS });
      kindsAt.push(next.notifications.map((n) => `${n.kind} ${n.alert.dedupKey}`));
      previous = next.instances;
    }
    expect(kindsAt).toEqual([[], [], ['resolved cpu/node:w-1']]);
  });

  it('resolves and says so when its rule is disabled or deleted', () => {
    const firing = run([rule({ forSeconds: 0 })], [150]).instances;
    const disabled = evaluate({ rules: [rule({ forSeconds: 0, enabled: false })], readings: clusterReading(150), previous: firing, silences: [], now: T0 + STEP_MS });
    expect(disabled.instances).toEqual([]);
    expect(disabled.notifications).toMatchObject([{ kind: 'resolved', channels: ['ops'], alert: { message: 'Queue > 100 jobs: rule disabled' } }]);
    const deleted = evaluate({ rules: [], readings: clusterReading(150), previous: firing, silences: [], now: T0 + STEP_MS });
    expect(deleted.notifications).toMatchObject([{ kind: 'resolved', alert: { message: 'Queue > 100 jobs: rule deleted' } }]);
  });

  it('is deterministic: the same input gives the same output, in dedup-key order', () => {
    const readings: MetricReadings = { cluster: { queueLength: 500, failureRate: 0.5, stuckJobs: 9, waitTimeMs: 3_600_000 }, queues: {}, nodes: {} };
    const rules = DEFAULT_CLUSTER_ALERT_RULES.map((r) => ({ ...r, forSeconds: 0 }));
    const a = evaluate({ rules, readings, previous: [], silences: [], now: T0 });
    const b = evaluate({ rules: [...rules].reverse(), readings, previous: [], silences: [], now: T0 });
    expect(b).toEqual(a);
    expect(a.instances.map((i) => i.dedupKey)).toEqual(['failure-rate/cluster', 'queue-length/cluster', 'stuck-jobs/cluster', 'wait-time/cluster']);
    // The default rules have no channels yet: they fire (banner, app) but send nothing.
    expect(a.transitions.filter((t) => t.event === 'alert.firing')).toHaveLength(4);
    expect(a.notifications).toEqual([]);
  });
});
