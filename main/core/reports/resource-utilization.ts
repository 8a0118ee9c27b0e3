/**
 * Resource utilisation: per node, CPU, memory, disk I/O and network over the period (mean, 95th
 * percentile, maximum, and minutes at or above the warning and critical thresholds), hourly means
 * for the charts, and compute time by job type. A sample stands for the time until the next one,
 * at most the gap limit, so a stretch without samples adds no minutes above a threshold. Per job
 * type: compute time, and the CPU and peak memory of the jobs' processes where they were measured,
 * summed from the hourly roll-ups for whole hours (report-rollups.ts).
 */
import { REPORT_TITLES, RESOURCE_KEYS, type NodeUtilisation, type ResourceKey, type ResourceStats, type ResourceUtilisationReport } from '../../../contract/reports.ts';
import { DEFAULT_THRESHOLDS, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { coverageOf, GAP_MS } from './coverage.ts';
import { LocalBuckets } from './report-period.ts';
import { readPlan } from './report-rollups.ts';
import { clusterFilter, percentileOf, type ReportScope } from './report-scope.ts';

const METRIC_OF: Record<ResourceKey, MetricName> = { cpu: 'cpuPercent', memory: 'memoryPercent', diskIo: 'diskIoPercent', network: 'networkPercent' };
const HOUR_MS = 3_600_000;

type Sample = [at: number, cpu: number, memory: number, diskIo: number, network: number];

function statsOf(samples: readonly Sample[], index: number, key: ResourceKey, thresholds: Thresholds): ResourceStats {
  if (samples.length === 0) return { mean: null, p95: null, max: null, minutesWarning: 0, minutesCritical: 0 };
  const t = thresholds[METRIC_OF[key]];
  const values = samples.map((s) => s[index]!);
  let warnMs = 0;
  let critMs = 0;
  samples.forEach((s, i) => {
    const next = samples[i + 1]?.[0];
    const span = next === undefined ? 60_000 : Math.min(next - s[0], GAP_MS);
    if (s[index]! >= t.warning) warnMs += span;
    if (s[index]! >= t.critical) critMs += span;
  });
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p95: percentileOf(sorted, 95),
    max: sorted[sorted.length - 1]!,
    minutesWarning: warnMs / 60_000,
    minutesCritical: critMs / 60_000,
  };
}

export function resourceUtilisation(scope: ReportScope, thresholds: Thresholds = DEFAULT_THRESHOLDS): ResourceUtilisationReport {
  const { db, period } = scope;
  const cf = clusterFilter(scope);
  const nodes = new Map<string, { clusterId: string; nodeId: string; host: string; samples: Sample[] }>();
  for (const [clusterId, nodeId, host, at, cpu, memory, disk, network] of db
    .prepare(
      `SELECT cluster_id, node_id, host, at, cpu_percent, memory_percent, disk_io_percent, network_percent
       FROM resource_samples WHERE at >= ? AND at < ? AND ${cf.sql} ORDER BY cluster_id, node_id, at`,
    )
    .raw()
    .iterate(period.from, period.to, ...cf.params) as IterableIterator<[string, string, string, string, number, number, number, number]>) {
    const key = `${clusterId}\u0000${nodeId}`;
    let node = nodes.get(key);
    if (!node) nodes.set(key, (node = { clusterId, nodeId, host, samples: [] }));
    node.host = host;
    node.samples.push([Date.parse(at), cpu, memory, disk, network]);
  }
  const list: NodeUtilisation[] = [...nodes.values()].map((n) => {
    const hours = new Map<number, { n: number; sums: [number, number, number, number] }>();
    for (const s of n.samples) {
      const hour = Math.floor(s[0] / HOUR_MS) * HOUR_MS;
      let h = hours.get(hour);
      if (!h) hours.set(hour, (h = { n: 0, sums: [0, 0, 0, 0] }));
      h.n += 1;
      for (let i = 0; i < 4; i++) h.sums[i] = h.sums[i]! + s[i + 1]!;
    }
    const stats = Object.fromEntries(RESOURCE_KEYS.map((k, i) => [k, statsOf(n.samples, i + 1, k, thresholds)])) as Record<ResourceKey, ResourceStats>;
    return {
      clusterId: n.clusterId,
      nodeId: n.nodeId,
      host: n.host,
      samples: n.samples.length,
      firstAt: n.samples.length > 0 ? new Date(n.samples[0]![0]).toISOString() : null,
      lastAt: n.samples.length > 0 ? new Date(n.samples[n.samples.length - 1]![0]).toISOString() : null,
      ...stats,
      hourly: [...hours.entries()].map(([hour, h]) => [new Date(hour).toISOString(), ...h.sums.map((v) => v / h.n)] as [string, number, number, number, number]),
    };
  });
  return {
    kind: 'resource-utilization',
    title: REPORT_TITLES['resource-utilization'],
    generatedAt: new Date(scope.now).toISOString(),
    period: { from: period.from, to: period.to, timeZone: period.timeZone, label: period.label },
    clusters: scope.clusters,
    coverage: coverageOf(scope),
    nodes: list,
    byType: usageByType(scope),
  };
}

