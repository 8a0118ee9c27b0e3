/**
 * The JobEngine on BullMQ: the API's calls, each handed to the module that does it, and the
 * engine's lifecycle. Like BullMQ's own classes nothing runs on construction: `start()` waits for
 * the queues, starts the event recorders and the background upkeep; `close()` stops them and
 * closes the queues (before the datastore is closed).
 */
import type { Queue } from 'bullmq';
import type { AuditRecord, BulkActionRequest, CreateMaintenanceWindowRequest, CreateScheduleRequest, JobActionBody, ListJobsQuery, SubmitJobBatchRequest, SubmitJobRequest } from '../../contract/api.ts';
import type { QueueActionBody } from '../../contract/api.ts';
import type { JobAction, JobType } from '../../contract/domain.ts';
import type { QueueLoadQuery } from '../../contract/load.ts';
import type { z } from 'zod';
import { auditPage } from './audit-log.ts';
import { bulkAction } from './bulk-actions.ts';
import { clusterSummary, listQueueMetrics, queueLoadReport } from './cluster-summary.ts';
import type { EngineContext, EngineSettings } from './engine-context.ts';
import type { EngineUpkeep } from './engine-upkeep.ts';
import { historyPage, readEvents } from './event-feed.ts';
import { jobAction } from './job-actions.ts';
import { submitBatch } from './job-batch-submit.ts';
import { jobDetail, jobLogs } from './job-detail.ts';
import type { Actor, JobEngine, SubmitOptions } from './job-engine.ts';
import { listJobs } from './job-list.ts';
import { submitJob } from './job-submit.ts';
import { createMaintenanceWindow, deleteMaintenanceWindow, listMaintenanceWindows } from './maintenance-windows.ts';
import { queueAction, type QueueAction } from './queue-actions.ts';
import type { ReconcileResult } from './reconcile.ts';
import { createSchedule, deleteSchedule, listSchedules, setSchedulePaused } from './schedules.ts';
import type { TrimOptions } from './stream-trim.ts';
import { refreshTypicalDurations } from './typical-durations.ts';
import { listResources, listWorkers } from './worker-nodes.ts';

/** The JobEngine plus what its owner, worker nodes and tests use beyond the API's interface. */
export interface BullJobEngine extends JobEngine {
  readonly settings: EngineSettings;
  /**
   * Waits for the queues, starts the event recorders (index and event log follow BullMQ from
   * here), reads the typical durations, and starts the background upkeep. Once; a closed engine
   * cannot start again.
   */
  start(): Promise<void>;
  /** The BullMQ queue of a job type (shared with this engine; do not close it). */
  queue(type: JobType): Queue;
  /** Announce a job change BullMQ does not announce (e.g. a monitor found it stuck). */
  publishJobChange(type: JobType, jobId: string, change: string): Promise<void>;
  /** Resolves when the local recorders processed everything they received. */
  settle(): Promise<void>;
  /** One housekeeping pass (trim events, tombstones, samples); runs every minute once started. */
  housekeeping(): Promise<void>;
  /**
   * One bounded reconciliation pass (index vs BullMQ; see reconcile.ts); runs every few seconds
   * once started. `confirmed: false` corrects disagreements at first sight.
   */
  reconcile(options?: { limit?: number; confirmed?: boolean }): Promise<ReconcileResult>;
  /**
   * Trims BullMQ's event streams a bounded step at a time where BullMQ would do it in one big
   * delete (see stream-trim.ts); runs after each reconciliation pass. Returns the events dropped.
   */
  trimStreams(options?: TrimOptions): Promise<number>;
}

export class BullEngine implements BullJobEngine {
  readonly datastore;
  readonly settings: EngineSettings;
  private starting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly upkeep: EngineUpkeep,
    private readonly onError: (e: unknown) => void,
  ) {
    this.datastore = ctx.datastore.kind;
    this.settings = ctx.settings;
  }

  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the engine is closed: create a new one'));
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    await Promise.all([...this.ctx.queues.values()].map((q) => q.waitUntilReady()));
    await Promise.all([...this.ctx.recorders.values()].map((r) => r.start()));
    // ETAs know past durations from the start; housekeeping keeps them fresh.
    await refreshTypicalDurations(this.ctx).catch(this.onError);
    if (!this.closing) this.upkeep.start();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.upkeep.close();
    // A start still under way finishes (or fails) before its parts are closed.
    await this.starting?.catch(() => undefined);
    await Promise.all([...this.ctx.recorders.values()].map((r) => r.close()));
    await Promise.all([...this.ctx.queues.values()].map((q) => q.close().catch(this.onError)));
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

  submit(request: SubmitJobRequest, actor: Actor, options?: SubmitOptions) {
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

  queues() {
    return listQueueMetrics(this.ctx);
  }

  summary() {
    return clusterSummary(this.ctx);
  }

  queueAction(type: JobType, action: QueueAction, body: z.infer<typeof QueueActionBody>, _actor: Actor) {
    return queueAction(this.ctx, type, action, body);
  }

  queueLoad(type: JobType, query: QueueLoadQuery) {
    return queueLoadReport(this.ctx, type, query);
  }

  jobAction(id: string, action: JobAction, body: JobActionBody, actor: Actor) {
    return jobAction(this.ctx, id, action, body, actor);
  }

  bulkAction(request: BulkActionRequest, actor: Actor) {
    return bulkAction(this.ctx, request, actor);
  }

  workers() {
    return listWorkers(this.ctx.store);
  }

  resources(since?: string, nodeId?: string) {
    return listResources(this.ctx.store, since, nodeId);
  }

  listSchedules() {
    return listSchedules(this.ctx);
  }

  createSchedule(request: CreateScheduleRequest, _actor: Actor) {
    return createSchedule(this.ctx, request);
  }

  setSchedulePaused(id: string, paused: boolean, _actor: Actor) {
    return setSchedulePaused(this.ctx, id, paused);
  }

  deleteSchedule(id: string, _actor: Actor) {
    return deleteSchedule(this.ctx, id);
  }

  listMaintenanceWindows() {
    return listMaintenanceWindows(this.ctx.store);
  }

  createMaintenanceWindow(request: z.infer<typeof CreateMaintenanceWindowRequest>, _actor: Actor) {
    return createMaintenanceWindow(this.ctx.store, request);
  }

  deleteMaintenanceWindow(id: string, _actor: Actor) {
    return deleteMaintenanceWindow(this.ctx.store, id);
  }

  history(after: string | undefined, limit: number) {
    return historyPage(this.ctx, after, limit);
  }

  readEvents(after: string | null, limit: number) {
    return readEvents(this.ctx, after, limit);
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

  listAudit(cursor: string | undefined, limit: number) {
    return auditPage(this.ctx.store, cursor, limit);
  }

  async publishJobChange(type: JobType, jobId: string, change: string): Promise<void> {
    await this.ctx.jobChanged(type, jobId, change);
  }

  async settle(): Promise<void> {
    await Promise.all([...this.ctx.recorders.values()].map((r) => r.idle()));
  }

  housekeeping() {
    return this.upkeep.housekeeping();
  }

  reconcile(options?: { limit?: number; confirmed?: boolean }) {
    return this.upkeep.reconcile(options);
  }

  trimStreams(options?: TrimOptions) {
    return this.upkeep.trimStreams(options);
  }
}
