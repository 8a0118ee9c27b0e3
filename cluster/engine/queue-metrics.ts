/**
 * Queue metrics math: wait-time percentiles, processing and failure rates over a window, and
 * their threshold levels from contract/thresholds.ts. Pure, unit-tested.
 */
import type { JobType } from '../../contract/domain.ts';
import { emptyStateCounts, type QueueMetrics, type Reading, type StateCounts } from '../../contract/metrics.ts';
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

export function countsOf(c: CountsByType | undefined): StateCounts {
  if (!c) return emptyStateCounts();
  const { type: _type, ...rest } = c;
  return rest;
}

/** A wait time and how many jobs it stands for (jobs beyond the read limit share one entry). */
export interface WeightedWait {
  ms: number;
  n: number;
}

/**
 * Started jobs count towards the wait time for this long after they started, so the reading falls
 * back within minutes once a backlog has started rather than after the whole metrics window.
 */
export const RECENT_START_MS = 5 * 60_000;

export interface WaitSources {
  now: number;
  /** When each job waiting now (ready to run) became ready: max(created, runAt). */
  waitingSince: number[];
  /** Jobs ready and waiting beyond those read (younger than every one read). */
  waitingUnread: number;
  /** Jobs that started (running or finished); only those started within `recentMs` count. */
  started: Pick<FinishedSample, 'createdAt' | 'startedAt' | 'runAt'>[];
  recentMs: number;
}

/**
 * The waits the wait time is measured over: how long each waiting job has waited so far, and how
 * long each recently started job waited. Jobs not read count as the youngest one read, so the
 * percentiles are never below the truth.
 */
export function waitsOf(src: WaitSources): { waits: WeightedWait[]; oldestWaitingMs: number | null } {
  const since = src.now - src.recentMs;
  const waits: WeightedWait[] = [];
  for (const s of src.started) {
    if (s.startedAt === null || s.startedAt < since) continue;
    const w = waitTimeOf(s);
    if (w !== null) waits.push({ ms: w, n: 1 });
  }
  const ages = src.waitingSince.map((t) => Math.max(0, src.now - t));
  for (const ms of ages) waits.push({ ms, n: 1 });
  if (src.waitingUnread > 0) waits.push({ ms: ages.length > 0 ? Math.min(...ages) : 0, n: src.waitingUnread });
  const oldestWaitingMs = ages.length > 0 ? Math.max(...ages) : src.waitingUnread > 0 ? 0 : null;
  return { waits, oldestWaitingMs };
}

/** Nearest-rank percentile over weighted values (null when empty). */
export function weightedPercentile(waits: readonly WeightedWait[], p: number): number | null {
  const total = waits.reduce((n, w) => n + w.n, 0);
  if (total === 0) return null;
  const sorted = [...waits].sort((a, b) => a.ms - b.ms);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const w of sorted) {
    seen += w.n;
    if (seen >= rank) return w.ms;
  }
  return sorted.at(-1)!.ms;
}

/** The 0th, 5th, … 100th percentiles: enough for the desktop to combine clusters' wait times. */
export function waitQuantiles(waits: readonly WeightedWait[]): number[] {
  if (waits.length === 0) return [];
  return Array.from({ length: 21 }, (_, i) => weightedPercentile(waits, i * 5)!);
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
  /** This queue's waits (see waitsOf). */
  waits: WeightedWait[];
  oldestWaitingMs: number | null;
  windowMs: number;
  thresholds: Thresholds;
}

/** Wait time of a started job: from when it could run (created, or runAt) to its start. */
export function waitTimeOf(s: Pick<FinishedSample, 'createdAt' | 'startedAt' | 'runAt'>): number | null {
  if (s.startedAt === null) return null;
  return Math.max(0, s.startedAt - Math.max(s.createdAt, s.runAt ?? 0));
}

