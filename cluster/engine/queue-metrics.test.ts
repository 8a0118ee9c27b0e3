// Queue metrics math: percentiles, wait times, rates and threshold levels, cluster readings.
import { describe, expect, test } from 'vitest';
import { emptyStateCounts } from '../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS } from '../../contract/thresholds.ts';
import { clusterReadings, percentile, queueMetrics, waitsOf, waitTimeOf, weightedPercentile } from './queue-metrics.ts';

const noWaits = { waits: [], oldestWaitingMs: null };

describe('metrics math', () => {
  test('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
  });

  test('wait time counts from the later of creation and runAt', () => {
    expect(waitTimeOf({ createdAt: 0, startedAt: 5_000, runAt: null })).toBe(5_000);
    expect(waitTimeOf({ createdAt: 0, startedAt: 5_000, runAt: 4_000 })).toBe(1_000);
    expect(waitTimeOf({ createdAt: 0, startedAt: null, runAt: null })).toBeNull();
  });

  test('rates and levels over the window; cancelled jobs do not count as failures', () => {
    const finished = [
      ...Array.from({ length: 18 }, (_, i) => ({ type: 'signal' as const, base: 'completed' as const, createdAt: 0, startedAt: 1_000 * i, finishedAt: 1, runAt: null })),
      { type: 'signal' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
      { type: 'signal' as const, base: 'cancelled' as const, createdAt: 0, startedAt: null, finishedAt: 1, runAt: null },
      { type: 'report' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
    ];
    const { waits, oldestWaitingMs } = waitsOf({ now: 20_000, waitingSince: [], waitingUnread: 0, started: finished.filter((f) => f.type === 'signal'), recentMs: 60_000 });
    const m = queueMetrics({ type: 'signal', paused: false, concurrency: 2, counts: { ...emptyStateCounts(), pending: 12 }, ready: 12, finished, waits, oldestWaitingMs, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(m.processingRatePerMin).toEqual({ value: 19, level: 'good' });
    expect(m.failureRate.value).toBeCloseTo(1 / 19);
    expect(m.failureRate.level).toBe('critical');
    expect(m.queueLength).toEqual({ value: 12, level: 'warning' });
    expect(m.waitTimeP95Ms.value).toBe(17_000);
    const idle = queueMetrics({ type: 'training', paused: false, concurrency: 1, counts: emptyStateCounts(), ready: 0, finished, ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(idle.processingRatePerMin.level).toBe('good');
    expect(idle.failureRate).toEqual({ value: null, level: 'good' });
  });

  test('a slow rate is critical with a backlog, but not on a queue an admin paused', () => {
    const input = { type: 'backtest' as const, concurrency: 2, counts: { ...emptyStateCounts(), pending: 40 }, ready: 40, finished: [], ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS };
    const running = queueMetrics({ ...input, paused: false });
    const paused = queueMetrics({ ...input, paused: true });
    expect(running.processingRatePerMin).toEqual({ value: 0, level: 'critical' });
    expect(paused.processingRatePerMin).toEqual({ value: 0, level: 'good' });
    expect(paused.queueLength.value).toBe(40);
    expect(clusterReadings([paused], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('good');
    expect(clusterReadings([paused, running], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('critical');
  });

  test('jobs scheduled for later or waiting for others are queued, but no backlog for the rate', () => {
    const input = { type: 'report' as const, paused: false, concurrency: 2, counts: { ...emptyStateCounts(), pending: 30 }, finished: [], ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS };
    const later = queueMetrics({ ...input, ready: 0 });
    expect(later.queueLength.value).toBe(30);
    expect(later.readyCount).toBe(0);
    expect(later.processingRatePerMin).toEqual({ value: 0, level: 'good' });
    expect(clusterReadings([later], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('good');
    const due = queueMetrics({ ...input, ready: 1 });
    expect(due.processingRatePerMin.level).toBe('critical');
    expect(clusterReadings([later, due], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('critical');
  });

  test('wait time counts the jobs still waiting: it rises while they wait and falls once they started', () => {
    const min = 60_000;
    const thresholds = DEFAULT_THRESHOLDS;
    const base = { type: 'signal' as const, concurrency: 1, counts: { ...emptyStateCounts(), pending: 10 }, ready: 10, finished: [], windowMs: 15 * min, thresholds };
    // A paused queue: ten jobs queued at t=0, nothing started yet; one job started earlier after 379 ms.
    const earlier = { createdAt: -1_000, startedAt: -621, runAt: null };
    const waitingSince = Array.from({ length: 10 }, () => 0);
    const at = (now: number, started: typeof earlier[]) => {
      const w = waitsOf({ now, waitingSince: now < 7 * min ? waitingSince : [], waitingUnread: 0, started, recentMs: 5 * min });
      return queueMetrics({ ...base, paused: now < 7 * min, ...w });
    };
    const waiting = at(6 * min, [earlier]);
    expect(waiting.oldestWaitingMs).toBe(6 * min);
    expect(waiting.waitTimeP95Ms).toEqual({ value: 6 * min, level: 'critical' });
    expect(at(2 * min, [earlier]).waitTimeP95Ms).toEqual({ value: 2 * min, level: 'warning' });
    // Resumed at 7 min: all ten started within seconds; nothing waits any more.
    const started = Array.from({ length: 10 }, (_, i) => ({ createdAt: 0, startedAt: 7 * min + i * 1_000, runAt: null }));
    const justAfter = at(7.5 * min, started);
    expect(justAfter.oldestWaitingMs).toBeNull();
    expect(justAfter.waitTimeP95Ms.value).toBe(7 * min + 9_000);
    // Five minutes after they started, they no longer count.
    const later = at(13 * min, started);
    expect(later.waitTimeP95Ms).toEqual({ value: null, level: 'good' });
    expect(later.waitSampleCount).toBe(0);
  });

  test('waiting jobs beyond those read count as the youngest read, so percentiles never read low', () => {
    const { waits, oldestWaitingMs } = waitsOf({ now: 100_000, waitingSince: [0, 50_000], waitingUnread: 98, started: [], recentMs: 60_000 });
    expect(oldestWaitingMs).toBe(100_000);
    expect(waits.reduce((n, w) => n + w.n, 0)).toBe(100);
    expect(weightedPercentile(waits, 95)).toBe(50_000);
    expect(weightedPercentile(waits, 100)).toBe(100_000);
    expect(weightedPercentile([], 95)).toBeNull();
  });

  test('cluster readings carry what lets the desktop combine clusters by job counts', () => {
    const finished = [
      ...Array.from({ length: 7 }, () => ({ type: 'signal' as const, base: 'completed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null })),
      { type: 'signal' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
    ];
    const q = queueMetrics({ type: 'signal', paused: false, concurrency: 1, counts: emptyStateCounts(), ready: 0, finished, waits: [{ ms: 10, n: 3 }], oldestWaitingMs: 10, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(q).toMatchObject({ finishedInWindow: 8, failedInWindow: 1, waitSampleCount: 3, oldestWaitingMs: 10 });
    expect(q.waitQuantilesMs).toHaveLength(21);
    const c = clusterReadings([q], finished, DEFAULT_THRESHOLDS, 60_000, [{ ms: 10, n: 3 }]);
    expect(c).toMatchObject({ finishedInWindow: 8, failedInWindow: 1, backlog: 0, oldestWaitingMs: 10, waitSampleCount: 3 });
  });
});
