import { describe, expect, it } from 'vitest';
import { ClusterAlertRule, type AlertNotification } from '../../contract/alerts.ts';
import { JOB_TYPES } from '../../contract/domain.ts';
import { DEFAULT_GROUPING, queueNotifications, takeDueBatches } from './notification-grouping.ts';
import { evaluate, type MetricReadings } from './rule-evaluator.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function notification(id: string, kind: AlertNotification['kind'], at: number, channels = ['slack', 'mail']): AlertNotification {
  return {
    kind,
    channels,
    at: iso(at),
    alert: { id, ruleId: 'r', state: kind === 'resolved' ? 'resolved' : 'firing', severity: 'warning', value: 1, startedAt: iso(T0), message: id, dedupKey: id },
  };
}

describe('grouping per channel', () => {
  it('30 alerts firing in one evaluation go out as one message per channel', () => {
    // 30 rules (5 metrics × 6 queues), all breaching at once.
    const metrics = ['queueLength', 'failedJobs', 'stuckJobs', 'waitTimeMs', 'failureRate'] as const;
    const rules = metrics.flatMap((metric) =>
      JOB_TYPES.map((queue) =>
        ClusterAlertRule.parse({ id: `${metric}-${queue}`, name: `${metric} ${queue}`, metric, queue, op: 'above', threshold: 0, forSeconds: 0, severity: 'critical', channels: ['slack', 'mail', 'sms'] }),
      ),
    );
    const readings: MetricReadings = { cluster: {}, queues: Object.fromEntries(JOB_TYPES.map((t) => [t, Object.fromEntries(metrics.map((m) => [m, 0.5]))])), nodes: {} };
    const { notifications } = evaluate({ rules, readings, previous: [], silences: [], now: T0 });
    expect(notifications).toHaveLength(30);

    const queue = queueNotifications(notifications, T0);
    expect(takeDueBatches({ queue, lastSentAt: {}, now: T0 + 5_000 })).toMatchObject({ batches: [], nextDueAt: T0 + DEFAULT_GROUPING.groupWaitMs });
    const due = takeDueBatches({ queue, lastSentAt: {}, now: T0 + DEFAULT_GROUPING.groupWaitMs });
    expect(due.batches.map((b) => [b.channelId, b.notifications.length])).toEqual([
      ['mail', 30],
      ['slack', 30],
      ['sms', 30],
    ]);
    expect(due.remaining).toEqual([]);
    expect(due.lastSentAt).toEqual({ mail: iso(T0 + 10_000), slack: iso(T0 + 10_000), sms: iso(T0 + 10_000) });
  });

  it('gives a channel at most one message per group interval; what arrives meanwhile waits and goes out together', () => {
    const lastSentAt = { slack: iso(T0) };
    const queue = [
      ...queueNotifications([notification('a', 'firing', T0 + 15_000, ['slack'])], T0 + 15_000),
      ...queueNotifications([notification('b', 'firing', T0 + 30_000, ['slack'])], T0 + 30_000),
    ];
    const early = takeDueBatches({ queue, lastSentAt, now: T0 + 45_000 });
    expect(early).toMatchObject({ batches: [], nextDueAt: T0 + 60_000 });
    expect(early.remaining).toHaveLength(2);
    const due = takeDueBatches({ queue, lastSentAt, now: T0 + 60_000 });
    expect(due.batches).toMatchObject([{ channelId: 'slack', key: `slack@${iso(T0 + 60_000)}`, notifications: [{ alert: { id: 'a' } }, { alert: { id: 'b' } }] }]);
  });

  it('keeps one notification per alert: the latest, firing before repeats if the firing never went out', () => {
    const queue = queueNotifications(
      [notification('x', 'firing', T0), notification('y', 'firing', T0), notification('x', 'repeat', T0 + 5_000), notification('y', 'resolved', T0 + 5_000)],
      T0,
    );
    const [mail] = takeDueBatches({ queue, lastSentAt: {}, now: T0 + 20_000 }).batches;
    expect(mail!.notifications.map((n) => [n.alert.id, n.kind])).toEqual([
      ['x', 'firing'],
      ['y', 'resolved'],
    ]);
  });

  it('is deterministic whatever the queue order', () => {
    const queue = queueNotifications([notification('p', 'firing', T0), notification('q', 'resolved', T0), notification('r', 'firing', T0)], T0);
    const a = takeDueBatches({ queue, lastSentAt: {}, now: T0 + 60_000 });
    const b = takeDueBatches({ queue: [...queue].reverse(), lastSentAt: {}, now: T0 + 60_000 });
    expect(b).toEqual(a);
    expect(a.batches[0]!.notifications.map((n) => n.alert.id)).toEqual(['p', 'r', 'q']);
  });
});
