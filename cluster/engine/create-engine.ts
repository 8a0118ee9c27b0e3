/**
 * `createEngine({ datastore })`: the JobEngine on BullMQ, the same code on every datastore.
 *
 * It opens one BullMQ Queue per job type and one EventRecorder per queue (BullMQ events → the
 * cluster event log and job index), and serves the API's questions from the job index. Close it
 * before closing the datastore.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { AuditRecord, BulkActionRequest, JobActionBody, ListJobsQuery, SubmitJobBatchRequest, SubmitJobRequest } from '../../contract/api.ts';
import type { z as _z } from 'zod';
import { QueueActionBody } from '../../contract/api.ts';
import { JOB_TYPES, type JobAction, type JobType } from '../../contract/domain.ts';
import { EventId, type HistoryPage } from '../../contract/events.ts';
import type { QueueMetrics, Summary } from '../../contract/metrics.ts';
import { DEFAULT_STUCK_AFTER_MS, DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { FinishedSample } from '../datastore/shared-store.ts';
import { bulkAction } from './bulk-actions.ts';
import * as records from './cluster-records.ts';
import { EngineContext, type EngineSettings, queueSettingKey } from './engine-context.ts';
import { CUSTOM_EVENTS, EventRecorder } from './event-recorder.ts';
import { jobAction } from './job-actions.ts';
import { jobDetail, jobLogs, jobResourcesKey, MAX_JOB_SAMPLES, type JobSample } from './job-detail.ts';
import { type Actor, EngineError, type EventBatch, type JobEngine, type SubmitOptions } from './job-engine.ts';
import { submitBatch } from './job-batch-submit.ts';
import { listJobs } from './job-list.ts';
import { refreshTypicalDurations } from './typical-durations.ts';
import { newReconcileState, reconcilePass, type ReconcileResult } from './reconcile.ts';
import { trimStreams, type TrimOptions } from './stream-trim.ts';
import { releaseDependents, submitJob } from './job-submit.ts';
import { guardEngine } from './guarded-engine.ts';
import { clusterReadings, countsOf, queueMetrics, RECENT_START_MS, waitsOf, type WeightedWait } from './queue-metrics.ts';
import { readyCount, runningStarts, waitingSince, WAITS_FOR_CHILDREN } from './queue-waits.ts';

export interface CreateEngineOptions {
  datastore: Datastore;
  /** Cluster name (shown by the API). */
  name?: string;
  stuckAfterMs?: number;
  thresholds?: Thresholds;
  metricsWindowMs?: number;
  defaultConcurrency?: number;
  /** True on a node that runs workers itself: they serve stop/force-stop/pause/resume (running-control.ts). */
  runningJobControl?: boolean;
  /** Milliseconds between reconciliation passes (default 5 s; 0 = only when called). */
  reconcileEveryMs?: number;
  /** Event log retention (count and age); older ids get `reset`. */
  retainEvents?: { maxEvents: number; maxAgeMs: number };
  /** Background errors (recorder, housekeeping); default: stderr. */
  onError?: (error: unknown) => void;
}

/** Reconciliation passes (of 200 rows) per background tick at most. */
const RECONCILE_PASSES_PER_TICK = 5;

/** The JobEngine plus what worker nodes and tests use beyond the API's interface. */
export interface BullJobEngine extends JobEngine {
  readonly settings: EngineSettings;
  /** The BullMQ queue of a job type (shared with this engine; do not close it). */
  queue(type: JobType): Queue;
  /** Announce a job change BullMQ does not announce (e.g. a monitor found it stuck). */
  publishJobChange(type: JobType, jobId: string, change: string): Promise<void>;
  /** Resolves when the local recorders processed everything they received. */
  settle(): Promise<void>;
  /** One housekeeping pass (trim events, tombstones, samples); runs every minute on its own. */
  housekeeping(): Promise<void>;
  /**
   * One bounded reconciliation pass (index vs BullMQ; see reconcile.ts); runs every few seconds on
   * its own. `confirmed: false` corrects disagreements at first sight.
   */
  reconcile(options?: { limit?: number; confirmed?: boolean }): Promise<ReconcileResult>;
  /**
   * Trims BullMQ's event streams a bounded step at a time where BullMQ would do it in one big
   * delete (see stream-trim.ts); runs after each reconciliation pass. Returns the events dropped.
   */
  trimStreams(options?: TrimOptions): Promise<number>;
}

export const DEFAULT_RETENTION = { maxEvents: 200_000, maxAgeMs: 7 * 24 * 3600_000 };

