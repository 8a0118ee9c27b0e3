/**
 * Load model benchmark: what the load model adds to a refresh of the queues' numbers.
 *
 * 1. At 100 queues × 10,000 pending jobs (in memory, the rows shaped as the reads return them: the
 *    oldest 500 ready jobs read per queue, the rest counted; the finished jobs of the last hour up
 *    to the read's 20,000; a few running jobs): the model per refresh (loadInputsOf + queueLoad,
 *    with the forecast score) next to the queue metrics' own math on the same rows (waitsOf +
 *    queueMetrics), the baseline, in the same run.
 * 2. The queue-metrics read itself on embedded PostgreSQL (`engine.queues()`, the six queues, one
 *    with 10,000 pending jobs): what a refresh costs with its datastore reads, model included.
 *
 *   node --import tsx bench/load-model.bench.ts [--queues 100] [--pending 10000] [--refreshes 30] [--no-read]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { BULLMQ_PRIORITY, JOB_TYPES, PRIORITIES } from '../contract/domain.ts';
import { DEFAULT_THRESHOLDS } from '../contract/thresholds.ts';
import { openDatastore } from '../cluster/datastore/open-datastore.ts';
import type { FinishedSample } from '../cluster/datastore/shared-store.ts';
import { createEngine } from '../cluster/engine/create-engine.ts';
import { countsOf, queueMetrics, RECENT_START_MS, waitsOf } from '../cluster/engine/queue-metrics.ts';
import { MAX_WAITING_READ } from '../cluster/engine/queue-waits.ts';
import { loadInputsOf } from '../cluster/load/load-inputs.ts';
import { queueLoad } from '../cluster/load/load-model.ts';
import { SeededRandom } from '../contract/seeded-random.ts';

const { values } = parseArgs({
  options: {
    queues: { type: 'string', default: '100' },
    pending: { type: 'string', default: '10000' },
    refreshes: { type: 'string', default: '30' },
    'no-read': { type: 'boolean', default: false },
  },
});
const QUEUES = Number(values.queues);
const PENDING = Number(values.pending);
const REFRESHES = Number(values.refreshes);
const HOUR = 3_600_000;
const WINDOW_MS = 15 * 60_000;
const FINISHED_READ = 20_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

// ---------------------------------------------------------------- 1. the math at 100 × 10,000
{
  const rng = new SeededRandom(14);
  const now = Date.now();
  const finished: FinishedSample[] = Array.from({ length: FINISHED_READ }, () => {
    const createdAt = now - rng.next() * HOUR;
    const startedAt = createdAt + rng.next() * 120_000;
    return {
      type: JOB_TYPES[Math.floor(rng.next() * JOB_TYPES.length)]!,
      base: rng.next() < 0.9 ? 'completed' : 'failed',
      createdAt,
      startedAt,
      finishedAt: Math.min(now, startedAt + rng.next() * 60_000),
      runAt: null,
      predictedWaitMs: rng.next() * 120_000,
    };
  });
  const queues = Array.from({ length: QUEUES }, (_, i) => {
    const type = JOB_TYPES[i % JOB_TYPES.length]!;
    const read = Math.min(PENDING, MAX_WAITING_READ);
    return {
      type,
      waitingSince: Array.from({ length: read }, (_, k) => now - HOUR + k * 1000),
      waitingUnread: PENDING - read,
      running: Array.from({ length: 4 }, () => ({ type, createdAt: now - 90_000, startedAt: now - 30_000, runAt: null, predictedWaitMs: 45_000 })),
    };
  });
  const counts = countsOf({ type: 'backtest', pending: PENDING, running: 4, paused: 0, stuck: 0, completed: 3000, failed: 300, cancelled: 0 });
  const metricsRefresh = () => {
    for (const q of queues) {
      const started = [...finished, ...q.running].filter((s) => s.type === q.type);
      const w = waitsOf({ now, waitingSince: q.waitingSince, waitingUnread: q.waitingUnread, started, recentMs: RECENT_START_MS });
      queueMetrics({ type: q.type, paused: false, concurrency: 4, counts, ready: PENDING, finished, waits: w.waits, oldestWaitingMs: w.oldestWaitingMs, windowMs: WINDOW_MS, thresholds: DEFAULT_THRESHOLDS });
    }
  };
  const modelRefresh = () => {
    for (const q of queues) {
      queueLoad(loadInputsOf({ now, type: q.type, paused: false, concurrency: 4, servers: 4, running: 4, ready: PENDING, finished, runningRows: q.running, waitingSince: q.waitingSince, waitingUnread: q.waitingUnread }));
    }
  };
  // Warm up both (JIT), then alternate so machine load falls on both alike.
  for (let i = 0; i < 3; i++) {
    metricsRefresh();
    modelRefresh();
  }
  const metricsMs: number[] = [];
  const modelMs: number[] = [];
  for (let i = 0; i < REFRESHES; i++) {
    let t = performance.now();
    metricsRefresh();
    metricsMs.push(performance.now() - t);
    t = performance.now();
    modelRefresh();
    modelMs.push(performance.now() - t);
  }
  console.log(`${QUEUES} queues × ${PENDING.toLocaleString('en-US')} pending, ${FINISHED_READ.toLocaleString('en-US')} finished in the last hour; median of ${REFRESHES} refreshes`);
  console.log(`  baseline: queue metrics' math (waitsOf + queueMetrics): ${ms(median(metricsMs))} per refresh`);
  console.log(`  load model (loadInputsOf + queueLoad, with the forecast score): ${ms(median(modelMs))} per refresh  (${(median(modelMs) / median(metricsMs)).toFixed(2)}× the baseline)`);
}

// ---------------------------------------------------------------- 2. the read on embedded PostgreSQL
if (!values['no-read']) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bench-load-'));
  const datastore = await openDatastore(`embedded:${dir}`);
  const engine = createEngine({ datastore, onError: () => undefined });
  await engine.start();
  try {
    const { Queue: BoundQueue } = datastore.bullmq.classes;
    const queue = new BoundQueue('backtest', datastore.bullmq.options()) as Queue;
    const t0 = performance.now();
    for (let i = 0; i < PENDING; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, PENDING - i) }, (_, k) => {
          const priority = PRIORITIES[(i + k) % PRIORITIES.length]!;
          return { name: 'backtest', data: { user: 'bench', priority, config: {} }, opts: { priority: BULLMQ_PRIORITY[priority] } };
        }),
      );
    }
    // The recorders index them from BullMQ's events, as for any job added by another tool.
    for (;;) {
      const pending = (await engine.queues()).find((q) => q.type === 'backtest')!.counts.pending;
      if (pending >= PENDING) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`embedded PostgreSQL: ${PENDING.toLocaleString('en-US')} pending jobs added and indexed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await queue.close();
    const readMs: number[] = [];
    for (let i = 0; i < 3; i++) await engine.queues();
    for (let i = 0; i < Math.min(REFRESHES, 15); i++) {
      const t = performance.now();
      await engine.queues();
      readMs.push(performance.now() - t);
    }
    console.log(`  the queue-metrics read (engine.queues(): 6 queues, one with ${PENDING.toLocaleString('en-US')} pending, model included): ${ms(median(readMs))} per refresh`);
  } finally {
    await engine.close();
    await datastore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
