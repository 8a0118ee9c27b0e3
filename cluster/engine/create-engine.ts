/**
 * `createEngine({ datastore })`: the JobEngine on BullMQ, the same code on every datastore.
 *
 * Wires one BullMQ Queue and one EventRecorder per job type (BullMQ events → the cluster event
 * log and job index) into the engine's context, and returns the engine (bull-job-engine.ts)
 * behind the outage guard. Nothing runs yet: the caller starts it with `await engine.start()`
 * and closes it with `close()` before closing the datastore.
 */
import type { Queue } from 'bullmq';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import { DEFAULT_STUCK_AFTER_MS, type Thresholds } from '../../contract/thresholds.ts';
import { thresholdCacheFor } from '../alerts/threshold-cache.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { BullEngine, type BullJobEngine } from './bull-job-engine.ts';
import { EngineContext, type EngineSettings } from './engine-context.ts';
import { DEFAULT_RETENTION, EngineUpkeep, type EventRetention } from './engine-upkeep.ts';
import { EventRecorder } from './event-recorder.ts';
import { guardEngine } from './guarded-engine.ts';
import { keepJobSample } from './job-detail.ts';
import { releaseDependentsOf } from './job-submit.ts';

export interface CreateEngineOptions {
  datastore: Datastore;
  /** Cluster name (shown by the API). */
  name?: string;
  stuckAfterMs?: number;
  /** Fixed thresholds instead of the cluster's stored ones (which admins change with PUT /api/v1/thresholds). */
  thresholds?: Thresholds;
  metricsWindowMs?: number;
  defaultConcurrency?: number;
  /** True on a node that runs workers itself: they serve stop/force-stop/pause/resume (running-control.ts). */
  runningJobControl?: boolean;
  /** Milliseconds between reconciliation passes (default 5 s; 0 = only when called). */
  reconcileEveryMs?: number;
  /** Event log retention (count and age); older ids get `reset`. */
  retainEvents?: EventRetention;
  /** Background errors (recorder, housekeeping); default: stderr. */
  onError?: (error: unknown) => void;
}

export function createEngine(options: CreateEngineOptions): BullJobEngine {
  const { datastore } = options;
  const settings: EngineSettings = {
    name: options.name ?? 'sigmatiq',
    stuckAfterMs: options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
    thresholds: thresholdsOf(options),
    metricsWindowMs: options.metricsWindowMs ?? 15 * 60_000,
    defaultConcurrency: options.defaultConcurrency ?? 2,
    runningJobControl: options.runningJobControl ?? false,
  };
  const onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq engine: ${e instanceof Error ? e.message : String(e)}\n`));
  const { Queue } = datastore.bullmq.classes;
  const maxLen = datastore.bullmq.streamMaxLen;
  const queues = new Map<JobType, Queue>();
  for (const type of JOB_TYPES) {
    const queue = new Queue(type, { ...datastore.bullmq.producerOptions(), ...(maxLen ? { streams: { events: { maxLen } } } : {}) }) as Queue;
    queue.on('error', onError);
    queues.set(type, queue);
  }
  const recorders = new Map<JobType, EventRecorder>();
  const ctx = new EngineContext(datastore, queues, recorders, settings);
  for (const type of JOB_TYPES) {
    recorders.set(
      type,
      new EventRecorder({
        datastore,
        queue: queues.get(type)!,
        type,
        stuckAfterMs: settings.stuckAfterMs,
        concurrency: () => ctx.concurrency(type),
        onApplied: (id) => ctx.notifyApplied(id),
        onCompleted: (ids) => releaseDependentsOf(ctx, ids),
        onProgress: (id, report) => keepJobSample(ctx, id, report),
        onError,
        takeSubmitted: (id) => ctx.takeSubmitted(id),
      }),
    );
  }
  const upkeep = new EngineUpkeep(ctx, { retention: options.retainEvents ?? DEFAULT_RETENTION, reconcileEveryMs: options.reconcileEveryMs ?? 5_000, onError });
  return guardEngine(new BullEngine(ctx, upkeep, onError), datastore.availability);
}

function thresholdsOf(options: CreateEngineOptions): () => Promise<Thresholds> {
  const fixed = options.thresholds;
  if (fixed) return async () => fixed;
  const cache = thresholdCacheFor(options.datastore.alerts);
  return () => cache.get();
}