export async function createEngine(options: CreateEngineOptions): Promise<BullJobEngine> {
  const { datastore } = options;
  const settings: EngineSettings = {
    name: options.name ?? 'sigmatiq',
    stuckAfterMs: options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    metricsWindowMs: options.metricsWindowMs ?? 15 * 60_000,
    defaultConcurrency: options.defaultConcurrency ?? 2,
    runningJobControl: options.runningJobControl ?? false,
  };
  const onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq engine: ${e instanceof Error ? e.message : String(e)}\n`));
  const { Queue } = datastore.bullmq.classes;
  const queues = new Map<JobType, Queue>();
  for (const type of JOB_TYPES) {
    const maxLen = datastore.bullmq.streamMaxLen;
    const queue = new Queue(type, { ...datastore.bullmq.producerOptions(), ...(maxLen ? { streams: { events: { maxLen } } } : {}) }) as Queue;
    queue.on('error', onError);
    queues.set(type, queue);
  }
  await Promise.all([...queues.values()].map((q) => q.waitUntilReady()));
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
        onCompleted: (ids) => releaseAll(ctx, ids),
        onProgress: (id, report) => keepJobSample(ctx, id, report),
        onError,
      }),
    );
  }
  await Promise.all([...recorders.values()].map((r) => r.start()));
  const engine = new Engine(ctx, options.retainEvents ?? DEFAULT_RETENTION, onError, options.reconcileEveryMs ?? 5_000);
  // ETAs know past durations from the start; housekeeping keeps them fresh.
  await refreshTypicalDurations(ctx).catch(onError);
  return guardEngine(engine, datastore.availability);
}

/** Releases the jobs waiting for any of these completed jobs (one settings read for the lot). */
async function releaseAll(ctx: EngineContext, completedIds: string[]): Promise<void> {
  const waits = await ctx.store.listSettings<unknown>('dep:');
  if (waits.length === 0) return;
  const awaited = new Set(waits.map((w) => w.key.split(':')[1]));
  for (const id of completedIds) if (awaited.has(id)) await releaseDependents(ctx, id);
}

async function keepJobSample(ctx: EngineContext, jobId: string, report: { at: string; cpuPercent?: number; rssBytes?: number }): Promise<void> {
  if (report.cpuPercent === undefined && report.rssBytes === undefined) return;
  const key = jobResourcesKey(jobId);
  const samples = (await ctx.store.getSetting<JobSample[]>(key)) ?? [];
  samples.push({ at: report.at, cpuPercent: Math.max(0, report.cpuPercent ?? 0), rssBytes: Math.max(0, report.rssBytes ?? 0) });
  await ctx.store.putSetting(key, samples.slice(-MAX_JOB_SAMPLES));
}

class Engine implements BullJobEngine {
  readonly datastore;
  readonly settings: EngineSettings;
  private readonly timer: NodeJS.Timeout;
  private readonly reconcileTimer: NodeJS.Timeout | null;
  private readonly reconcileState = newReconcileState();
  private reconciling: Promise<ReconcileResult> | null = null;
  private trimming: Promise<number> | null = null;
  private backgroundBusy = false;
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly retention: { maxEvents: number; maxAgeMs: number },
    private readonly onError: (e: unknown) => void,
    reconcileEveryMs: number,
  ) {
    this.datastore = ctx.datastore.kind;
    this.settings = ctx.settings;
    this.timer = setInterval(() => void this.housekeeping().catch(onError), 60_000);
    this.timer.unref();
    this.reconcileTimer =
      reconcileEveryMs > 0
        ? setInterval(() => void this.backgroundPass().catch(onError), reconcileEveryMs)
        : null;
    this.reconcileTimer?.unref();
  }

  async reconcile(options: { limit?: number; confirmed?: boolean } = {}): Promise<ReconcileResult> {
    if (this.closed) return { checked: 0, corrected: 0 };
    // One pass at a time (a slow datastore must not stack passes).
    if (this.reconciling) await this.reconciling.catch(() => undefined);
    this.reconciling = reconcilePass(this.ctx, this.reconcileState, options.limit ?? 200, options.confirmed ?? true);
    try {
      return await this.reconciling;
    } finally {
      this.reconciling = null;
    }
  }

  /**
   * Each tick: reconciliation passes of 200 rows each (up to RECONCILE_PASSES_PER_TICK while they
   * come back full, so 100k unfinished jobs are visited in minutes, not the better part of an hour),
   * then a stream-trim step.
   */
  private async backgroundPass(): Promise<void> {
    if (this.backgroundBusy) return; // the last tick is still at it (a slow datastore)
    this.backgroundBusy = true;
    try {
      await this.backgroundSteps();
    } finally {
      this.backgroundBusy = false;
    }
  }

  private async backgroundSteps(): Promise<void> {
    for (let pass = 0; pass < RECONCILE_PASSES_PER_TICK && !this.closed; pass++) {
      if ((await this.reconcile()).checked < 200) break;
    }
    await this.trimStreams();
  }

  async trimStreams(options?: TrimOptions): Promise<number> {
    if (this.closed) return 0;
    // One at a time, like reconciliation: a slow step must not stack behind the next tick.
    if (this.trimming) return this.trimming;
    this.trimming = trimStreams(this.ctx, options);
    try {
      return await this.trimming;
    } finally {
      this.trimming = null;
    }
  }

  queue(type: JobType): Queue {
    return this.ctx.queue(type);
  }

  async health(): Promise<{ reachable: boolean; latencyMs: number | null }> {
    try {
      return { reachable: true, latencyMs: await this.ctx.datastore.ping() };
    } catch {
      return { reachable: false, latencyMs: null };
    }
  }

  async submit(request: SubmitJobRequest, actor: Actor, options?: SubmitOptions) {
    return submitJob(this.ctx, request, actor.name, options);
  }

  submitBatch(request: SubmitJobBatchRequest, actor: Actor, options?: SubmitOptions) {
    return submitBatch(this.ctx, request, actor.name, options);
  }

  listJobs(query: ListJobsQuery) {
    return listJobs(this.ctx, query);
  }

  getJob(id: string) {
    return jobDetail(this.ctx, id);
  }

  getLogs(id: string, offset: number, limit: number) {
    return jobLogs(this.ctx, id, offset, limit);
  }

  async queues(): Promise<QueueMetrics[]> {
    return (await this.queueSnapshot()).queues;
  }

  /** Every queue's metrics, and what they were computed from (for the cluster's readings). */
  private async queueSnapshot(): Promise<{ queues: QueueMetrics[]; finished: FinishedSample[]; waits: WeightedWait[] }> {
    const { settings, store } = this.ctx;
    const now = Date.now();
    const [counts, finished, running] = await Promise.all([
      store.counts(now - settings.stuckAfterMs),
      store.finishedSince(now - settings.metricsWindowMs, 20_000),
      runningStarts(store, now - settings.stuckAfterMs),
    ]);
    const waits: WeightedWait[] = [];
    const queues = await Promise.all(
      JOB_TYPES.map(async (type) => {
        const queue = this.ctx.queue(type);
        const [paused, concurrency, ready] = await Promise.all([queue.isPaused(), this.ctx.concurrency(type), readyCount(queue)]);
        // A sweep waits for its child backtests by design, from submission until they are done:
        // that is not time in a queue, and the children's own waits already say how long it queued.
        const measured = !WAITS_FOR_CHILDREN.has(type);
        const waiting = measured ? await waitingSince(queue, store, ready) : { since: [], unread: 0 };
        const started = measured ? [...finished, ...running].filter((s) => s.type === type) : [];
        const mine = waitsOf({ now, waitingSince: waiting.since, waitingUnread: waiting.unread, started, recentMs: Math.min(RECENT_START_MS, settings.metricsWindowMs) });
        waits.push(...mine.waits);
        return queueMetrics({
          type,
          paused,
          concurrency,
          counts: countsOf(counts.find((c) => c.type === type)),
          ready,
          finished,
          waits: mine.waits,
          oldestWaitingMs: mine.oldestWaitingMs,
          windowMs: settings.metricsWindowMs,
          thresholds: settings.thresholds,
        });
      }),
    );
    return { queues, finished, waits };
  }

  async summary(): Promise<Summary> {
    const { settings } = this.ctx;
    // One read of the finished jobs feeds both the queue metrics and the cluster readings.
    const { queues, finished, waits } = await this.queueSnapshot();
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
      ...clusterReadings(queues, finished, settings.thresholds, settings.metricsWindowMs, waits),
    };
  }

  async queueAction(type: JobType, action: 'pause' | 'resume' | 'set-concurrency', body: _z.infer<typeof QueueActionBody>, _actor: Actor): Promise<QueueMetrics> {
    const queue = this.ctx.queue(type);
    if (action === 'pause' || action === 'resume') {
      if (action === 'pause') await queue.pause();
      else await queue.resume();
      await this.ctx.publish(type, { event: CUSTOM_EVENTS.queueChanged });
    } else {
      const parsed = QueueActionBody.safeParse(body);
      const concurrency = parsed.success ? parsed.data.concurrency : undefined;
      if (concurrency === undefined) {
        throw new EngineError('validation_failed', 'concurrency: set-concurrency needs a concurrency from 1 to 1000', [{ path: 'concurrency', message: 'a whole number from 1 to 1000' }]);
      }
      await this.ctx.store.putSetting(queueSettingKey(type), { concurrency });
      // BullMQ enforces it across every worker node; worker nodes also size their local workers from the setting.
      await queue.setGlobalConcurrency(concurrency);
      await this.ctx.publish(type, { event: CUSTOM_EVENTS.queueChanged, concurrency });
    }
    const all = await this.queues();
    return all.find((q) => q.type === type)!;
  }

  jobAction(id: string, action: JobAction, body: JobActionBody, actor: Actor) {
    return jobAction(this.ctx, id, action, body, actor);
  }

  bulkAction(request: BulkActionRequest, actor: Actor) {
    return bulkAction(this.ctx, request, actor);
  }

  workers() {
    return records.listWorkers(this.ctx);
  }

  resources(since?: string, nodeId?: string) {
    return records.listResources(this.ctx, since, nodeId);
  }

  listSchedules() {
    return records.listSchedules(this.ctx);
  }

  createSchedule(request: Parameters<JobEngine['createSchedule']>[0], _actor: Actor) {
    return records.createSchedule(this.ctx, request);
  }

  setSchedulePaused(id: string, paused: boolean, _actor: Actor) {
    return records.setSchedulePaused(this.ctx, id, paused);
  }

  deleteSchedule(id: string, _actor: Actor) {
    return records.deleteSchedule(this.ctx, id);
  }

  listMaintenanceWindows() {
    return records.listMaintenanceWindows(this.ctx);
  }

  createMaintenanceWindow(request: Parameters<JobEngine['createMaintenanceWindow']>[0], _actor: Actor) {
    return records.createMaintenanceWindow(this.ctx, request);
  }

  deleteMaintenanceWindow(id: string, _actor: Actor) {
    return records.deleteMaintenanceWindow(this.ctx, id);
  }

  async history(after: string | undefined, limit: number): Promise<HistoryPage> {
    if (after !== undefined && !/^\d{1,20}$/.test(after)) {
      throw new EngineError('bad_request', 'after: not a history cursor from this cluster; start again without it');
    }
    const from = after === undefined ? 0 : Number(after);
    // Read the event id first: replaying events after it covers anything that changes meanwhile.
    const eventId = await this.ctx.store.lastEventId();
    const page = await this.ctx.store.history(from, Math.max(1, Math.min(limit, 2000)));
    return {
      items: page.rows.map((r) => this.ctx.present(r)),
      removed: page.removed,
      cursor: String(Math.max(from, page.reached)),
      eventId,
      hasMore: page.hasMore,
    };
  }

  async readEvents(after: string | null, limit: number): Promise<EventBatch> {
    if (after === null) return { events: [], reset: false, lastId: await this.ctx.store.lastEventId() };
    if (!EventId.safeParse(after).success) throw new EngineError('bad_request', `event id '${after}': a decimal number`);
    const read = await this.ctx.store.readEvents(after, Math.max(1, Math.min(limit, 1000)));
    const a = BigInt(after);
    const last = BigInt(read.lastId);
    const oldest = read.oldestId === '0' ? last + 1n : BigInt(read.oldestId);
    // An id from the future (wiped datastore) or one older than what we keep: the client must resync.
    if (a > last || a + 1n < oldest) return { events: [], reset: true, lastId: read.lastId };
    const events = read.events.map((e) => e.event);
    return { events, reset: false, lastId: events.at(-1)?.id ?? after };
  }

  lastEventId(): Promise<string> {
    return this.ctx.store.lastEventId();
  }

  onEventsAvailable(listener: () => void): () => void {
    return this.ctx.store.subscribe(listener);
  }

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.ctx.store.appendAudit(record);
  }

  async listAudit(cursor: string | undefined, limit: number): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    if (cursor !== undefined && !/^\d{1,20}$/.test(cursor)) throw new EngineError('bad_request', 'cursor: not an audit cursor from this cluster; start again without it');
    const n = Math.max(1, Math.min(limit, 500));
    const items = await this.ctx.store.listAudit(cursor, n + 1);
    return { items: items.slice(0, n), nextCursor: items.length > n ? items[n - 1]!.id : null };
  }

  async publishJobChange(type: JobType, jobId: string, change: string): Promise<void> {
    await this.ctx.jobChanged(type, jobId, change);
  }

  async settle(): Promise<void> {
    await Promise.all([...this.ctx.recorders.values()].map((r) => r.idle()));
  }

  async housekeeping(): Promise<void> {
    if (this.closed) return;
    const { store } = this.ctx;
    await store.trimEvents(this.retention);
    const { oldestId } = await store.readEvents(await store.lastEventId(), 1);
    await store.trimTombstones(Number(oldestId));
    await store.trimSamples(Date.now() - 24 * 3600_000);
    await store.trimIdempotencyKeys();
    await refreshTypicalDurations(this.ctx);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.reconciling?.catch(() => undefined);
    await Promise.all([...this.ctx.recorders.values()].map((r) => r.close()));
    await Promise.all([...this.ctx.queues.values()].map((q) => q.close().catch(this.onError)));
  }
}

/** A fresh id for things that need one (audit targets, tests). */
export function newId(): string {
  return randomUUID();
}
