/**
 * The wait predicted for a job as it is queued: its place in line (ready jobs of its priority or a
 * higher one) behind the workers busy now, at the queue's recent run times (the load model's
 * `waitBehind`). Submit keeps it on the job (`predictedWaitMs`) and the load model scores it once
 * the job has started (QueueLoad.forecastError).
 *
 * Cost per submit: the queue's paused flag and one read of the job index's counts (place in line,
 * busy workers), made together and shared by the submits of the same queue that arrive while they
 * are under way.
 * The run time statistics and the worker nodes change slowly and are read once per
 * STATS_MAX_AGE_MS per engine, not per job. Predicting never fails or delays a submit by more than
 * PREDICT_TIMEOUT_MS: without an answer the job simply carries none.
 */
import { BULLMQ_PRIORITY, JOB_TYPES, PRIORITIES, type JobType, type Priority } from '../../contract/domain.ts';
import type { LineCounts } from '../datastore/shared-store.ts';
import { LOAD_LONG_MS, recentRunTimes, serversOf } from '../load/load-inputs.ts';
import { runStatsOf, waitBehind, type RunStats } from '../load/load-model.ts';
import { type EngineContext, queueSettingKey } from './engine-context.ts';
import { WAITS_FOR_CHILDREN } from './queue-waits.ts';
import { listWorkers } from './worker-nodes.ts';

const STATS_MAX_AGE_MS = 10_000;
const PREDICT_TIMEOUT_MS = 1_000;
/** Finished jobs read for the statistics: the same bound as the queue metrics' read. */
const MAX_FINISHED_READ = 20_000;

interface QueueStats {
  run: RunStats | null;
  servers: number;
}

interface StatsCache {
  /** When the statistics in use were read, and they (null until the first read has answered). */
  at: number;
  stats: Map<JobType, QueueStats> | null;
  /** The read under way, if any. */
  reading: Promise<Map<JobType, QueueStats>> | null;
}

const caches = new WeakMap<EngineContext, StatsCache>();

async function readStats(ctx: EngineContext, now: number): Promise<Map<JobType, QueueStats>> {
  const [finished, workers, settings] = await Promise.all([
    ctx.store.finishedSince(now - LOAD_LONG_MS, MAX_FINISHED_READ),
    listWorkers(ctx.store),
    Promise.all(JOB_TYPES.map((type) => ctx.store.getSetting<{ concurrency: number }>(queueSettingKey(type)))),
  ]);
  return new Map(
    JOB_TYPES.map((type, i) => [type, { run: runStatsOf(recentRunTimes(finished, type, now - LOAD_LONG_MS)), servers: serversOf(type, settings[i]?.concurrency ?? null, workers) }]),
  );
}

/**
 * The statistics: the ones read last while a newer read is under way, so only an engine's first
 * prediction waits for the read of the finished jobs, never a submit after it.
 */
async function statsOf(ctx: EngineContext, now: number): Promise<Map<JobType, QueueStats>> {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = { at: 0, stats: null, reading: null }));
  if (now - cache.at >= STATS_MAX_AGE_MS && !cache.reading) {
    const entry = cache;
    entry.reading = readStats(ctx, now).then(
      (stats) => {
        Object.assign(entry, { at: now, stats, reading: null });
        return stats;
      },
      (error: unknown) => {
        // A failed read is not kept: the next submit tries again.
        entry.reading = null;
        throw error;
      },
    );
    // Answered by the next prediction when this one does not wait for it.
    entry.reading.catch(() => undefined);
  }
  return cache.stats ?? (await cache.reading!);
}

interface Line {
  paused: boolean;
  counts: LineCounts;
}

const lineReads = new WeakMap<EngineContext, Map<JobType, Promise<Line>>>();

/**
 * The queue's line behind a prediction, every priority at once, from the job index (index ranges,
 * whatever the queue holds; BullMQ's counts on PostgreSQL read every job of the queue, finished
 * ones too). Submits arriving while a read is under way share it: a burst of submits costs a read
 * per round trip, not per job, and a job sharing a read started a moment before it came is placed
 * as concurrent submits are anyway.
 */
function lineOf(ctx: EngineContext, type: JobType): Promise<Line> {
  let reads = lineReads.get(ctx);
  if (!reads) lineReads.set(ctx, (reads = new Map()));
  const underWay = reads.get(type);
  if (underWay) return underWay;
  const read = Promise.all([ctx.queue(type).isPaused(), ctx.store.lineCounts(type)])
    .then(([paused, counts]) => ({ paused, counts }))
    .finally(() => reads.delete(type));
  reads.set(type, read);
  return read;
}

/** Jobs ahead of a job of `priority` joining the line: those in line at its priority or a higher one. */
export function aheadOf(counts: LineCounts, priority: Priority): number {
  const rank = BULLMQ_PRIORITY[priority];
  return PRIORITIES.reduce((n, p) => (BULLMQ_PRIORITY[p] <= rank ? n + counts.ready[p] : n), 0);
}

async function predict(ctx: EngineContext, type: JobType, priority: Priority): Promise<number | null> {
  const [stats, { paused, counts }] = await Promise.all([statsOf(ctx, Date.now()), lineOf(ctx, type)]);
  const { run, servers } = stats.get(type)!;
  // Paused or without workers, a job waits for an admin, not for the queue: no prediction to score.
  if (paused || servers === 0 || !run) return null;
  const free = Math.max(0, servers - counts.active);
  return waitBehind(aheadOf(counts, priority), free, servers, run).mean;
}

/** The wait predicted for a job of `priority` entering `type`'s queue now, or null. */
export async function predictWaitMs(ctx: EngineContext, type: JobType, priority: Priority): Promise<number | null> {
  // A sweep's parent waits for its children by design: its wait is not queueing.
  if (WAITS_FOR_CHILDREN.has(type)) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), PREDICT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([predict(ctx, type, priority).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
