/**
 * The cluster's numbers as the API shows them: every queue's metrics (counts, rates, wait times
 * with threshold levels; queue-metrics.ts does the math) and the cluster summary built on them.
 */
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { QueueLoadQuery, QueueLoadReport } from '../../contract/load.ts';
import type { QueueMetrics, Summary } from '../../contract/metrics.ts';
import type { Thresholds } from '../../contract/thresholds.ts';
import type { FinishedSample } from '../datastore/shared-store.ts';
import { LOAD_LONG_MS, loadInputsOf, serversOf } from '../load/load-inputs.ts';
import { backlogForecast, queueLoad, whatIf } from '../load/load-model.ts';
import { type EngineContext, queueSettingKey } from './engine-context.ts';
import { clusterReadings, countsOf, queueMetrics, RECENT_START_MS, waitsOf, type WeightedWait } from './queue-metrics.ts';
import { readyAndActive, runningStarts, waitingSince, WAITS_FOR_CHILDREN } from './queue-waits.ts';
import { listWorkers } from './worker-nodes.ts';

interface QueueSnapshot {
  queues: QueueMetrics[];
  /** What the metrics were computed from, for the cluster's readings. */
  finished: FinishedSample[];
  waits: WeightedWait[];
  thresholds: Thresholds;
}

/** What every queue's numbers read once per refresh: counts, recent finished and running jobs, live nodes. */
async function sharedReads(ctx: EngineContext, now: number) {
  const { settings, store } = ctx;
  // The finished jobs of the last hour (or the metrics window if longer) feed the load model; the
  // metrics themselves count those of the window only.
  const [counts, finishedLong, running, thresholds, workers] = await Promise.all([
    store.counts(now - settings.stuckAfterMs),
    store.finishedSince(now - Math.max(settings.metricsWindowMs, LOAD_LONG_MS), 20_000),
    runningStarts(store, now - settings.stuckAfterMs),
    settings.thresholds(),
    listWorkers(store),
  ]);
  return { counts, finishedLong, running, thresholds, workers };
}

/** One queue's own reads: its control state, ready count and when its waiting jobs became ready. */
async function queueReads(ctx: EngineContext, type: JobType) {
  const queue = ctx.queue(type);
  const [paused, setting, { ready, active }] = await Promise.all([
    queue.isPaused(),
    ctx.store.getSetting<{ concurrency: number }>(queueSettingKey(type)),
    readyAndActive(queue),
  ]);
  // The concurrency an admin set, if any: without one, worker nodes run their own (serversOf).
  const setConcurrency = setting?.concurrency ?? null;
  const concurrency = setConcurrency ?? ctx.settings.defaultConcurrency;
  // A sweep waits for its child backtests by design, from submission until they are done:
  // that is not time in a queue, and the children's own waits already say how long it queued.
  const measured = !WAITS_FOR_CHILDREN.has(type);
  const waiting = measured ? await waitingSince(queue, ctx.store, ready) : { since: [], unread: 0 };
  return { paused, concurrency, setConcurrency, ready, active, measured, waiting };
}

function loadInputsFrom(now: number, type: JobType, shared: Awaited<ReturnType<typeof sharedReads>>, own: Awaited<ReturnType<typeof queueReads>>) {
  return loadInputsOf({
    now,
    type,
    paused: own.paused,
    concurrency: own.concurrency,
    servers: serversOf(type, own.setConcurrency, shared.workers),
    // Busy workers from the same read as the ready jobs: idle workers take ready jobs at once.
    running: own.active,
    ready: own.ready,
    finished: shared.finishedLong,
    runningRows: shared.running,
    waitingSince: own.waiting.since,
    waitingUnread: own.waiting.unread,
  });
}

async function queueSnapshot(ctx: EngineContext): Promise<QueueSnapshot> {
  const { settings } = ctx;
  const now = Date.now();
  const shared = await sharedReads(ctx, now);
  const { thresholds, running } = shared;
  const finished = shared.finishedLong.filter((s) => s.finishedAt >= now - settings.metricsWindowMs);
  const waits: WeightedWait[] = [];
  const queues = await Promise.all(
    JOB_TYPES.map(async (type) => {
      const own = await queueReads(ctx, type);
      const { paused, ready, measured, waiting } = own;
      // What runs at once: the concurrency an admin set, or without one what the live nodes serving
      // the queue run (`serve --workers N`), so the screen shows the number the load model uses.
      const servers = serversOf(type, own.setConcurrency, shared.workers);
      const concurrency = own.setConcurrency ?? (servers > 0 ? servers : own.concurrency);
      const started = measured ? [...finished, ...running].filter((s) => s.type === type) : [];
      const mine = waitsOf({ now, waitingSince: waiting.since, waitingUnread: waiting.unread, started, recentMs: Math.min(RECENT_START_MS, settings.metricsWindowMs) });
      waits.push(...mine.waits);
      const typeCounts = countsOf(shared.counts.find((c) => c.type === type));
      const load = queueLoad(loadInputsFrom(now, type, shared, own));
      const metrics = queueMetrics({
        type,
        paused,
        concurrency,
        counts: typeCounts,
        ready,
        finished,
        waits: mine.waits,
        oldestWaitingMs: mine.oldestWaitingMs,
        windowMs: settings.metricsWindowMs,
        thresholds,
      });
      return { ...metrics, load };
    }),
  );
  return { queues, finished, waits, thresholds };
}

/**
 * One queue's load with its wait target, what another concurrency would do (capped at none while
 * no worker node is alive: no concurrency starts a job then) and the backlog over the next hour.
 */
export async function queueLoadReport(ctx: EngineContext, type: JobType, query: QueueLoadQuery): Promise<QueueLoadReport> {
  const now = Date.now();
  const [shared, own] = await Promise.all([sharedReads(ctx, now), queueReads(ctx, type)]);
  const inputs = { ...loadInputsFrom(now, type, shared, own), ...(query.targetMs === undefined ? {} : { waitTargetMs: query.targetMs }) };
  return {
    load: queueLoad(inputs),
    whatIf: query.concurrency === undefined ? null : whatIf(inputs, query.concurrency, inputs.servers > 0 ? Number.POSITIVE_INFINITY : 0),
    forecast: backlogForecast(inputs),
  };
}

export async function listQueueMetrics(ctx: EngineContext): Promise<QueueMetrics[]> {
  return (await queueSnapshot(ctx)).queues;
}

export async function clusterSummary(ctx: EngineContext): Promise<Summary> {
  const { settings } = ctx;
  // One read of the finished jobs feeds both the queue metrics and the cluster readings.
  const { queues, finished, waits, thresholds } = await queueSnapshot(ctx);
  const counts = countsOf(undefined);
  for (const q of queues) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += q.counts[k];
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const ended = counts.completed + counts.failed;
  return {
    at: new Date().toISOString(),
    total,
    counts,
    successRate: ended === 0 ? null : counts.completed / ended,
    queues,
    ...clusterReadings(queues, finished, thresholds, settings.metricsWindowMs, waits),
  };
}