/** What one type's finished jobs used, as sums: from the hourly roll-ups or from the jobs at the period's ends. */
type TypeUsage = [type: string, jobs: number, compute: number, timed: number, measured: number, cpuMs: number, cpuSum: number, rssN: number, rssSum: number, rssMax: number | null];

/** Per job type, over the jobs that ended in the period: compute time, and the CPU and peak memory of those measured. */
function usageByType(scope: ReportScope): ResourceUtilisationReport['byType'] {
  const { db, period } = scope;
  const cf = clusterFilter(scope);
  const types = new Map<string, TypeUsage>();
  const add = (r: TypeUsage) => {
    const t = types.get(r[0]);
    if (!t) {
      types.set(r[0], [...r]);
      return;
    }
    for (let i = 1; i < 9; i++) (t[i] as number) += r[i] as number;
    if (r[9] !== null && (t[9] === null || r[9] > t[9])) t[9] = r[9];
  };
  const plan = readPlan(period.fromMs, period.toMs, new LocalBuckets(period));
  if (plan.hours) {
    for (const r of db
      .prepare(
        `SELECT type, sum(n), sum(run_ms), sum(dur_n), sum(cpu_n), sum(cpu_ms), sum(cpu_sum), sum(rss_n), sum(rss_sum), max(rss_max)
         FROM job_hours_finished WHERE ${cf.sql} AND hour >= ? AND hour < ? GROUP BY type`,
      )
      .raw()
      .iterate(...cf.params, ...plan.hours) as IterableIterator<TypeUsage>)
      add(r);
  }
  for (const range of plan.raw) {
    for (const r of db
      .prepare(
        `SELECT type, count(*), sum(ifnull(duration_ms, 0)), count(duration_ms), count(cpu_percent), ifnull(sum(cpu_percent / 100.0 * ifnull(duration_ms, 0)), 0),
                ifnull(sum(cpu_percent), 0), count(peak_rss_bytes), ifnull(sum(peak_rss_bytes), 0), max(peak_rss_bytes)
         FROM jobs
         WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at >= ? AND finished_at < ? AND ${cf.sql}
         GROUP BY type`,
      )
      .raw()
      .iterate(...range, ...cf.params) as IterableIterator<TypeUsage>)
      add(r);
  }
  return [...types.values()]
    .filter((t) => t[1] > 0)
    .sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]))
    .map(([type, jobs, compute, timed, measured, cpuMs, cpuSum, rssN, rssSum, rssMax]) => ({
      type,
      jobs,
      computeMs: compute,
      meanRunMs: timed > 0 ? Math.round(compute / timed) : null,
      measured,
      cpuMs: Math.round(cpuMs),
      meanCpuPercent: measured > 0 ? Math.round((cpuSum / measured) * 10) / 10 : null,
      meanPeakRssBytes: rssN > 0 ? Math.round(rssSum / rssN) : null,
      maxPeakRssBytes: rssMax,
    }));
}
