/**
 * A small in-memory JobEngine for the API's unit tests: enough real behaviour (jobs, states, an
 * event log with limited retention, audit) to test HTTP, auth, validation and SSE without a
 * datastore. The API's integration tests (*.pg.test.ts, *.redis.test.ts) use the real engine.
 */
import type {
  ActionResult,
  AuditRecord,
  BulkActionRequest,
  BulkActionResponse,
  JobActionBody,
  JobPage,
  ListJobsQuery,
  MaintenanceWindow,
  Schedule,
  SubmitJobBatchRequest,
  SubmitJobBatchResponse,
  SubmitJobBatchResult,
  SubmitJobRequest,
} from '../../../contract/api.ts';
import { isActionAllowed, JOB_STATES, JOB_TYPES, type JobAction, type JobType } from '../../../contract/domain.ts';
import type { ClusterEvent, EventId, HistoryPage } from '../../../contract/events.ts';
import type { Job, JobDetail, LogPage } from '../../../contract/jobs.ts';
import { DEFAULT_WAIT_TARGET_MS, type QueueLoadQuery, type QueueLoadReport } from '../../../contract/load.ts';
import type { QueueMetrics, ResourceSample, StateCounts, Summary, WorkerNode } from '../../../contract/metrics.ts';
import { EngineError, type Actor, type EventBatch, type JobEngine } from '../../engine/job-engine.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const good = (value: number | null) => ({ value, level: 'good' as const });

export class MemoryEngine implements JobEngine {
  readonly datastore = 'redis' as const;
  readonly jobs = new Map<string, Job>();
  readonly audit: AuditRecord[] = [];
  events: ClusterEvent[] = [];
  private nextEventId = 1n;
  private nextJobId = 1;
  private readonly listeners = new Set<() => void>();
  /** Make every call fail, to test 5xx/503 paths. */
  failWith: Error | null = null;
  readonly paused = new Set<JobType>();

  constructor(private readonly retainEvents = 1000) {}

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  private emit(partial: DistributiveOmit<ClusterEvent, 'id' | 'at'>): void {
    const event = { ...partial, id: String(this.nextEventId++), at: new Date().toISOString() } as ClusterEvent;
    this.events.push(event);
    if (this.events.length > this.retainEvents) this.events.splice(0, this.events.length - this.retainEvents);
    for (const l of this.listeners) l();
  }

  async health() {
    return { reachable: this.failWith === null, latencyMs: this.failWith ? null : 0.1 };
  }

  async submit(request: SubmitJobRequest, _actor: Actor): Promise<Job> {
    this.check();
    if (Object.keys(request.config).includes('bogus')) {
      throw new EngineError('validation_failed', 'invalid config: bogus: Unrecognized key', [{ path: 'config.bogus', message: 'Unrecognized key' }]);
    }
    const now = new Date().toISOString();
    const job: Job = {
      id: String(this.nextJobId++),
      type: request.type,
      state: 'pending',
      priority: request.priority,
      user: request.user,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      attempts: 0,
      maxAttempts: request.attempts ?? 1,
      progress: null,
      errorMessage: null,
      updatedAt: now,
    };
    this.jobs.set(job.id, job);
    this.emit({ kind: 'job', change: 'added', job });
    return job;
  }

  async submitBatch(request: SubmitJobBatchRequest, actor: Actor): Promise<SubmitJobBatchResponse> {
    this.check();
    const results: SubmitJobBatchResult[] = [];
    for (const [index, input] of request.jobs.entries()) {
      try {
        results.push({ index, ok: true, job: await this.submit(input as SubmitJobRequest, actor) });
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        results.push({ index, ok: false, error: { code: e.code, message: e.message } });
      }
    }
    const submitted = results.filter((r) => r.ok).length;
    return { submitted, failed: results.length - submitted, results };
  }

