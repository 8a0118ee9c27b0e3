import { describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import type { Summary } from '../../../contract/metrics.ts';
import { combine, pooledPercentile } from './combine-readings.ts';
import { tileNote } from './queue-health.tsx';

type Part = Partial<Summary>;

/** A dashboard summary of clusters whose only readings that matter here are the given ones. */
function summaryOf(clusters: Part[]): DashboardSummary {
  return {
    clusters: clusters.map((s, i) => ({ clusterId: `c${i}`, summary: { queues: [], ...s } as unknown as Summary, fromCache: false })),
    counts: { pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 },
    total: 0,
    successRate: null,
  };
}

const idle: Part = { backlog: 0, queueLength: { value: 0, level: 'good' }, processingRatePerMin: { value: 0.5, level: 'good' }, failureRate: { value: 0, level: 'good' } };
const stalled: Part = { backlog: 40, queueLength: { value: 40, level: 'warning' }, processingRatePerMin: { value: 0, level: 'critical' }, failureRate: { value: null, level: 'good' } };
const busy: Part = { backlog: 3, queueLength: { value: 3, level: 'good' }, processingRatePerMin: { value: 120, level: 'good' }, failureRate: { value: 0.2, level: 'critical' } };
const name = (id: string) => ({ c0: 'laptop', c1: 'prod' })[id] ?? id;

describe('queue metrics over several clusters', () => {
  it('with nothing ready to run anywhere the processing rate is idle, not rated', () => {
    const r = combine(summaryOf([idle, idle]), 'processingRatePerMin');
    expect(r).toMatchObject({ value: 1, idle: true });
    expect(combine(summaryOf([{ ...idle, processingRatePerMin: { value: 0.3, level: 'good' } }]), 'processingRatePerMin')).toMatchObject({ value: 0.3, idle: true });
    // A cluster of an older version without `backlog`: its queues tell.
    const old = { ...idle, backlog: undefined, queues: [{ paused: false, readyCount: 2 }] } as unknown as Part;
    expect(combine(summaryOf([old]), 'processingRatePerMin').idle).toBeUndefined();
  });

  it('a busy cluster does not hide a stalled one, and the tile names it', () => {
    const r = combine(summaryOf([stalled, busy]), 'processingRatePerMin');
    expect(r).toMatchObject({ value: 120, level: 'critical', worst: { clusterId: 'c0', value: 0 } });
    expect(tileNote(r, 'processingRatePerMin', name)).toBe('worst: laptop 0.0/min');
  });

  it('failure rate is all failures over all finished jobs, not one cluster’s rate; its level and name are the worst cluster’s', () => {
    const one = { ...busy, failureRate: { value: 1, level: 'critical' as const }, finishedInWindow: 1, failedInWindow: 1 };
    const many = { ...busy, failureRate: { value: 0.11, level: 'critical' as const }, finishedInWindow: 100, failedInWindow: 11 };
    const r = combine(summaryOf([one, many]), 'failureRate');
    expect(r.value).toBeCloseTo(12 / 101);
    expect(r.level).toBe('critical');
    expect(tileNote(r, 'failureRate', name)).toBe('worst: laptop 100.0%');
  });

  it('queue lengths add up and are rated on the sum', () => {
    expect(combine(summaryOf([stalled, busy]), 'queueLength')).toMatchObject({ value: 43, level: 'warning', worst: { clusterId: 'c0', value: 40 } });
  });

  it('wait time p95 pools the clusters’ waits by count, and the oldest waiting job is the oldest anywhere', () => {
    const quick = { ...busy, waitTimeP95Ms: { value: 1_000, level: 'good' as const }, waitSampleCount: 99, waitQuantilesMs: Array(21).fill(1_000), oldestWaitingMs: null };
    const slow = { ...busy, waitTimeP95Ms: { value: 600_000, level: 'critical' as const }, waitSampleCount: 1, waitQuantilesMs: Array(21).fill(600_000), oldestWaitingMs: 600_000 };
    const r = combine(summaryOf([quick, slow]), 'waitTimeP95Ms');
    expect(r).toMatchObject({ value: 1_000, level: 'critical', oldestWaitingMs: 600_000, worst: { clusterId: 'c1' } });
    expect(tileNote(r, 'waitTimeMs', name)).toBe('oldest waiting 10 min · worst: prod 10 min');
  });

  it('pooled percentiles of quantile summaries', () => {
    const q = (from: number) => Array.from({ length: 21 }, (_, i) => from + i);
    expect(pooledPercentile([{ count: 10, quantiles: q(0) }], 95)).toBe(19);
    expect(pooledPercentile([{ count: 10, quantiles: q(0) }, { count: 10, quantiles: q(0) }], 50)).toBe(10);
    expect(pooledPercentile([{ count: 1, quantiles: q(100) }, { count: 1000, quantiles: q(0) }], 95)).toBe(20);
    expect(pooledPercentile([], 95)).toBeNull();
  });
});
