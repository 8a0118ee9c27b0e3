/**
 * The cluster's numbers as the API shows them: every queue's metrics (counts, rates, wait times
 * with threshold levels; queue-metrics.ts does the math) and the cluster summary built on them.
 */
import { JOB_TYPES } from '../../contract/domain.ts';
import type { QueueMetrics, Summary } from '../../contract/metrics.ts';
import type { Thresholds } from '../../contract/thresholds.ts';
import type { FinishedSample } from '../datastore/shared-store.ts';
import { LOAD_LONG_MS, loadInputsOf } from '../load/load-inputs.ts';
import { queueLoad } from '../load/load-model.ts';
import type { EngineContext } from './engine-context.ts';
import { clusterReadings, countsOf, queueMetrics, RECENT_START_MS, waitsOf, type WeightedWait } from './queue-metrics.ts';
import { readyCount, runningStarts, waitingSince, WAITS_FOR_CHILDREN } from './queue-waits.ts';
import { listWorkers } from './worker-nodes.ts';

interface QueueSnapshot {
  queues: QueueMetrics[];
  /** What the metrics were computed from, for the cluster's readings. */
  finished: FinishedSample[];
  waits: WeightedWait[];
  thresholds: Thresholds;
}

async function queueSnapshot(ctx: EngineContext): Promise<QueueSnapshot> {
  const { settings, store } = ctx;
  const now = Date.now();
  // The finished jobs of the last hour (or the metrics window if longer) feed the load model; the
  // metrics themselves count those of the window only.
  const [counts, finishedLong, running, thresholds, workers] = await Promise.all([
    store.counts(now - settings.stuckAfterMs),
    store.finishedSince(now - Math.max(settings.metricsWindowMs, LOAD_LONG_MS), 20_000),
    runningStarts(store, now - settings.stuckAfterMs),
    settings.thresholds(),
    listWorkers(store),
  ]);
  const finished = finishedLong.filter((s) => s.finishedAt >= now - settings.metricsWindowMs);
  const liveWorkers = workers.some((w) => w.status === 'online');
  const waits: WeightedWait[] = [];
  const queues = await Promise.all(
    JOB_TYPES.map(async (type) => {
      const queue = ctx.queue(type);
      const [paused, concurrency, ready] = await Promise.all([queue.isPaused(), ctx.concurrency(type), readyCount(queue)]);
      // A sweep waits for its child backtests by design, from submission until they are done:
      // that is not time in a queue, and the children's own waits already say how long it queued.
      const measured = !WAITS_FOR_CHILDREN.has(type);
      const waiting = measured ? await waitingSince(queue, store, ready) : { since: [], unread: 0 };
      const started = measured ? [...finished, ...running].filter((s) => s.type === type) : [];
      const mine = waitsOf({ now, waitingSince: waiting.since, waitingUnread: waiting.unread, started, recentMs: Math.min(RECENT_START_MS, settings.metricsWindowMs) });
      waits.push(...mine.waits);
      const typeCounts = countsOf(counts.find((c) => c.type === type));
      const load = queueLoad(
        loadInputsOf({ now, type, paused, concurrency, liveWorkers, running: typeCounts.running, ready, finished: finishedLong, runningRows: running, waitingSince: waiting.since, waitingUnread: waiting.unread }),
      );
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
