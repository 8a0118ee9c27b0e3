// Reports read whole hours from the per-hour roll-ups and the rest from the jobs. Whatever the
// mix — a period ending mid-hour, a zone a whole number of hours off UTC (DST included) or one a
// quarter hour off, where local days split UTC hours — their numbers must be those of SQL straight
// over the cache, and percentiles within the histogram's stated error of the exact ones.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERCENTILE_NOTE, PerformanceTrendsReport } from '../../../contract/reports.ts';
import { JobCache } from '../cache/job-cache.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { PERCENTILE_RELATIVE_ERROR } from '../cache/job-rollups.ts';
import { buildReport } from './build-report.ts';
import { dailySummary } from './daily-summary.ts';
import { performanceTrends } from './performance-trends.ts';
import { LocalBuckets, previousPeriod, type ResolvedPeriod } from './report-period.ts';
import { BucketCounts, readPlan } from './report-rollups.ts';
import { percentileOf, resolveScope } from './report-scope.ts';
import { resourceUtilisation } from './resource-utilization.ts';
import { fillReportCache } from './testing/report-fixture.ts';
import { userUsage } from './user-usage.ts';

const zoneBefore = process.env.TZ;
afterAll(() => {
  process.env.TZ = zoneBefore;
});

// 17 minutes past the hour: the period's ends are part hours, read from the jobs.
const END = Date.parse('2026-11-02T10:17:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

let cache: JobCache;
beforeEach(() => {
  cache = JobCache.open({ file: ':memory:' }).cache;
  // Crosses the end of DST in New York (1 Nov 2026).
  fillReportCache(cache, { days: 6, jobsPerDay: 300, endMs: END, samples: false });
  fillReportCache(cache, { clusterId: 'west', days: 2, jobsPerDay: 100, endMs: END, samples: false, seed: 7 });
});
afterEach(() => cache.close());

/** [from, to) of each local day of the period, clipped to it. */
function dayRanges(period: ResolvedPeriod): Map<string, [string, string]> {
  return new Map(
    period.days.map((day) => {
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      return [day, [iso(Math.max(period.fromMs, new Date(y, m - 1, d).getTime())), iso(Math.min(period.toMs, new Date(y, m - 1, d + 1).getTime()))]];
    }),
  );
}

const within = (approx: number | null, exact: number | null) => {
  if (exact === null) return expect(approx).toBeNull();
  expect(approx).not.toBeNull();
  expect(Math.abs(approx! - exact)).toBeLessThanOrEqual(exact * PERCENTILE_RELATIVE_ERROR + 1);
};

describe.each(['America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata'])('reports in %s', (zone) => {
  beforeEach(() => {
    process.env.TZ = zone;
  });

  const scopeOf = () => resolveScope(cache.db, { since: '4d' }, END);
  const count = (sql: string, ...params: unknown[]) => cache.db.prepare(sql).pluck().get(...params) as number;

  it('daily summary: each local day as SQL over the jobs counts it, its p95 wait within the stated error', () => {
    const scope = scopeOf();
    const report = dailySummary(scope);
    for (const d of report.days) {
      const [from, to] = dayRanges(scope.period).get(d.date)!;
      expect(d.submitted).toBe(count('SELECT count(*) FROM jobs WHERE created_at >= ? AND created_at < ?', from, to));
      for (const state of ['completed', 'failed', 'cancelled'] as const) {
        expect(d[state]).toBe(count('SELECT count(*) FROM jobs WHERE state = ? AND finished_at >= ? AND finished_at < ?', state, from, to));
      }
      const waits = cache.db.prepare('SELECT max(0, wait_ms) FROM jobs WHERE wait_ms IS NOT NULL AND created_at >= ? AND created_at < ? ORDER BY 1').pluck().all(from, to) as number[];
      within(d.waitP95Ms, percentileOf(waits, 95));
      expect(d.longestWaits.map((w) => w.waitMs)).toEqual(waits.slice(-5).reverse());
      expect(d.submittedByHour.reduce((a, b) => a + b, 0)).toBe(d.submitted);
    }
    expect(report.totals.submitted).toBe(count('SELECT count(*) FROM jobs WHERE created_at >= ? AND created_at < ?', scope.period.from, scope.period.to));
    // In a zone off UTC by a part hour, the busiest local hour holds the jobs of that local hour.
    const busiest = report.days.find((d) => d.busiestHour !== null)!;
    const [from] = dayRanges(scope.period).get(busiest.date)!;
    const start = new Date(Date.parse(from));
    start.setHours(busiest.busiestHour!, 0, 0, 0);
    const hourEnd = new Date(start);
    hourEnd.setHours(start.getHours() + 1);
    expect(busiest.submittedByHour[busiest.busiestHour!]).toBe(count('SELECT count(*) FROM jobs WHERE created_at >= ? AND created_at < ?', iso(Math.max(start.getTime(), scope.period.fromMs)), iso(hourEnd.getTime())));
  });

  it('daily summary: jobs lost with their worker, counted per local day from their failure pattern', () => {
    const lost = Array.from({ length: 40 }, (_, i) => {
      const finished = END - 3 * 86_400_000 + i * 5_400_000;
      return makeJob(900_000 + i, {
        state: 'failed',
        createdAt: iso(finished - 60_000),
        startedAt: iso(finished - 30_000),
        finishedAt: iso(finished),
        durationMs: 30_000,
        errorMessage: 'worker node was lost: Unexpected exit code 137',
        updatedAt: iso(finished),
      });
    });
    cache.applyBatch('local', { jobs: lost, removed: [] }, iso(END));
    cache.failures.record(lost.map((job) => ({ clusterId: 'local', job, errorStack: null })), iso(END));
    const scope = scopeOf();
    const report = dailySummary(scope);
    const sql = (from: string, to: string) =>
      count(
        `SELECT count(*) FROM jobs j JOIN failure_groups g ON g.group_id = j.failure_group_id
         WHERE j.state = 'failed' AND g.category = 'worker-lost' AND j.finished_at >= ? AND j.finished_at < ?`,
        from,
        to,
      );
    for (const d of report.days) expect(d.workerLost).toBe(sql(...dayRanges(scope.period).get(d.date)!));
    expect(report.days.reduce((n, d) => n + d.workerLost, 0)).toBe(40);
  });

  it('user usage and resource use by type: the sums of SQL over the jobs of the period', () => {
    const scope = scopeOf();
    const range = [scope.period.from, scope.period.to];
    const users = userUsage(scope).users;
    const sql = cache.db
      .prepare(
        `SELECT user, count(*) AS jobs, sum(CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN ifnull(duration_ms, 0) ELSE 0 END) AS compute,
                round(avg(wait_ms)) AS wait, sum(state = 'failed') AS failed
         FROM jobs WHERE created_at >= ? AND created_at < ? GROUP BY user ORDER BY compute DESC`,
      )
      .all(...range) as { user: string; jobs: number; compute: number; wait: number; failed: number }[];
    expect(users.map((u) => ({ user: u.user, jobs: u.jobs, compute: u.computeMs, wait: u.avgWaitMs, failed: u.failed }))).toEqual(sql);

    const byType = resourceUtilisation(scope).byType;
    const typeSql = cache.db
      .prepare(
        `SELECT type, count(*) AS jobs, sum(ifnull(duration_ms, 0)) AS compute, round(sum(cpu_percent / 100.0 * ifnull(duration_ms, 0))) AS cpu, max(peak_rss_bytes) AS rss
         FROM jobs WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at >= ? AND finished_at < ? GROUP BY type ORDER BY compute DESC`,
      )
      .all(...range);
    expect(byType.map((t) => ({ type: t.type, jobs: t.jobs, compute: t.computeMs, cpu: t.cpuMs, rss: t.maxPeakRssBytes }))).toEqual(typeSql);
  });

  it('performance trends: counts per type and day as SQL gives them, percentiles within the stated error', () => {
    const scope = scopeOf();
    const report = performanceTrends(scope);
    const values = (column: string, type: string, from: string, to: string) =>
      cache.db
        .prepare(`SELECT max(0, ${column}) FROM jobs WHERE type = ? AND state IN ('completed', 'failed') AND finished_at >= ? AND finished_at < ? AND ${column} IS NOT NULL ORDER BY 1`)
        .pluck()
        .all(type, from, to) as number[];
    const before = previousPeriod(scope.period);
    for (const t of report.types) {
      for (const [stats, from, to] of [
        [t.period, scope.period.from, scope.period.to],
        [t.previous, before.from, before.to],
        ...t.days.map((d) => [d, ...dayRanges(scope.period).get(d.date)!] as const),
      ] as const) {
        expect(stats.finished).toBe(count(`SELECT count(*) FROM jobs WHERE type = ? AND state IN ('completed', 'failed') AND finished_at >= ? AND finished_at < ?`, t.type, from, to));
        expect(stats.failed).toBe(count(`SELECT count(*) FROM jobs WHERE type = ? AND state = 'failed' AND finished_at >= ? AND finished_at < ?`, t.type, from, to));
        const runs = values('duration_ms', t.type, from, to);
        const waits = values('wait_ms', t.type, from, to);
        within(stats.durationP50Ms, percentileOf(runs, 50));
        within(stats.durationP95Ms, percentileOf(runs, 95));
        within(stats.waitP50Ms, percentileOf(waits, 50));
        within(stats.waitP95Ms, percentileOf(waits, 95));
      }
    }
    expect(report.types.length).toBeGreaterThan(3);
  });

  it('reads whole hours from the roll-ups only where local days begin on UTC hours', () => {
    const period = scopeOf().period;
    const plan = readPlan(period.fromMs, period.toMs, new LocalBuckets(period));
    if (zone === 'America/New_York') {
      expect(plan.hours).toEqual(['2026-10-29T11', '2026-11-02T10']);
      expect(plan.raw).toEqual([
        ['2026-10-29T10:17:00.000Z', '2026-10-29T11:00:00.000Z'],
        ['2026-11-02T10:00:00.000Z', '2026-11-02T10:17:00.000Z'],
      ]);
    } else {
      expect(plan).toEqual({ hours: null, raw: [[period.from, period.to]] });
    }
  });
});

describe('percentiles from buckets', () => {
  it('are the mean of the bucket the nearest rank falls in', () => {
    const b = new BucketCounts();
    b.add(3, 2, 10);
    b.add(40, 1, 32);
    b.add(41, 0, 0);
    expect(b.percentile(50)).toBe(5);
    expect(b.percentile(95)).toBe(32);
    expect(new BucketCounts().percentile(50)).toBeNull();
  });
});

it('the note under the percentiles states the bound the histograms hold', () => {
  expect(PERCENTILE_NOTE).toContain(`within ${(PERCENTILE_RELATIVE_ERROR * 100).toFixed(1)}% of the exact value`);
});

it('the performance trends JSON carries the bound its percentiles hold', () => {
  const report = buildReport({ db: cache.db }, { kind: 'performance-trends', since: '7d' }, END);
  const parsed = PerformanceTrendsReport.parse(JSON.parse(JSON.stringify(report)));
  expect(parsed.percentileRelativeError).toBe(PERCENTILE_RELATIVE_ERROR);
  expect(PERCENTILE_NOTE).toContain(`${(parsed.percentileRelativeError * 100).toFixed(1)}%`);
  const { percentileRelativeError: _bound, ...without } = parsed;
  expect(PerformanceTrendsReport.safeParse(without).success).toBe(false);
});