/** Failure rate and the counts behind it; cancelled jobs are an admin's decision, not an outcome. */
function outcomes(finished: readonly FinishedSample[]) {
  const done = finished.filter((s) => s.base !== 'cancelled');
  const failed = done.filter((s) => s.base === 'failed').length;
  return { finishedInWindow: done.length, failedInWindow: failed, failureRate: done.length === 0 ? null : failed / done.length };
}

function waitReadings(waits: readonly WeightedWait[], t: Thresholds) {
  const p50 = weightedPercentile(waits, 50);
  const p95 = weightedPercentile(waits, 95);
  return {
    p50: reading(p50, p50 === null ? 'good' : levelOf(p50, t.waitTimeMs)),
    p95: reading(p95, p95 === null ? 'good' : levelOf(p95, t.waitTimeMs)),
    waitSampleCount: waits.reduce((n, w) => n + w.n, 0),
    waitQuantilesMs: waitQuantiles(waits),
  };
}

export function queueMetrics(input: QueueMetricsInput): QueueMetrics {
  const { thresholds: t } = input;
  const mine = input.finished.filter((s) => s.type === input.type);
  const wait = waitReadings(input.waits, t);
  const { finishedInWindow, failedInWindow, failureRate } = outcomes(mine);
  const rate = (finishedInWindow * 60_000) / input.windowMs;
  const queueLength = input.counts.pending;
  // A low processing rate only matters when work is waiting to run (a rate is only meaningful
  // with a backlog): not for jobs scheduled for later or waiting for others, and not when an admin
  // paused the queue: then a rate of zero is what they asked for.
  const rateLevel: Level = input.ready > 0 && !input.paused ? levelOf(rate, t.processingRatePerMin) : 'good';
  return {
    type: input.type,
    paused: input.paused,
    concurrency: input.concurrency,
    counts: input.counts,
    queueLength: reading(queueLength, levelOf(queueLength, t.queueLength)),
    readyCount: input.ready,
    waitTimeP50Ms: wait.p50,
    waitTimeP95Ms: wait.p95,
    processingRatePerMin: reading(rate, rateLevel),
    failureRate: reading(failureRate, failureRate === null ? 'good' : levelOf(failureRate, t.failureRate)),
    windowMs: input.windowMs,
    oldestWaitingMs: input.oldestWaitingMs,
    finishedInWindow,
    failedInWindow,
    waitSampleCount: wait.waitSampleCount,
    waitQuantilesMs: wait.waitQuantilesMs,
  };
}

/**
 * Cluster-wide readings: summed lengths and rates, pooled failure rate, and the wait time over
 * every queue's waits. The rate is rated only against the jobs ready to run in queues that are not
 * paused (see queueMetrics).
 */
export function clusterReadings(queues: QueueMetrics[], finished: FinishedSample[], thresholds: Thresholds, windowMs: number, waits: readonly WeightedWait[] = []) {
  const queueLength = queues.reduce((n, q) => n + q.queueLength.value!, 0);
  const backlog = queues.reduce((n, q) => n + (q.paused ? 0 : q.readyCount), 0);
  const { finishedInWindow, failedInWindow, failureRate } = outcomes(finished);
  const rate = (finishedInWindow * 60_000) / windowMs;
  const wait = waitReadings(waits, thresholds);
  const oldest = queues.map((q) => q.oldestWaitingMs).filter((v): v is number => v !== null && v !== undefined);
  return {
    queueLength: reading(queueLength, levelOf(queueLength, thresholds.queueLength)),
    waitTimeP95Ms: wait.p95,
    processingRatePerMin: reading(rate, backlog > 0 ? levelOf(rate, thresholds.processingRatePerMin) : 'good'),
    failureRate: reading(failureRate, failureRate === null ? 'good' : levelOf(failureRate, thresholds.failureRate)),
    backlog,
    oldestWaitingMs: oldest.length > 0 ? Math.max(...oldest) : null,
    finishedInWindow,
    failedInWindow,
    waitSampleCount: wait.waitSampleCount,
    waitQuantilesMs: wait.waitQuantilesMs,
  };
}
