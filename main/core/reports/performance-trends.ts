/**
 * Performance trends: per job type, over the period and per day — finished jobs, failure rate,
 * p50/p95 run duration and wait — with the change against the period of the same length before.
 * Jobs count on the day they finished. Whole hours come from the hourly roll-ups and their
 * histograms (report-rollups.ts): percentiles are within PERCENTILE_RELATIVE_ERROR of the exact
 * ones (exact where a bucket holds a single value). Its Capacity section has the capacity signals of each queue
 * over the period, against each cluster's wait threshold as last heard from it.
 */
import { REPORT_TITLES, type PerformanceTrendsReport, type PerformanceTypeTrend, type TrendStats } from '../../../contract/reports.ts';
import { capacitySignals } from '../load/capacity-signals.ts';
import { storedWaitThresholds } from '../load/wait-thresholds.ts';
import { coverageOf } from './coverage.ts';
import { bucketSql, PERCENTILE_RELATIVE_ERROR } from '../cache/job-rollups.ts';
import { LocalBuckets, previousPeriod, type ResolvedPeriod } from './report-period.ts';
import { BUCKET_SUMS, BucketCounts, bucketSums, localDayHours, readPlan } from './report-rollups.ts';
import { clusterFilter, type ReportScope } from './report-scope.ts';

interface Bucket {
  finished: number;
  failed: number;
  durations: BucketCounts;
  waits: BucketCounts;
}

const bucket = (): Bucket => ({ finished: 0, failed: 0, durations: new BucketCounts(), waits: new BucketCounts() });

/** The label of rows of the previous period (days are YYYY-MM-DD). */
const BEFORE = 'before';

function statsOf(b: Bucket, days: number): TrendStats {
  const ended = b.finished;
  const rate = (n: number | null) => (n === null ? null : Math.round(n));
  return {
    finished: ended,
    failed: b.failed,
    failureRate: ended > 0 ? b.failed / ended : null,
    durationP50Ms: rate(b.durations.percentile(50)),
    durationP95Ms: rate(b.durations.percentile(95)),
    waitP50Ms: rate(b.waits.percentile(50)),
    waitP95Ms: rate(b.waits.percentile(95)),
    throughputPerDay: days > 0 ? ended / days : 0,
  };
}

/** Relative change (0.25 = 25% more); null without a base to compare with. */
function relative(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return now / before - 1;
}

function periodDays(p: ResolvedPeriod): number {
  return (p.toMs - p.fromMs) / 86_400_000;
}

export function performanceTrends(scope: ReportScope): PerformanceTrendsReport {
  const { db, period } = scope;
  const before = previousPeriod(period);
  const cf = clusterFilter(scope);
  const whole = new Map<string, { now: Bucket; before: Bucket; days: Map<string, Bucket> }>();
  const typeOf = (type: string) => {
    let t = whole.get(type);
    if (!t) whole.set(type, (t = { now: bucket(), before: bucket(), days: new Map(period.days.map((d) => [d, bucket()])) }));
    return t;
  };
  const local = new LocalBuckets({ fromMs: before.fromMs, toMs: period.toMs });
  const targetsOf = (type: string, label: string): Bucket[] => {
    const t = typeOf(type);
    return label === BEFORE ? [t.before] : [t.now, t.days.get(label)].filter((b): b is Bucket => b !== undefined);
  };
  const addCount = (label: string, type: string, state: string, n: number) => {
    for (const b of targetsOf(type, label)) {
      b.finished += n;
      if (state === 'failed') b.failed += n;
    }
  };
  const addValues = (label: string, type: string, metric: 'run' | 'wait', bucketOf: number, n: number, total: number) => {
    for (const b of targetsOf(type, label)) (metric === 'run' ? b.durations : b.waits).add(bucketOf, n, total);
  };
  for (const [p, isBefore] of [
    [before, true],
    [period, false],
  ] as const) {
    const plan = readPlan(p.fromMs, p.toMs, local);
    if (plan.hours) {
      const counts = db.prepare(
        `SELECT type, state, sum(n) FROM job_hours_finished
         WHERE ${cf.sql} AND state IN ('completed', 'failed') AND hour >= ? AND hour < ? GROUP BY type, state`,
      );
      const values = `SELECT ${BUCKET_SUMS}(type, metric = 'wait', bucket, n, total) FROM job_hour_histograms
         WHERE ${cf.sql} AND metric IN ('run', 'wait') AND hour >= ? AND hour < ? AND n > 0`;
      // A day at a time (see localDayHours); the previous period's days all count as one.
      for (const [from, to, day] of localDayHours(plan.hours, local).map(([from, to, day]) => [from, to, isBefore ? BEFORE : day] as const)) {
        for (const [type, state, n] of counts.raw().iterate(...cf.params, from, to) as IterableIterator<[string, string, number]>) addCount(day, type, state, n);
        for (const [type, isWait, bucketOf, n, total] of bucketSums(db, values, [...cf.params, from, to])) addValues(day, type, isWait ? 'wait' : 'run', bucketOf, n, total);
      }
    }
    for (const range of plan.raw) {
      for (const [type, state, quarter, duration, wait, runBucket, waitBucket] of db
        .prepare(
          `SELECT type, state, ${local.sql('finished_at')}, max(0, duration_ms), max(0, wait_ms), ${bucketSql('max(0, duration_ms)')}, ${bucketSql('max(0, wait_ms)')}
           FROM jobs WHERE state IN ('completed', 'failed') AND finished_at >= ? AND finished_at < ? AND ${cf.sql}`,
        )
        .raw()
        .iterate(...range, ...cf.params) as IterableIterator<[string, string, string, number | null, number | null, number | null, number | null]>) {
        const label = isBefore ? BEFORE : local.of(quarter).day;
        addCount(label, type, state, 1);
        if (duration !== null) addValues(label, type, 'run', runBucket!, 1, duration);
        if (wait !== null) addValues(label, type, 'wait', waitBucket!, 1, wait);
      }
    }
  }
  const types: PerformanceTypeTrend[] = [...whole.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, t]) => {
      const now = statsOf(t.now, periodDays(period));
      const prev = statsOf(t.before, periodDays(before));
      return {
        type,
        period: now,
        previous: prev,
        change: {
          durationP95: relative(now.durationP95Ms, prev.durationP95Ms),
          waitP95: relative(now.waitP95Ms, prev.waitP95Ms),
          throughput: relative(now.throughputPerDay, prev.finished > 0 ? prev.throughputPerDay : null),
          failureRate: now.failureRate !== null && prev.failureRate !== null ? now.failureRate - prev.failureRate : null,
        },
        days: [...t.days.entries()].map(([date, b]) => ({ date, ...statsOf(b, 1) })),
      };
    });
  return {
    kind: 'performance-trends',
    title: REPORT_TITLES['performance-trends'],
    generatedAt: new Date(scope.now).toISOString(),
    period: { from: period.from, to: period.to, timeZone: period.timeZone, label: period.label },
    clusters: scope.clusters,
    coverage: coverageOf(scope),
    types,
    percentileRelativeError: PERCENTILE_RELATIVE_ERROR,
    capacity: capacitySignals({ db, clusters: scope.clusters, fromMs: period.fromMs, toMs: period.toMs, thresholds: storedWaitThresholds(db, scope.clusters) }),
  };
}
