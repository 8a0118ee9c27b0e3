// Days and hours of reports are local: this zone has a DST change inside the test period
// (1 Nov 2026, 02:00 → 01:00) and puts local days four or five hours off UTC days.
process.env.TZ = 'America/New_York';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../contract/jobs.ts';
import { describeStuckOutcome, Report } from '../../../contract/reports.ts';
import { DEFAULT_THRESHOLDS } from '../../../contract/thresholds.ts';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { sampleGaps } from './coverage.ts';
import { dailySummary } from './daily-summary.ts';
import { performanceTrends } from './performance-trends.ts';
import { ReportArgumentError, resolvePeriod } from './report-period.ts';
import { resolveScope } from './report-scope.ts';
import { resourceUtilisation } from './resource-utilization.ts';
import { userUsage } from './user-usage.ts';

const NOW = new Date(2026, 10, 4, 12, 0).getTime();
const local = (d: number, h: number, m = 0) => new Date(2026, 9, d, h, m).getTime(); // October; 32 = 1 Nov
const iso = (ms: number) => new Date(ms).toISOString();

let n = 0;
function job(over: { at: number; state: Job['state']; user: string; type: Job['type']; waitS?: number; runS?: number; cluster?: string }): Job {
  n += 1;
  const started = over.waitS === undefined ? null : over.at + over.waitS * 1000;
  const finished = over.state === 'completed' || over.state === 'failed' || over.state === 'cancelled';
  const end = finished ? (started ?? over.at) + (over.runS ?? 0) * 1000 : null;
  return makeJob(n, {
    id: `j${n}`,
    state: over.state,
    user: over.user,
    type: over.type,
    createdAt: iso(over.at),
    startedAt: started === null ? null : iso(started),
    finishedAt: end === null ? null : iso(end),
    durationMs: finished && started !== null ? (over.runS ?? 0) * 1000 : null,
    errorMessage: over.state === 'failed' ? 'boom' : null,
    updatedAt: iso(end ?? started ?? over.at),
    position: undefined,
  });
}

let cache: JobCache;

beforeEach(() => {
  n = 0;
  cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
  const jobs: Job[] = [
    // Saturday 31 Oct (EDT): three at 10:xx, one at 23:30 local, which is already 1 Nov in UTC.
    job({ at: local(31, 10, 0), state: 'completed', user: 'alice', type: 'backtest', waitS: 60, runS: 60 }),
    job({ at: local(31, 10, 5), state: 'failed', user: 'alice', type: 'backtest', waitS: 30, runS: 60 }),
    job({ at: local(31, 10, 10), state: 'completed', user: 'bob', type: 'training', waitS: 600, runS: 600 }),
    job({ at: local(31, 23, 30), state: 'cancelled', user: 'bob', type: 'training', runS: 20 * 60 }),
    // Sunday 1 Nov: a stuck report in the repeated hour, ten signals at 14:00.
    job({ at: local(32, 1, 30), state: 'stuck', user: 'carol', type: 'report', waitS: 5 }),
    ...Array.from({ length: 10 }, (_, i) => job({ at: local(32, 14, 0) + i * 1000, state: 'completed', user: 'erin', type: 'signal', waitS: i, runS: i + 1 })),
    // Monday 2 Nov: one running, one waiting.
    job({ at: local(33, 9, 0), state: 'running', user: 'frank', type: 'sweep', waitS: 1 }),
    job({ at: local(33, 9, 5), state: 'pending', user: 'frank', type: 'sweep' }),
    // Outside the period: the day before (the previous period of trends) and after.
    job({ at: local(30, 12, 0), state: 'completed', user: 'alice', type: 'backtest', waitS: 10, runS: 30 }),
    job({ at: local(34, 8, 0), state: 'completed', user: 'alice', type: 'backtest', waitS: 10, runS: 30 }),
  ];
  cache.applyBatch('east', { jobs, removed: [], lastEventId: '10' }, iso(local(34, 9)));
  cache.applyBatch('west', { jobs: [job({ at: local(31, 11, 0), state: 'failed', user: 'alice', type: 'backtest', waitS: 0, runS: 5 })], removed: [] });
});
afterEach(() => cache.close());

const request = { from: '2026-10-31', to: '2026-11-02' };