  async listJobs(query: ListJobsQuery): Promise<JobPage> {
    this.check();
    let items = [...this.jobs.values()];
    if (query.state) items = items.filter((j) => query.state!.includes(j.state));
    if (query.type) items = items.filter((j) => query.type!.includes(j.type));
    const start = query.cursor ? Number(query.cursor) : 0;
    if (query.cursor !== undefined && !/^\d+$/.test(query.cursor)) throw new EngineError('bad_request', `bad cursor '${query.cursor}': pass nextCursor from the previous page`);
    const page = items.slice(start, start + query.limit);
    return { items: page, nextCursor: start + query.limit < items.length ? String(start + query.limit) : null };
  }

  async getJob(id: string): Promise<JobDetail> {
    this.check();
    const job = this.jobs.get(id);
    if (!job) throw new EngineError('not_found', `no job ${id}`);
    return {
      ...job,
      config: {},
      steps: [],
      logsTail: [],
      logCount: 0,
      errorStack: null,
      result: null,
      resources: { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
      children: [],
      dependsOn: [],
    };
  }

  async getLogs(id: string, _offset: number, _limit: number): Promise<LogPage> {
    await this.getJob(id);
    return { items: [], total: 0, nextOffset: null };
  }

  private counts(type?: JobType): StateCounts {
    const c = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StateCounts;
    for (const j of this.jobs.values()) if (!type || j.type === type) c[j.state]++;
    return c;
  }

  private queue(type: JobType): QueueMetrics {
    const counts = this.counts(type);
    return {
      type,
      paused: this.paused.has(type),
      concurrency: 1,
      counts,
      queueLength: good(counts.pending),
      readyCount: counts.pending,
      waitTimeP50Ms: good(null),
      waitTimeP95Ms: good(null),
      processingRatePerMin: good(null),
      failureRate: good(null),
      windowMs: 3_600_000,
    };
  }

  async summary(): Promise<Summary> {
    this.check();
    const counts = this.counts();
    return {
      at: new Date().toISOString(),
      total: this.jobs.size,
      counts,
      successRate: null,
      queues: JOB_TYPES.map((t) => this.queue(t)),
      queueLength: good(counts.pending),
      waitTimeP95Ms: good(null),
      processingRatePerMin: good(null),
      failureRate: good(null),
    };
  }

  async queues(): Promise<QueueMetrics[]> {
    this.check();
    return JOB_TYPES.map((t) => this.queue(t));
  }

  async queueAction(type: JobType, action: 'pause' | 'resume' | 'set-concurrency', _body: { concurrency?: number }, _actor: Actor): Promise<QueueMetrics> {
    if (action === 'pause') this.paused.add(type);
    if (action === 'resume') this.paused.delete(type);
    this.emit({ kind: 'queue', type, paused: this.paused.has(type), concurrency: 1 });
    return this.queue(type);
  }

  /** No run times are kept here: a queue with jobs waiting has too little data to say more. */
  async queueLoad(type: JobType, query: QueueLoadQuery): Promise<QueueLoadReport> {
    this.check();
    const backlog = this.queue(type).counts.pending;
    const status = backlog === 0 ? 'idle' : this.paused.has(type) ? 'growing' : 'insufficient-data';
    const none = { drainSeconds: backlog === 0 ? 0 : null, predictedWaitMs: null, predictedWaitP95Ms: null, utilisation: null };
    return {
      load: {
        status,
        ...none,
        arrivalPerMin: null,
        completionPerMin: null,
        growthPerMin: null,
        growthPerMinHour: null,
        busy: this.queue(type).counts.running,
        concurrency: 1,
        backlog,
        meanRunMs: null,
        runTimeScv: null,
        runSamples: 0,
        recommendedConcurrency: null,
        waitTargetMs: query.targetMs ?? DEFAULT_WAIT_TARGET_MS,
      },
      whatIf: query.concurrency === undefined ? null : { concurrency: query.concurrency, status, ...none },
      forecast: null,
    };
  }

  async jobAction(id: string, action: JobAction, body: JobActionBody, _actor: Actor): Promise<ActionResult> {
    const job = this.jobs.get(id);
    if (!job) throw new EngineError('not_found', `no job ${id}`);
    if (!isActionAllowed(action, job.state)) throw new EngineError('conflict', `cannot ${action} a ${job.state} job`);
    if (action === 'delete') {
      this.jobs.delete(id);
      this.emit({ kind: 'job-removed', jobId: id, type: job.type });
      return { id, outcome: 'ok' };
    }
    const next: Job = {
      ...job,
      state: action === 'cancel' ? 'cancelled' : action === 'retry' ? 'pending' : job.state,
      priority: body.priority ?? job.priority,
      updatedAt: new Date().toISOString(),
    };
    this.jobs.set(id, next);
    this.emit({ kind: 'job', change: action, job: next });
    return { id, outcome: 'ok', job: next };
  }

  async bulkAction(request: BulkActionRequest, actor: Actor): Promise<BulkActionResponse> {
    const ids = request.ids ?? [...this.jobs.values()].filter((j) => !request.filter?.state || request.filter.state.includes(j.state)).map((j) => j.id);
    const results: ActionResult[] = [];
    if (!request.dryRun) {
      for (const id of ids) {
        try {
          results.push(await this.jobAction(id, request.action, { priority: request.priority }, actor));
        } catch (err) {
          results.push({ id, outcome: 'skipped', message: (err as Error).message });
        }
      }
    }
    const n = (o: string) => results.filter((r) => r.outcome === o).length;
    return { action: request.action, dryRun: request.dryRun, matched: ids.length, ok: n('ok'), skipped: n('skipped'), failed: n('failed'), results };
  }

  async workers(): Promise<WorkerNode[]> {
    return [];
  }
  async resources(_since?: string, _nodeId?: string): Promise<ResourceSample[]> {
    return [];
  }
  async listSchedules(): Promise<Schedule[]> {
    return [];
  }
  async createSchedule(): Promise<Schedule> {
    throw new EngineError('conflict', 'schedules are not kept by the memory engine');
  }
  async setSchedulePaused(id: string): Promise<Schedule> {
    throw new EngineError('not_found', `no schedule ${id}`);
  }
  async deleteSchedule(id: string): Promise<void> {
    throw new EngineError('not_found', `no schedule ${id}`);
  }
  async listMaintenanceWindows(): Promise<MaintenanceWindow[]> {
    return [];
  }
  async createMaintenanceWindow(): Promise<MaintenanceWindow> {
    throw new EngineError('conflict', 'maintenance windows are not kept by the memory engine');
  }
  async deleteMaintenanceWindow(id: string): Promise<void> {
    throw new EngineError('not_found', `no maintenance window ${id}`);
  }

  async history(after: string | undefined, limit: number): Promise<HistoryPage> {
    const items = [...this.jobs.values()].filter((j) => !after || j.updatedAt > after).slice(0, limit);
    return { items, removed: [], cursor: items.at(-1)?.updatedAt ?? after ?? '', eventId: await this.lastEventId(), hasMore: false };
  }

  async readEvents(after: EventId | null, limit: number): Promise<EventBatch> {
    this.check();
    const from = after === null ? this.nextEventId - 1n : BigInt(after);
    const oldest = this.events[0] ? BigInt(this.events[0].id) : this.nextEventId;
    if (from < oldest - 1n) return { events: [], reset: true, lastId: String(from) };
    // Like the real engine: an id this cluster never issued (a wiped datastore) means resync.
    if (from > this.nextEventId - 1n) return { events: [], reset: true, lastId: String(this.nextEventId - 1n) };
    const events = this.events.filter((e) => BigInt(e.id) > from).slice(0, limit);
    return { events, reset: false, lastId: events.at(-1)?.id ?? String(from) };
  }

  async lastEventId(): Promise<EventId> {
    return String(this.nextEventId - 1n);
  }

  onEventsAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void> {
    this.audit.push({ ...record, id: String(this.audit.length + 1) });
  }

  async listAudit(cursor: string | undefined, limit: number) {
    const newestFirst = [...this.audit].reverse();
    const start = cursor ? Number(cursor) : 0;
    const items = newestFirst.slice(start, start + limit);
    return { items, nextCursor: start + limit < newestFirst.length ? String(start + limit) : null };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
