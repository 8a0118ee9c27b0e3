import { describe, expect, it } from 'vitest';
import { groupStats, hourlyTrend, isSpiking, type GroupFailure } from './group-stats.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2025-03-10T12:00:00Z');
const SPIKE = { now: NOW, baselineHours: 66, spikeFactor: 3, spikeMinCount: 5 };

function failure(i: number, hoursAgo: number, over: Partial<GroupFailure> = {}): GroupFailure {
  return { jobId: `backtest-${i}`, jobType: 'backtest', user: 'ann.lee', clusterId: 'prod', failedAt: NOW - hoursAgo * HOUR, ...over };
}
/** `n` failures spread evenly over [fromHoursAgo, toHoursAgo). */
const spread = (n: number, fromHoursAgo: number, toHoursAgo: number) => Array.from({ length: n }, (_, i) => NOW - (fromHoursAgo - ((fromHoursAgo - toHoursAgo) * (i + 0.5)) / n) * HOUR);

describe('group stats', () => {
  it('counts, lists who and what was hit, and the first and last seen', () => {
    const s = groupStats([failure(1, 30, { user: 'ben.liu' }), failure(2, 2, { user: 'ben.liu', clusterId: 'lab' }), failure(3, 5, { jobType: 'signal' })], { now: NOW });
    expect(s.count).toBe(3);
    expect(s.users).toEqual([{ value: 'ben.liu', count: 2 }, { value: 'ann.lee', count: 1 }]);
    expect(s.jobTypes).toEqual([{ value: 'backtest', count: 2 }, { value: 'signal', count: 1 }]);
    expect(s.clusters).toEqual([{ value: 'prod', count: 2 }, { value: 'lab', count: 1 }]);
    expect(s.firstSeenAt).toBe(NOW - 30 * HOUR);
    expect(s.lastSeenAt).toBe(NOW - 2 * HOUR);
    expect(s.latest.map((f) => f.jobId)).toEqual(['backtest-2', 'backtest-3', 'backtest-1']);
    expect(s.isNew).toBe(false);
  });

  it('is new when first seen within 24 hours', () => {
    expect(groupStats([failure(1, 23.9)], { now: NOW }).isNew).toBe(true);
    expect(groupStats([failure(1, 24.1)], { now: NOW }).isNew).toBe(false);
    expect(groupStats([], { now: NOW })).toMatchObject({ count: 0, isNew: false, isSpiking: false, firstSeenAt: null });
  });

  it('buckets failures per hour, oldest first, the last bucket ending now', () => {
    expect(hourlyTrend([NOW - 0.5 * HOUR, NOW - 0.2 * HOUR, NOW - 2.5 * HOUR, NOW - 5 * HOUR, NOW + HOUR], NOW, 4)).toEqual([0, 1, 0, 2]);
  });

  it('spikes when the last hour is far above the usual rate, not when the rate is steady', () => {
    const steady = spread(72, 72, 0); // one an hour for three days
    expect(isSpiking(steady, SPIKE)).toBe(false);
    expect(isSpiking([...steady, ...spread(6, 1, 0)], SPIKE)).toBe(true);
    const busy = spread(66 * 4, 72, 6); // four an hour usually
    expect(isSpiking([...busy, ...spread(6, 1, 0)], SPIKE)).toBe(false);
    expect(isSpiking([...busy, ...spread(13, 1, 0)], SPIKE)).toBe(true);
  });

  it('spikes over six hours, and needs a minimum count', () => {
    expect(isSpiking(spread(12, 6, 0), SPIKE)).toBe(true); // two an hour from nothing
    expect(isSpiking(spread(4, 1, 0), SPIKE)).toBe(false);
  });
});