describe('daily summary', () => {
  it('counts each local day, across a DST change, and matches SQL over the cache', () => {
    const report = dailySummary(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(Report.parse(report)).toBeTruthy();
    expect(report.days.map((d) => d.date)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    const [sat, sun, mon] = report.days as [typeof report.days[0], typeof report.days[0], typeof report.days[0]];
    expect(sat).toMatchObject({ submitted: 4, completed: 2, failed: 1, cancelled: 1, busiestHour: 10, stuck: 0 });
    expect(sat.successRate).toBeCloseTo(2 / 3, 12);
    expect(sat.longestWaits[0]).toMatchObject({ jobId: 'j3', waitMs: 600_000, user: 'bob' });
    expect(sat.submittedByHour[23]).toBe(1);
    expect(sun).toMatchObject({ submitted: 11, completed: 10, failed: 0, successRate: 1, busiestHour: 14, stuck: 1 });
    expect(sun.waitP95Ms).toBe(9000);
    expect(mon).toMatchObject({ submitted: 2, completed: 0, successRate: null });
    const sql = cache.db
      .prepare("SELECT count(*) FROM jobs WHERE cluster_id = 'east' AND created_at >= ? AND created_at < ?")
      .pluck()
      .get(iso(local(31, 0)), iso(local(34, 0)));
    expect(report.totals.submitted).toBe(sql);
    expect(report.totals).toMatchObject({ submitted: 17, completed: 12, failed: 1, cancelled: 1 });
  });

  it('covers every cluster in the cache by default, and refuses one it does not hold', () => {
    const both = dailySummary(resolveScope(cache.db, request, NOW));
    expect(both.clusters).toEqual(['east', 'west']);
    expect(both.totals.failed).toBe(2);
    expect(() => resolveScope(cache.db, { ...request, clusters: ['nowhere'] }, NOW)).toThrow(/no cluster named 'nowhere' \(clusters in the cache: east, west\)/);
  });

  it('says what became of each job that got stuck: force-stopped, recovered by itself, or still stuck', () => {
    const stuckAt = local(33, 10, 0);
    const later = (min: number) => iso(stuckAt + min * 60_000);
    const a = job({ at: local(33, 9, 30), state: 'stuck', user: 'gina', type: 'training', waitS: 1 });
    const b = job({ at: local(33, 9, 40), state: 'stuck', user: 'hugo', type: 'backtest', waitS: 1 });
    cache.applyBatch('east', { jobs: [{ ...a, updatedAt: iso(stuckAt) }, { ...b, updatedAt: iso(stuckAt) }], removed: [] });
    cache.applyBatch('east', {
      jobs: [
        { ...a, state: 'cancelled', errorMessage: 'cancelled: force stopped by alice', finishedAt: later(12), updatedAt: later(12) },
        { ...b, state: 'running', updatedAt: later(3) },
      ],
      removed: [],
    });
    const report = dailySummary(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(Report.parse(report)).toBeTruthy();
    expect(report.days.map((d) => d.stuck)).toEqual([0, 1, 2]);
    expect(report.stuckOutcomes).toMatchObject({ 'force-stopped': 1, recovered: 1, 'still-stuck': 1, cancelled: 0 });
    expect(report.stuckJobs.map((e) => [e.jobId, e.outcome, e.endedAt])).toEqual([
      [a.id, 'force-stopped', later(12)],
      [b.id, 'recovered', later(3)],
      ['j5', 'still-stuck', null],
    ]);
    expect(report.stuckJobs[0]!.reason).toBe('cancelled: force stopped by alice');
    const minutes = (ms: number) => `${ms / 60_000} min`;
    expect(report.stuckJobs.map((e) => describeStuckOutcome(e, minutes))).toEqual(['Force-stopped by alice after 12 min', 'Recovered by itself after 3 min', 'Still stuck']);
    // The same job stuck again later is a second episode, not the first one reopened.
    cache.applyBatch('east', { jobs: [{ ...b, state: 'stuck', updatedAt: later(30) }], removed: [] });
    const again = dailySummary(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(again.days[2]!.stuck).toBe(3);
    expect(again.stuckOutcomes).toMatchObject({ recovered: 1, 'still-stuck': 2 });
  });

  it('counts alerts that started firing each day', () => {
    const insert = cache.db.prepare(
      `INSERT INTO alerts (cluster_id, alert_id, source, rule_id, state, severity, started_at, alert_json, cached_at) VALUES ('east', ?, 'cluster', 'r', 'firing', 'critical', ?, '{}', ?)`,
    );
    insert.run('a1', iso(local(32, 3)), iso(NOW));
    insert.run('a2', iso(local(32, 4)), iso(NOW));
    const report = dailySummary(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(report.days.map((d) => d.alertsFired)).toEqual([0, 2, 0]);
  });
});

describe('user usage', () => {
  it('sums compute time per user and shares add up to one', () => {
    const report = userUsage(resolveScope(cache.db, request, NOW));
    expect(Report.parse(report)).toBeTruthy();
    const alice = report.users.find((u) => u.user === 'alice')!;
    expect(alice).toMatchObject({ jobs: 3, completed: 1, failed: 2, open: 0, computeMs: 125_000, byType: { backtest: 3 } });
    expect(alice.failureRate).toBeCloseTo(2 / 3, 12);
    expect(alice.avgWaitMs).toBe(30_000);
    const bob = report.users.find((u) => u.user === 'bob')!;
    expect(bob).toMatchObject({ jobs: 2, completed: 1, cancelled: 1, computeMs: 600_000 });
    expect(report.users[0]!.user).toBe('bob');
    expect(report.users.reduce((s, u) => s + u.computeShare, 0)).toBeCloseTo(1, 12);
    const sql = cache.db
      .prepare("SELECT sum(duration_ms) FROM jobs WHERE state IN ('completed','failed','cancelled') AND created_at >= ? AND created_at < ?")
      .pluck()
      .get(iso(local(31, 0)), iso(local(34, 0)));
    expect(report.totals.computeMs).toBe(sql);
    expect(report.users.find((u) => u.user === 'frank')).toMatchObject({ jobs: 2, open: 2, computeMs: 0, failureRate: null });
  });
});

describe('performance trends', () => {
  it('gives p50/p95 run time and wait per type, and the change against the previous period', () => {
    const report = performanceTrends(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(Report.parse(report)).toBeTruthy();
    const signal = report.types.find((t) => t.type === 'signal')!;
    expect(signal.period).toMatchObject({ finished: 10, failed: 0, durationP50Ms: 5000, durationP95Ms: 10_000, waitP50Ms: 4000, waitP95Ms: 9000 });
    expect(signal.days.find((d) => d.date === '2026-11-01')!.finished).toBe(10);
    const backtest = report.types.find((t) => t.type === 'backtest')!;
    expect(backtest.period).toMatchObject({ finished: 2, failed: 1, failureRate: 0.5 });
    // 30 Oct is in the previous three days: one backtest of 30 s, none failed.
    expect(backtest.previous).toMatchObject({ finished: 1, failed: 0, durationP95Ms: 30_000 });
    expect(backtest.change.durationP95).toBeCloseTo(60_000 / 30_000 - 1, 12);
    expect(backtest.change.failureRate).toBeCloseTo(0.5, 12);
    expect(report.types.find((t) => t.type === 'sweep')).toBeUndefined();
  });
});

describe('performance trends: capacity', () => {
  it("rates waits against each cluster's threshold as last heard, the default for one never asked", () => {
    // 25 reports on Sunday afternoon, each waiting 90 s; with the stuck report there are 26 starts.
    cache.applyBatch('east', { jobs: Array.from({ length: 25 }, (_, i) => job({ at: local(32, 15, 0) + i * 60_000, state: 'completed', user: 'gina', type: 'report', waitS: 90, runS: 10 })), removed: [] });
    const capacity = () => performanceTrends(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW)).capacity;
    const before = capacity();
    expect(before.thresholds).toEqual([{ clusterId: 'east', waitThresholdMs: 60_000, source: 'default' }]);
    const report = before.queues.find((q) => q.type === 'report')!;
    expect(report.waitsOverThreshold).toMatchObject({ started: 26, over: 25, moreCapacityNeeded: true });
    expect(report.moreCapacityNeeded).toBe(true);
    expect(before.from).toBe(new Date(local(31, 0)).toISOString());
    cache.saveSnapshot('east', 'thresholds', { ...DEFAULT_THRESHOLDS, waitTimeMs: { ...DEFAULT_THRESHOLDS.waitTimeMs, warning: 120_000 } });
    const after = capacity();
    expect(after.thresholds).toEqual([{ clusterId: 'east', waitThresholdMs: 120_000, source: 'cached' }]);
    expect(after.queues.find((q) => q.type === 'report')!.waitsOverThreshold).toMatchObject({ started: 26, over: 0, moreCapacityNeeded: false });
  });
});

describe('resource utilisation', () => {
  it('gives mean, p95 and minutes above the thresholds per node, and a gap adds no minutes', () => {
    const at = (min: number) => iso(local(32, 12) + min * 60_000);
    const samples = [0, 1, 2, 3, 60, 61].map((m, i) => ({
      nodeId: 'n1', host: 'worker-1', at: at(m), cpuPercent: [50, 95, 95, 80, 95, 10][i]!, memoryPercent: 40, diskIoPercent: 0, networkPercent: 0,
    }));
    cache.recordResourceSamples('east', samples);
    const report = resourceUtilisation(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(Report.parse(report)).toBeTruthy();
    const node = report.nodes[0]!;
    expect(node).toMatchObject({ nodeId: 'n1', host: 'worker-1', samples: 6 });
    expect(node.cpu.mean).toBeCloseTo((50 + 95 + 95 + 80 + 95 + 10) / 6, 12);
    expect(node.cpu.max).toBe(95);
    // ≥ 70 (warning): minutes 1, 2, 3 and 60 (one minute each; 3→60 is a gap, capped at 5 min).
    expect(node.cpu.minutesWarning).toBe(1 + 1 + 5 + 1);
    expect(node.cpu.minutesCritical).toBe(1 + 1 + 1);
    expect(node.hourly.length).toBe(2);
    expect(report.byType.find((t) => t.type === 'training')).toMatchObject({ jobs: 2, computeMs: 600_000, measured: 0, meanCpuPercent: null });
  });

  it("gives the jobs' CPU and peak memory by type where their processes were measured", () => {
    const mb = 1_048_576;
    const measured = [
      { ...job({ at: local(31, 12), state: 'completed', user: 'ivy', type: 'matrix-build', waitS: 0, runS: 600 }), usage: { cpuPercent: 150, peakRssBytes: 2000 * mb } },
      { ...job({ at: local(31, 13), state: 'failed', user: 'ivy', type: 'matrix-build', waitS: 0, runS: 300 }), usage: { cpuPercent: 50, peakRssBytes: 4000 * mb } },
      job({ at: local(31, 14), state: 'completed', user: 'ivy', type: 'matrix-build', waitS: 0, runS: 100 }),
    ];
    cache.applyBatch('east', { jobs: measured, removed: [] });
    const report = resourceUtilisation(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    expect(Report.parse(report)).toBeTruthy();
    expect(report.byType.find((t) => t.type === 'matrix-build')).toEqual({
      type: 'matrix-build',
      jobs: 3,
      computeMs: 1_000_000,
      meanRunMs: 333_333,
      measured: 2,
      // 1.5 cores for 10 min and 0.5 for 5 min.
      cpuMs: 1.5 * 600_000 + 0.5 * 300_000,
      meanCpuPercent: 100,
      meanPeakRssBytes: 3000 * mb,
      maxPeakRssBytes: 4000 * mb,
    });
  });
});

describe('coverage', () => {
  it('lists the stretches without samples and what the report stands on', () => {
    const insert = cache.db.prepare(`INSERT INTO queue_samples (cluster_id, at, type, queue_length, running, paused) VALUES ('east', ?, 'signal', 0, 0, 0)`);
    for (let m = 0; m < 60; m++) insert.run(iso(local(32, 0) + m * 60_000));
    const report = dailySummary(resolveScope(cache.db, { ...request, clusters: ['east'] }, NOW));
    const east = report.coverage[0]!;
    expect(east.gaps).toEqual([
      { from: iso(local(31, 0)), to: iso(local(32, 0)) },
      { from: iso(local(32, 0) + 59 * 60_000), to: iso(local(34, 0)) },
    ]);
    expect(east.jobs).toBe(17);
    expect(east.historyComplete).toBe(false);
    expect(east.lastSyncAt).toBe(iso(local(34, 9)));
    expect(east.note).toMatch(/^as of .*; first history pull not finished.*; no samples .*–.*, .*–/);
  });
  it('finds gaps at the ends and between samples', () => {
    expect(sampleGaps([], 0, 600_000)).toEqual([{ from: iso(0), to: iso(600_000) }]);
    expect(sampleGaps([60_000, 120_000, 900_000], 0, 960_000)).toEqual([{ from: iso(120_000), to: iso(900_000) }]);
  });
});

describe('periods', () => {
  it('reads days inclusively in local time, or a relative span', () => {
    const p = resolvePeriod({ from: '2026-11-01', to: '2026-11-01' }, NOW);
    expect(p.days).toEqual(['2026-11-01']);
    expect(p.toMs - p.fromMs).toBe(25 * 3_600_000);
    const last = resolvePeriod({ since: '24h' }, NOW);
    expect(last.toMs - last.fromMs).toBe(24 * 3_600_000);
    expect(last.days).toEqual(['2026-11-03', '2026-11-04']);
    expect(resolvePeriod({}, NOW).days.length).toBe(8);
  });
  it('refuses a period in the future or longer than a year', () => {
    expect(() => resolvePeriod({ from: '2027-01-01', to: '2027-01-02' }, NOW)).toThrow(ReportArgumentError);
    expect(() => resolvePeriod({ from: '2020-01-01', to: '2026-01-01' }, NOW)).toThrow(/at most 366/);
  });
});
