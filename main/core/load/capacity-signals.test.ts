import { beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../contract/jobs.ts';
import { CapacitySignals, type ClusterWaitThreshold } from '../../../contract/capacity.ts';
import { DEFAULT_THRESHOLDS } from '../../../contract/thresholds.ts';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { SeededRandom } from '../../../contract/seeded-random.ts';
import { binomialTail, capacitySignals, mergeIntervals } from './capacity-signals.ts';
import { storedWaitThresholds } from './wait-thresholds.ts';

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const FROM = NOW - 7 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

let n = 0;
function job(o: { type: Job['type']; created: number; waitMs?: number; runAt?: number; state?: Job['state']; runMs?: number; error?: string; cluster?: string }): Job {
  n += 1;
  const state = o.state ?? 'completed';
  const ready = Math.max(o.created, o.runAt ?? 0);
  const started = o.waitMs === undefined ? null : ready + o.waitMs;
  const finished = state === 'completed' || state === 'failed' || state === 'cancelled' ? (started ?? o.created) + (o.runMs ?? 5_000) : null;
  return makeJob(n, {
    id: `j${n}`,
    type: o.type,
    state,
    createdAt: iso(o.created),
    runAt: o.runAt === undefined ? undefined : iso(o.runAt),
    startedAt: started === null ? null : iso(started),
    finishedAt: finished === null ? null : iso(finished),
    durationMs: finished !== null && started !== null ? finished - started : null,
    errorMessage: state === 'failed' ? (o.error ?? 'boom') : null,
    updatedAt: iso(finished ?? started ?? o.created),
    position: undefined,
  });
}

const WAIT_DEFAULT: ClusterWaitThreshold[] = [{ clusterId: 'local', waitThresholdMs: 60_000, source: 'default' }];

let cache: JobCache;
beforeEach(() => {
  n = 0;
  cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
});

const signals = (o: { fromMs?: number; thresholds?: ClusterWaitThreshold[]; clusters?: string[] } = {}) =>
  CapacitySignals.parse(capacitySignals({ db: cache.db, clusters: o.clusters ?? ['local'], fromMs: o.fromMs ?? FROM, toMs: NOW, thresholds: o.thresholds ?? WAIT_DEFAULT }));
const queue = (s: CapacitySignals, type: string) => s.queues.find((q) => q.type === type)!;

describe('capacity signals', () => {
  it('says there is not enough history for an empty cache, not zeros', () => {
    const s = signals();
    expect(s.enoughHistory).toBe(false);
    expect(s.queues).toEqual([]);
    expect(s.note).toMatch(/^Not enough history/);
  });

  it('says not enough history when the cache reaches back only hours', () => {
    cache.applyBatch('local', { jobs: Array.from({ length: 5 }, (_, i) => job({ type: 'report', created: NOW - 3 * H + i * 60_000, waitMs: 1000 })), removed: [] });
    const s = signals();
    expect(s.enoughHistory).toBe(false);
    const q = queue(s, 'report');
    expect(q.waiting.value).toBeNull();
    expect(q.waiting.hoursCovered).toBe(3);
    expect(q.waitsOverThreshold.value).toBeNull();
    expect(q.timeouts.value).toBeNull();
    expect(q.moreCapacityNeeded).toBe(false);
    expect(q.waiting.sentence).toMatch(/not enough history/);
  });

  it('counts the hours jobs waited throughout, leaving out delayed jobs and paused hours', () => {
    const jobs: Job[] = [job({ type: 'signal', created: FROM - 2 * DAY, waitMs: 100 })];
    // 150 of the 168 hours: one job an hour, waiting 59 min 50 s each.
    for (let h = 0; h < 150; h++) jobs.push(job({ type: 'report', created: FROM + h * H, waitMs: H - 10_000 }));
    // Created in hour 155 to run in hour 158: not waiting before then (1 s after).
    jobs.push(job({ type: 'report', created: FROM + 155 * H, runAt: FROM + 158 * H, waitMs: 1000 }));
    // A job that waits only half of hour 152: that hour does not count.
    jobs.push(job({ type: 'report', created: FROM + 152 * H, waitMs: H / 2 }));
    cache.applyBatch('local', { jobs, removed: [] });
    const paused = cache.db.prepare(`INSERT INTO queue_samples (cluster_id, at, type, queue_length, running, paused) VALUES ('local', ?, 'report', 4, 0, 1)`);
    paused.run(iso(FROM + 160 * H + 60_000));
    paused.run(iso(FROM + 161 * H + 120_000));
    const s = signals();
    const report = queue(s, 'report');
    expect(report.waiting).toMatchObject({ hoursWaiting: 150, hoursCovered: 166, hoursPaused: 2 });
    expect(report.waiting.value).toBeCloseTo(150 / 166, 10);
    expect(report.waiting.moreCapacityNeeded).toBe(true);
    expect(report.waiting.sentence).toBe('report queue had jobs waiting in 90% of hours over 7 days (150 of 166 hours; 2 paused hours left out)');
    expect(queue(s, 'signal').waiting).toMatchObject({ value: 0, hoursWaiting: 0, hoursCovered: 168, moreCapacityNeeded: false });
    expect(s.enoughHistory).toBe(true);
  });

  it('counts started jobs that waited longer than the cluster threshold', () => {
    const jobs: Job[] = [job({ type: 'backtest', created: FROM - DAY, waitMs: 100 })];
    for (let i = 0; i < 30; i++) jobs.push(job({ type: 'signal', created: FROM + i * H, waitMs: 1_000 }));
    for (let i = 0; i < 10; i++) jobs.push(job({ type: 'signal', created: FROM + (40 + i) * H, waitMs: 2 * 60_000 }));
    // Started before the period: not counted. Waited from its run-at time only: 30 s.
    jobs.push(job({ type: 'signal', created: FROM - H, waitMs: 10 * 60_000 }));
    jobs.push(job({ type: 'signal', created: FROM + 60 * H, runAt: FROM + 70 * H, waitMs: 30_000 }));
    // Still waiting: no start, no wait yet.
    jobs.push(job({ type: 'signal', created: NOW - H, state: 'pending' }));
    for (let i = 0; i < 19; i++) jobs.push(job({ type: 'backtest', created: FROM + i * H, waitMs: 5 * 60_000 }));
    cache.applyBatch('local', { jobs, removed: [] });
    const s = signals();
    expect(queue(s, 'signal').waitsOverThreshold).toMatchObject({ started: 41, over: 10, thresholdMs: 60_000, moreCapacityNeeded: true });
    expect(queue(s, 'signal').waitsOverThreshold.value).toBeCloseTo(10 / 41, 10);
    expect(queue(s, 'signal').waitsOverThreshold.sentence).toBe("24% of 41 signal jobs started over 7 days waited longer than 1 min (the cluster's wait threshold)");
    // 19 started jobs are too few to tell.
    expect(queue(s, 'backtest').waitsOverThreshold).toMatchObject({ value: null, started: 19, moreCapacityNeeded: false });
    // The same waits against a cluster whose threshold is 3 minutes.
    const relaxed = signals({ thresholds: [{ clusterId: 'local', waitThresholdMs: 3 * 60_000, source: 'cluster' }] });
    expect(queue(relaxed, 'signal').waitsOverThreshold).toMatchObject({ over: 0, value: 0, moreCapacityNeeded: false });
  });

  it('finds timeouts and limit-exceeded failures increasing, from messages and failure patterns', () => {
    const jobs: Job[] = [job({ type: 'backtest', created: FROM - DAY, waitMs: 100 })];
    const timeout = (day: number, k: number) => job({ type: 'training', created: FROM + day * DAY + k * H, waitMs: 1000, state: 'failed', error: `job timed out after ${900 + k} s` });
    // One a day for five days, then four a day for two days (three a day would be 6 where chance
    // alone gives 6 or more 6% of the time: not yet a trend).
    for (let d = 0; d < 5; d++) jobs.push(timeout(d, 1));
    for (let d = 5; d < 7; d++) for (let k = 0; k < 4; k++) jobs.push(timeout(d, k + 1));
    // Other causes do not count.
    jobs.push(job({ type: 'training', created: FROM + 6 * DAY, waitMs: 1000, state: 'failed', error: 'data not available for symbol ZXQ' }));
    // Limit exceeded only by the error kind its pattern saw in the stack: steady, two a day.
    const limit: Job[] = [];
    for (let d = 0; d < 7; d++) for (let k = 0; k < 2; k++) limit.push(job({ type: 'matrix-build', created: FROM + d * DAY + (k + 2) * H, waitMs: 1000, state: 'failed', error: `build ${d}-${k} stopped` }));
    cache.applyBatch('local', { jobs: [...jobs, ...limit], removed: [] });
    cache.failures.record(limit.map((j) => ({ clusterId: 'local', job: j, errorStack: `LimitExceededError: build ${j.id} stopped\n    at build (/app/cluster/jobs/matrix-build/build.ts:10:5)` })));
    const s = signals();
    const t = queue(s, 'training').timeouts;
    expect(t).toMatchObject({ cause: 'timeout', total: 13, recentDays: 2, recentPerDay: 4, earlierDays: 5, earlierPerDay: 1, increasing: true, moreCapacityNeeded: true, value: 4 });
    expect(t.perDay.map((d) => d.count)).toEqual([1, 1, 1, 1, 1, 4, 4]);
    expect(t.sentence).toBe('training: 4 timeouts a day in the last 2 days, against 1 a day in the 5 days before — increasing');
    expect(queue(s, 'training').limitExceeded).toMatchObject({ total: 0, increasing: false, value: 0 });
    const m = queue(s, 'matrix-build').limitExceeded;
    expect(m).toMatchObject({ total: 14, recentPerDay: 2, earlierPerDay: 2, increasing: false, moreCapacityNeeded: false });
    expect(queue(s, 'matrix-build').timeouts.total).toBe(0);
    expect(queue(s, 'training').moreCapacityNeeded).toBe(true);
  });

  it('reads the message of a failure whose pattern is not in the cache', () => {
    const jobs: Job[] = [job({ type: 'backtest', created: FROM - DAY, waitMs: 100 })];
    for (let d = 0; d < 3; d++) jobs.push(job({ type: 'training', created: FROM + d * DAY, waitMs: 1000, state: 'failed', error: `job timed out after ${d} s` }));
    jobs.push(job({ type: 'training', created: FROM + 4 * DAY, waitMs: 1000, state: 'failed', error: 'data not available for symbol ZXQ' }));
    cache.applyBatch('local', { jobs, removed: [] });
    cache.failures.record(jobs.filter((j) => j.state === 'failed').map((j) => ({ clusterId: 'local', job: j, errorStack: null })));
    // Grouped as timeouts, then one job's pattern row is gone: its message still says timeout.
    cache.db.prepare(`UPDATE jobs SET failure_group_id = 'gone' WHERE job_id = ?`).run(jobs[1]!.id);
    expect(queue(signals(), 'training').timeouts.total).toBe(3);
  });

  it('does not call a handful of failures a trend', () => {
    // Nothing before, two in the last days: too few to say.
    const jobs: Job[] = [job({ type: 'backtest', created: FROM - DAY, waitMs: 100 })];
    jobs.push(job({ type: 'training', created: NOW - DAY, waitMs: 1000, state: 'failed', error: 'timeout' }));
    jobs.push(job({ type: 'training', created: NOW - 2 * H, waitMs: 1000, state: 'failed', error: 'timeout' }));
    cache.applyBatch('local', { jobs, removed: [] });
    expect(queue(signals(), 'training').timeouts).toMatchObject({ total: 2, increasing: false, earlierPerDay: 0 });
  });

  it('compares only the days the cache holds', () => {
    // History starts 3.5 days before the end: 1.5 earlier days, not 5.
    const start = NOW - 3.5 * DAY;
    const jobs: Job[] = [job({ type: 'backtest', created: start, waitMs: 100 })];
    jobs.push(job({ type: 'training', created: start + H, waitMs: 1000, state: 'failed', error: 'timeout' }));
    cache.applyBatch('local', { jobs, removed: [] });
    const t = queue(signals(), 'training').timeouts;
    expect(t.earlierDays).toBeCloseTo(1.5, 10);
    expect(t.earlierPerDay).toBeCloseTo(1 / 1.5, 10);
    expect(queue(signals(), 'training').waiting.hoursCovered).toBe(84);
  });

  it('keeps clusters apart and uses each one its threshold', () => {
    const a = Array.from({ length: 25 }, (_, i) => job({ type: 'report', created: FROM + i * H, waitMs: 90_000 }));
    const b = Array.from({ length: 25 }, (_, i) => job({ type: 'report', created: FROM + i * H, waitMs: 90_000 }));
    cache.applyBatch('local', { jobs: a, removed: [] });
    cache.applyBatch('research', { jobs: b, removed: [] });
    const s = signals({
      clusters: ['local', 'research'],
      thresholds: [
        { clusterId: 'local', waitThresholdMs: 60_000, source: 'cluster' },
        { clusterId: 'research', waitThresholdMs: 120_000, source: 'cached' },
      ],
    });
    expect(s.queues.map((q) => [q.clusterId, q.type, q.waitsOverThreshold.over])).toEqual([
      ['local', 'report', 25],
      ['research', 'report', 0],
    ]);
    expect(s.note).toContain('research 2 min');
  });

  it('reads each cluster its kept thresholds, the default for one never asked', () => {
    cache.saveSnapshot('local', 'thresholds', { waitTimeMs: { warning: 90_000, critical: 600_000, higherIsWorse: true, unit: 'ms' } });
    // A partial body is not a threshold table: the default.
    expect(storedWaitThresholds(cache.db, ['local', 'research'])).toEqual([
      { clusterId: 'local', waitThresholdMs: 60_000, source: 'default' },
      { clusterId: 'research', waitThresholdMs: 60_000, source: 'default' },
    ]);
    cache.saveSnapshot('local', 'thresholds', { ...DEFAULT_THRESHOLDS, waitTimeMs: { ...DEFAULT_THRESHOLDS.waitTimeMs, warning: 90_000 } });
    expect(storedWaitThresholds(cache.db, ['local'])).toEqual([{ clusterId: 'local', waitThresholdMs: 90_000, source: 'cached' }]);
  });

  it('tests the binomial tail', () => {
    expect(binomialTail(3, 3, 2 / 7)).toBeCloseTo((2 / 7) ** 3, 12);
    // The 5-then-2-days case above with three a day: 6 of 11 where 2/7 are expected.
    expect(binomialTail(6, 11, 2 / 7)).toBeGreaterThan(0.05);
    expect(binomialTail(8, 13, 2 / 7)).toBeLessThan(0.05);
    expect(binomialTail(0, 10, 0.3)).toBe(1);
    expect(binomialTail(1, 10, 0.5)).toBeCloseTo(1 - 0.5 ** 10, 12);
    // Large n: no underflow.
    expect(binomialTail(5200, 10_000, 0.5)).toBeGreaterThan(0);
    expect(binomialTail(5200, 10_000, 0.5)).toBeLessThan(0.001);
  });
});

/**
 * The waiting hours and waits over the threshold worked out the plain way, for comparison: each
 * job's wait as an interval, the union of those that overlap each hour merged after sorting.
 */
function expectedWaits(jobs: Job[], type: string, o: { fromMs: number; toMs: number; thresholdMs: number; paused?: Set<number> }) {
  const lookback = o.fromMs - 7 * DAY;
  const historyStart = Math.min(...jobs.map((j) => Date.parse(j.createdAt)));
  const startMs = Math.ceil(Math.max(o.fromMs, historyStart) / H) * H;
  const endMs = Math.floor(o.toMs / H) * H;
  const waits: [number, number][] = [];
  let started = 0;
  let over = 0;
  for (const j of jobs) {
    const created = Date.parse(j.createdAt);
    if (j.type !== type || !(created >= lookback || j.state === 'pending')) continue;
    const ready = Math.max(created, j.runAt ? Date.parse(j.runAt) : 0);
    const ended = j.state === 'completed' || j.state === 'failed' || j.state === 'cancelled';
    const left = j.startedAt ? Date.parse(j.startedAt) : ended && j.finishedAt ? Date.parse(j.finishedAt) : null;
    if (ready >= o.toMs || (left !== null && left <= o.fromMs)) continue;
    waits.push([ready, left ?? o.toMs]);
    if (j.startedAt && left! >= o.fromMs && left! < o.toMs) {
      started++;
      if (left! - ready > o.thresholdMs) over++;
    }
  }
  let hoursWaiting = 0;
  let hoursCovered = 0;
  for (let h = 0; startMs + h * H < endMs; h++) {
    if (o.paused?.has(h)) continue;
    hoursCovered++;
    const hs = startMs + h * H;
    const parts = waits
      .map(([a, b]) => [Math.max(a, hs), Math.min(b, hs + H)] as const)
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    let covered = 0;
    let end = -Infinity;
    for (const [a, b] of parts) {
      covered += Math.max(0, b - Math.max(a, end));
      end = Math.max(end, b);
    }
    if (covered >= 0.9 * H) hoursWaiting++;
  }
  return { hoursWaiting, hoursCovered, started, over };
}

describe('capacity signals, waits against the plain computation', () => {
  it('merges waits that arrive out of order, touch, end without starting or are still pending', () => {
    const rng = new SeededRandom(7);
    const jobs: Job[] = [];
    // About twelve jobs an hour waiting 2-20 min each: hours near the 90% line either way.
    for (let t = FROM - 2 * DAY; t < NOW - 10 * 60_000; t += Math.floor(rng.next() * 10 * 60_000)) {
      const roll = rng.next();
      const waitMs = Math.floor(2 * 60_000 + rng.next() * 18 * 60_000);
      if (roll < 0.08) jobs.push(job({ type: 'report', created: t, runAt: t + Math.floor(rng.next() * 3 * H), waitMs }));
      else if (roll < 0.12) jobs.push(job({ type: 'report', created: t, state: 'cancelled', runMs: waitMs }));
      else if (roll < 0.14) jobs.push(job({ type: 'report', created: t, waitMs, state: 'running' }));
      else jobs.push(job({ type: 'report', created: t, waitMs }));
    }
    // Still pending from before the lookback: waiting from its creation to the end.
    jobs.push(job({ type: 'signal', created: FROM - 9 * DAY, state: 'pending' }));
    // Waits that touch: 10:00-10:30 and 10:30-10:55 make 55 min of hour 10 (over 54 min).
    jobs.push(job({ type: 'sweep', created: FROM + 10 * H, waitMs: 30 * 60_000 }));
    jobs.push(job({ type: 'sweep', created: FROM + 10 * H + 30 * 60_000, waitMs: 25 * 60_000 }));
    // Exactly 90% of hour 20, in two waits, one reaching back into hour 19.
    jobs.push(job({ type: 'sweep', created: FROM + 19 * H + 50 * 60_000, waitMs: 40 * 60_000 }));
    jobs.push(job({ type: 'sweep', created: FROM + 20 * H + 30 * 60_000, waitMs: 24 * 60_000 }));
    // Shuffled: the cache's order of rows is not the order of creation.
    for (let i = jobs.length - 1; i > 0; i--) {
      const k = Math.floor(rng.next() * (i + 1));
      [jobs[i], jobs[k]] = [jobs[k]!, jobs[i]!];
    }
    cache.applyBatch('local', { jobs, removed: [] });
    const s = signals();
    const o = { fromMs: FROM, toMs: NOW, thresholdMs: 60_000 };
    for (const type of ['report', 'signal', 'sweep']) {
      const want = expectedWaits(jobs, type, o);
      const q = queue(s, type);
      expect({ type, ...q.waiting, ...q.waitsOverThreshold }).toMatchObject({ type, ...want });
    }
    // The comparison is not trivial: some hours wait and some do not.
    const report = expectedWaits(jobs, 'report', o);
    expect(report.hoursWaiting).toBeGreaterThan(10);
    expect(report.hoursWaiting).toBeLessThan(report.hoursCovered - 10);
    expect(queue(s, 'signal').waiting).toMatchObject({ hoursWaiting: 168, hoursCovered: 168 });
    expect(queue(s, 'sweep').waiting.hoursWaiting).toBe(2);
  });

  it('counts a wait of exactly the threshold as not over it, and a job that waited from before the period', () => {
    const jobs: Job[] = [job({ type: 'backtest', created: FROM - DAY, waitMs: 100 })];
    // Started 1 ms into the period after 61 s: started in the period and over the threshold.
    jobs.push(job({ type: 'signal', created: FROM - 60_999, waitMs: 61_000 }));
    // Started at the period's first instant: its wait ended as the period began, so it is not one of them.
    jobs.push(job({ type: 'signal', created: FROM - 120_000, waitMs: 120_000 }));
    for (let i = 0; i < 20; i++) jobs.push(job({ type: 'signal', created: FROM + i * H + 123, waitMs: 60_000 }));
    cache.applyBatch('local', { jobs, removed: [] });
    const w = queue(signals(), 'signal').waitsOverThreshold;
    expect(w).toMatchObject({ started: 21, over: 1 });
    const { started, over } = expectedWaits(jobs, 'signal', { fromMs: FROM, toMs: NOW, thresholdMs: 60_000 });
    expect(w).toMatchObject({ started, over });
  });
});

describe('merging intervals', () => {
  it('gives the union as disjoint stretches in order, touching ones as one', () => {
    expect([...mergeIntervals(Float64Array.from([5, 9, 1, 3, 3, 4, 8, 12, 20, 21]))]).toEqual([1, 4, 5, 12, 20, 21]);
    expect([...mergeIntervals(new Float64Array(0))]).toEqual([]);
    expect([...mergeIntervals(Float64Array.from([1, 10, 2, 3, 4, 5]))]).toEqual([1, 10]);
  });
});
