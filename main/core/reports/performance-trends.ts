/**
 * Performance trends: per job type, over the period and per day — finished jobs, failure rate,
 * p50/p95 run duration and wait — with the change against the period of the same length before.
 * Jobs count on the day they finished. Its Capacity section has the capacity signals of each queue
 * over the period, against each cluster's wait threshold as last heard from it.
 */
import { REPORT_TITLES, type PerformanceTrendsReport, type PerformanceTypeTrend, type TrendStats } from '../../../contract/reports.ts';
import { capacitySignals } from '../load/capacity-signals.ts';
import { storedWaitThresholds } from '../load/wait-thresholds.ts';
import { coverageOf } from './coverage.ts';
import { LocalBuckets, previousPeriod, type ResolvedPeriod } from './report-period.ts';
import { clusterFilter, percentileOf, type ReportScope } from './report-scope.ts';

interface Bucket {
  finished: number;
  failed: number;
  durations: number[];
  waits: number[];
}

const bucket = (): Bucket => ({ finished: 0, failed: 0, durations: [], waits: [] });

function statsOf(b: Bucket, days: number): TrendStats {
  b.durations.sort((x, y) => x - y);
  b.waits.sort((x, y) => x - y);
  const ended = b.finished;
  const rate = (n: number | null) => (n === null ? null : Math.round(n));
  return {
    finished: ended,
    failed: b.failed,
    failureRate: ended > 0 ? b.failed / ended : null,
    durationP50Ms: rate(percentileOf(b.durations, 50)),
    durationP95Ms: rate(percentileOf(b.durations, 95)),
    waitP50Ms: rate(percentileOf(b.waits, 50)),
    waitP95Ms: rate(percentileOf(b.waits, 95)),
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
  const rows = db
    .prepare(
      `SELECT type, state, finished_at, ${local.sql('finished_at')}, duration_ms,
              wait_ms
       FROM jobs WHERE state IN ('completed', 'failed') AND finished_at >= ? AND finished_at < ? AND ${cf.sql}`,
    )
    .raw()
    .iterate(before.from, period.to, ...cf.params) as IterableIterator<[string, string, string, string, number | null, number | null]>;
  for (const [type, state, finishedAt, quarter, duration, wait] of rows) {
    const day = local.of(quarter).day;
    const t = typeOf(type);
    const inPeriod = finishedAt >= period.from;
    const targets = inPeriod ? [t.now, t.days.get(day)].filter((b): b is Bucket => b !== undefined) : [t.before];
    for (const b of targets) {
      b.finished += 1;
      if (state === 'failed') b.failed += 1;
      if (duration !== null) b.durations.push(duration);
      if (wait !== null) b.waits.push(Math.max(0, wait));
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
    capacity: capacitySignals({ db, clusters: scope.clusters, fromMs: period.fromMs, toMs: period.toMs, thresholds: storedWaitThresholds(db, scope.clusters) }),
  };
}
