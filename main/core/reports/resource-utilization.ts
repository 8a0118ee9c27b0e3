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

/** A node's samples as columns (times in ms, then the four metrics), kept as plain number arrays. */
interface NodeSamples {
  clusterId: string;
  nodeId: string;
  host: string;
  at: number[];
  values: [cpu: number[], memory: number[], diskIo: number[], network: number[]];
}

function statsOf(at: readonly number[], values: readonly number[], key: ResourceKey, thresholds: Thresholds): ResourceStats {
  if (values.length === 0) return { mean: null, p95: null, max: null, minutesWarning: 0, minutesCritical: 0 };
  const t = thresholds[METRIC_OF[key]];
  let warnMs = 0;
  let critMs = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const span = i + 1 < at.length ? Math.min(at[i + 1]! - at[i]!, GAP_MS) : 60_000;
    if (v >= t.warning) warnMs += span;
    if (v >= t.critical) critMs += span;
    sum += v;
  }
  // A typed array sorts numbers natively, without a comparator call per comparison.
  const sorted = Float64Array.from(values).sort();
  return {
    mean: sum / values.length,
    p95: percentileOf(sorted, 95),
    max: sorted[sorted.length - 1]!,
    minutesWarning: warnMs / 60_000,
    minutesCritical: critMs / 60_000,
  };
}

export function resourceUtilisation(scope: ReportScope, thresholds: Thresholds = DEFAULT_THRESHOLDS): ResourceUtilisationReport {
  const { db, period } = scope;
  const nodes: NodeSamples[] = [];
  // Each node's samples are read along the table's own key (cluster, node, time): the index by time
  // would look up every sample's row and sort them by node afterwards.
  const nextNode = db.prepare('SELECT min(node_id) FROM resource_samples WHERE cluster_id = ? AND node_id > ?').pluck();
  const samplesOf = db.prepare(
    `SELECT host, at, cpu_percent, memory_percent, disk_io_percent, network_percent
     FROM resource_samples WHERE cluster_id = ? AND node_id = ? AND at >= ? AND at < ? ORDER BY at`,
  );
  for (const clusterId of [...scope.clusters].sort()) {
    for (let nodeId = nextNode.get(clusterId, '') as string | null; nodeId !== null; nodeId = nextNode.get(clusterId, nodeId) as string | null) {
      let node: NodeSamples | undefined;
      for (const [host, at, cpu, memory, disk, network] of samplesOf.raw().iterate(clusterId, nodeId, period.from, period.to) as IterableIterator<[string, string, number, number, number, number]>) {
        if (!node) nodes.push((node = { clusterId, nodeId, host, at: [], values: [[], [], [], []] }));
        node.host = host;
        node.at.push(Date.parse(at));
        node.values[0].push(cpu);
        node.values[1].push(memory);
        node.values[2].push(disk);
        node.values[3].push(network);
      }
    }
  }
  const list: NodeUtilisation[] = nodes.map((n) => {
    const hours = new Map<number, { n: number; sums: [number, number, number, number] }>();
    for (let i = 0; i < n.at.length; i++) {
      const hour = Math.floor(n.at[i]! / HOUR_MS) * HOUR_MS;
      let h = hours.get(hour);
      if (!h) hours.set(hour, (h = { n: 0, sums: [0, 0, 0, 0] }));
      h.n += 1;
      for (let k = 0; k < 4; k++) h.sums[k] = h.sums[k]! + n.values[k]![i]!;
    }
    const stats = Object.fromEntries(RESOURCE_KEYS.map((k, i) => [k, statsOf(n.at, n.values[i]!, k, thresholds)])) as Record<ResourceKey, ResourceStats>;
    const count = n.at.length;
    return {
      clusterId: n.clusterId,
      nodeId: n.nodeId,
      host: n.host,
      samples: count,
      firstAt: count > 0 ? new Date(n.at[0]!).toISOString() : null,
      lastAt: count > 0 ? new Date(n.at[count - 1]!).toISOString() : null,
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
