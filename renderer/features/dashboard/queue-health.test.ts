import { describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import type { Reading } from '../../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS } from '../../../contract/thresholds.ts';
import { combine } from './queue-health.tsx';

/** A dashboard summary of clusters whose only readings that matter here are the given ones. */
function summaryOf(clusters: { queueLength: Reading; processingRatePerMin: Reading; failureRate: Reading }[]): DashboardSummary {
  return {
    clusters: clusters.map((s, i) => ({ clusterId: `c${i}`, summary: s as unknown as NonNullable<DashboardSummary['clusters'][number]['summary']>, fromCache: false })),
    counts: { pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 },
    total: 0,
    successRate: null,
  };
}

const idle = { queueLength: { value: 0, level: 'good' }, processingRatePerMin: { value: 0.5, level: 'good' }, failureRate: { value: 0, level: 'good' } } as const;
const stalled = { queueLength: { value: 40, level: 'warning' }, processingRatePerMin: { value: 0, level: 'critical' }, failureRate: { value: null, level: 'good' } } as const;
const busy = { queueLength: { value: 3, level: 'good' }, processingRatePerMin: { value: 120, level: 'good' }, failureRate: { value: 0.2, level: 'critical' } } as const;

describe('queue metrics over several clusters', () => {
  it('two idle clusters are not a critical processing rate: a low rate matters only with a backlog', () => {
    const r = combine(summaryOf([idle, idle]), 'processingRatePerMin', 'processingRatePerMin', DEFAULT_THRESHOLDS);
    expect(r).toEqual({ value: 1, level: 'good' });
  });

  it('a busy cluster does not hide a stalled one', () => {
    const r = combine(summaryOf([stalled, busy]), 'processingRatePerMin', 'processingRatePerMin', DEFAULT_THRESHOLDS);
    expect(r).toEqual({ value: 120, level: 'critical' });
  });

  it('queue lengths add up and are rated on the sum; failure rate takes the worst cluster', () => {
    expect(combine(summaryOf([stalled, busy]), 'queueLength', 'queueLength', DEFAULT_THRESHOLDS)).toEqual({ value: 43, level: 'warning' });
    expect(combine(summaryOf([idle, busy]), 'failureRate', 'failureRate', DEFAULT_THRESHOLDS)).toEqual({ value: 0.2, level: 'critical' });
  });
});
