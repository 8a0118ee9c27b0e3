/**
 * Queue metrics of several clusters as one tile. The value is the combined one, weighted by job
 * counts: lengths and rates add up, the failure rate is all failures over all finished jobs, the
 * wait time p95 is read from the clusters' wait distributions together. Taking one cluster's value
 * instead would show "100% failed" for a cluster that ran one job beside 88% success overall. The
 * level is the worst cluster's, as each cluster rated its own reading by its own thresholds (the
 * desktop only combines; a quiet cluster must not hide one in trouble), and the tile names that
 * cluster.
 */
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import type { Reading, Summary } from '../../../contract/metrics.ts';
import { LEVELS, type Level, worstLevel } from '../../../contract/thresholds.ts';

export type QueueMetricKey = 'queueLength' | 'waitTimeP95Ms' | 'processingRatePerMin' | 'failureRate';

export interface CombinedReading extends Reading {
  /** Nothing is ready to run: a processing rate has nothing to be rated against. */
  idle?: boolean;
  /** With several clusters: the one whose reading is worst, and its value. */
  worst?: { clusterId: string; value: number | null; level: Level };
  /** Age of the oldest job waiting to run anywhere in view (wait time only). */
  oldestWaitingMs?: number | null;
}

interface ClusterSummary {
  clusterId: string;
  summary: Summary;
}

/** Jobs ready to run in queues that are not paused (clusters of older versions do not send it). */
export function backlogOf(s: Summary): number {
  return s.backlog ?? s.queues.reduce((n, q) => n + (q.paused ? 0 : q.readyCount), 0);
}

/**
 * The p-th percentile of several distributions given as 21 quantiles each (0th, 5th, … 100th)
 * and their sample counts: the smallest value at which the pooled share of samples at or below it
 * reaches p.
 */
export function pooledPercentile(parts: readonly { count: number; quantiles: readonly number[] }[], p: number): number | null {
  const used = parts.filter((x) => x.count > 0 && x.quantiles.length > 1);
  const total = used.reduce((n, x) => n + x.count, 0);
  if (total === 0) return null;
  const shareAtOrBelow = (v: number) =>
    used.reduce((sum, x) => {
      const steps = x.quantiles.length - 1;
      let j = -1;
      for (let i = 0; i < x.quantiles.length; i++) if (x.quantiles[i]! <= v) j = i;
      return sum + (j < 0 ? 0 : (j / steps) * x.count);
    }, 0) / total;
  const candidates = [...new Set(used.flatMap((x) => x.quantiles))].sort((a, b) => a - b);
  return candidates.find((v) => shareAtOrBelow(v) >= p / 100 - 1e-9) ?? candidates.at(-1)!;
}

/** The worst cluster of a reading: highest level first, then the value that is worse. */
function worstOf(items: readonly ClusterSummary[], read: (s: Summary) => Reading, lowerIsWorse = false): CombinedReading['worst'] {
  let best: CombinedReading['worst'];
  for (const { clusterId, summary } of items) {
    const r = read(summary);
    if (r.value === null) continue;
    const rank = LEVELS.indexOf(r.level);
    const cur = best ? LEVELS.indexOf(best.level) : -1;
    const worseValue = best?.value !== null && best?.value !== undefined && (lowerIsWorse ? r.value < best.value : r.value > best.value);
    if (!best || rank > cur || (rank === cur && worseValue)) best = { clusterId, value: r.value, level: r.level };
  }
  return best;
}

/** Combines the clusters' readings of one metric. */
export function combine(summary: DashboardSummary, key: QueueMetricKey): CombinedReading {
  const items: ClusterSummary[] = summary.clusters.flatMap((c) => (c.summary ? [{ clusterId: c.clusterId, summary: c.summary }] : []));
  const summaries = items.map((i) => i.summary);
  const idle = key === 'processingRatePerMin' && summaries.length > 0 && summaries.every((s) => backlogOf(s) === 0);
  const oldest = summaries.map((s) => s.oldestWaitingMs).filter((v): v is number => v !== null && v !== undefined);
  const extras: Partial<CombinedReading> = {
    ...(idle ? { idle } : {}),
    ...(key === 'waitTimeP95Ms' && summaries.some((s) => s.oldestWaitingMs !== undefined) ? { oldestWaitingMs: oldest.length ? Math.max(...oldest) : null } : {}),
  };
  if (items.length === 1) return { ...summaries[0]![key], ...extras };
  const values = summaries.map((s) => s[key].value).filter((v): v is number => v !== null);
  if (values.length === 0) return { value: null, level: 'good', ...extras };
  const levels = summaries.map((s) => s[key].level);
  switch (key) {
    case 'queueLength': {
      const value = values.reduce((a, b) => a + b, 0);
      return { value, level: worstLevel(levels), worst: worstOf(items, (s) => s.queueLength), ...extras };
    }
    case 'processingRatePerMin': {
      const value = values.reduce((a, b) => a + b, 0);
      // Each cluster rates its rate against its own backlog only; idle ones are not "slow".
      const busy = items.filter((i) => backlogOf(i.summary) > 0);
      return { value, level: worstLevel(busy.map((i) => i.summary.processingRatePerMin.level)), worst: worstOf(busy, (s) => s.processingRatePerMin, true), ...extras };
    }
    case 'failureRate': {
      const counted = summaries.every((s) => s.finishedInWindow !== undefined && s.failedInWindow !== undefined);
      const finished = summaries.reduce((n, s) => n + (s.finishedInWindow ?? 0), 0);
      const failed = summaries.reduce((n, s) => n + (s.failedInWindow ?? 0), 0);
      const value = counted ? (finished === 0 ? null : failed / finished) : Math.max(...values);
      return { value, level: worstLevel(levels), worst: worstOf(items, (s) => s.failureRate), ...extras };
    }
    case 'waitTimeP95Ms': {
      const withQuantiles = summaries.every((s) => s.waitSampleCount !== undefined && s.waitQuantilesMs !== undefined);
      const value = withQuantiles
        ? pooledPercentile(summaries.map((s) => ({ count: s.waitSampleCount!, quantiles: s.waitQuantilesMs! })), 95)
        : Math.max(...values);
      return { value, level: worstLevel(levels), worst: worstOf(items, (s) => s.waitTimeP95Ms), ...extras };
    }
  }
}
