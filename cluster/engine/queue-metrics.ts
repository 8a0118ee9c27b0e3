/**
 * Queue metrics math: wait-time percentiles, processing and failure rates over a window, and
 * their threshold levels from contract/thresholds.ts. Pure, unit-tested.
 */
import type { JobType } from '../../contract/domain.ts';
import type { QueueMetrics, Reading, StateCounts } from '../../contract/metrics.ts';
import { type Level, levelOf, type Thresholds } from '../../contract/thresholds.ts';
import type { CountsByType, FinishedSample } from '../datastore/shared-store.ts';

/** Nearest-rank percentile of unsorted values (null when empty). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function reading(value: number | null, level: Level): Reading {
  return { value, level };
}

export function emptyCounts(): StateCounts {
  return { pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 };
}

export function countsOf(c: CountsByType | undefined): StateCounts {
  if (!c) return emptyCounts();
  const { type: _type, ...rest } = c;
  return rest;
}

export interface QueueMetricsInput {
  type: JobType;
  paused: boolean;
  concurrency: number;
  counts: StateCounts;
  /** Pending jobs that can start now (see QueueMetrics.readyCount). */
  ready: number;
  /** Jobs finished in the window (any type; filtered here). */
  finished: FinishedSample[];
  windowMs: number;
  thresholds: Thresholds;
}

/** Wait time of a started job: from when it could run (created, or runAt) to its start. */
export function waitTimeOf(s: Pick<FinishedSample, 'createdAt' | 'startedAt' | 'runAt'>): number | null {
  if (s.startedAt === null) return null;
  return Math.max(0, s.startedAt - Math.max(s.createdAt, s.runAt ?? 0));
}

export function queueMetrics(input: QueueMetricsInput): QueueMetrics {
  const { thresholds: t } = input;
  const mine = input.finished.filter((s) => s.type === input.type);
  const waits = mine.map(waitTimeOf).filter((w): w is number => w !== null);
  const p50 = percentile(waits, 50);
  const p95 = percentile(waits, 95);
  // Cancelled jobs are an admin's decision, not a processing outcome: rates count completed + failed.
  const done = mine.filter((s) => s.base !== 'cancelled');
  const failed = done.filter((s) => s.base === 'failed').length;
  const rate = (done.length * 60_000) / input.windowMs;
  const failureRate = done.length === 0 ? null : failed / done.length;
  const queueLength = input.counts.pending;
  // A low processing rate only matters when work is waiting to run (the brief's "only meaningful
  // with a backlog"): not for jobs scheduled for later or waiting for others, and not when an admin
  // paused the queue: then a rate of zero is what they asked for.
  const rateLevel: Level = input.ready > 0 && !input.paused ? levelOf(rate, t.processingRatePerMin) : 'good';
  return {
    type: input.type,
    paused: input.paused,
    concurrency: input.concurrency,
    counts: input.counts,
    queueLength: reading(queueLength, levelOf(queueLength, t.queueLength)),
    readyCount: input.ready,
    waitTimeP50Ms: reading(p50, p50 === null ? 'good' : levelOf(p50, t.waitTimeMs)),
    waitTimeP95Ms: reading(p95, p95 === null ? 'good' : levelOf(p95, t.waitTimeMs)),
    processingRatePerMin: reading(rate, rateLevel),
    failureRate: reading(failureRate, failureRate === null ? 'good' : levelOf(failureRate, t.failureRate)),
    windowMs: input.windowMs,
  };
}

/**
 * Cluster-wide readings: summed lengths and rates, pooled failure rate, worst p95. The rate is
 * rated only against the jobs ready to run in queues that are not paused (see queueMetrics).
 */
export function clusterReadings(queues: QueueMetrics[], finished: FinishedSample[], thresholds: Thresholds, windowMs: number) {
  const queueLength = queues.reduce((n, q) => n + q.queueLength.value!, 0);
  const backlog = queues.reduce((n, q) => n + (q.paused ? 0 : q.readyCount), 0);
  const done = finished.filter((s) => s.base !== 'cancelled');
  const failed = done.filter((s) => s.base === 'failed').length;
  const rate = (done.length * 60_000) / windowMs;
  const failureRate = done.length === 0 ? null : failed / done.length;
  const waits = finished.map(waitTimeOf).filter((w): w is number => w !== null);
  const p95 = percentile(waits, 95);
  return {
    queueLength: reading(queueLength, levelOf(queueLength, thresholds.queueLength)),
    waitTimeP95Ms: reading(p95, p95 === null ? 'good' : levelOf(p95, thresholds.waitTimeMs)),
    processingRatePerMin: reading(rate, backlog > 0 ? levelOf(rate, thresholds.processingRatePerMin) : 'good'),
    failureRate: reading(failureRate, failureRate === null ? 'good' : levelOf(failureRate, thresholds.failureRate)),
  };
}
