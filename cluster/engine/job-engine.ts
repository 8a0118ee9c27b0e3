/**
 * The JobEngine: what the cluster API (cluster/api) asks of the engine (cluster/engine), on any
 * datastore. The API never touches BullMQ or the datastore directly; the engine never knows HTTP.
 * Errors are data: an EngineError carries an API error code, words for the admin and details.
 *
 * Job data conventions inside BullMQ (shared with cluster/workers):
 * - one queue per job type, named by the type (`backtest`, `matrix-build`, …), job name = type;
 * - `job.data` is `JobData` below; `job.opts.priority` is BULLMQ_PRIORITY[priority];
 * - progress (`job.updateProgress`) is a `ProgressReport`; log lines go through `job.log()`.
 */
import type {
  ActionResult,
  AuditRecord,
  BulkActionRequest,
  BulkActionResponse,
  CreateMaintenanceWindowRequest,
  CreateScheduleRequest,
  DatastoreKind,
  ErrorCode,
  JobActionBody,
  JobPage,
  ListJobsQuery,
  MaintenanceWindow,
  Schedule,
  SubmitJobBatchRequest,
  SubmitJobBatchResponse,
  SubmitJobRequest,
} from '../../contract/api.ts';
import type { JobAction, JobType, Priority } from '../../contract/domain.ts';
import type { ClusterEvent, EventId, HistoryPage } from '../../contract/events.ts';
import type { Job, JobDetail, JobProgress, LogPage } from '../../contract/jobs.ts';
import type { QueueLoadQuery, QueueLoadReport } from '../../contract/load.ts';
import type { QueueMetrics, ResourceSample, Summary, WorkerNode } from '../../contract/metrics.ts';
import type { z } from 'zod';
import type { QueueActionBody } from '../../contract/api.ts';

/** What the engine stores in `job.data`. */
export interface JobData {
  user: string;
  priority: Priority;
  /** The config after parsing with the type's schema (defaults filled in). */
  config: Record<string, unknown>;
  timeoutMs?: number;
  dependsOn?: string[];
  /** The requested earliest start (the job may be held longer while it waits for dependsOn). */
  runAt?: string;
  /** The wait predicted when it was queued (wait-forecast.ts), scored once it starts. */
  predictedWaitMs?: number;
  /** Set when an admin asked for a graceful stop / pause; cleared on resume. */
  control?: { stopRequested?: boolean; pauseRequested?: boolean; reason?: string };
}

/** What workers report through `job.updateProgress`: progress plus the process's resource use. */
export interface ProgressReport extends JobProgress {
  at: string;
  cpuPercent?: number;
  rssBytes?: number;
  /** CPU % of one core since the job started, and the process's peak RSS so far. */
  cpuMeanPercent?: number;
  peakRssBytes?: number;
  paused?: boolean;
  /** Names of all steps, in order (for the detail view's step list); optional. */
  steps?: string[];
}

/** What the API passes along with a submit. */
export interface SubmitOptions {
  /** The `Idempotency-Key` header. */
  idempotencyKey?: string;
}

/** Who asks, for audit records and cancel reasons. */
export interface Actor {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  sourceAddress: string;
}

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** A batch of events after a given id, or a reset when that id is older than what is retained. */
export interface EventBatch {
  events: ClusterEvent[];
  /** True when `after` is older than the oldest retained event: the client must resync. */
  reset: boolean;
  /** The id of the newest event returned (or `after` when none). */
  lastId: EventId;
}

export interface JobEngine {
  readonly datastore: DatastoreKind;
  /** Datastore reachability and round-trip latency. */
  health(): Promise<{ reachable: boolean; latencyMs: number | null }>;

  /** One job; with an idempotency key, a repetition within 24 h answers the first job. */
  submit(request: SubmitJobRequest, actor: Actor, options?: SubmitOptions): Promise<Job>;
  /** Up to 1,000 jobs, each validated and answered on its own; idempotent like submit. */
  submitBatch(request: SubmitJobBatchRequest, actor: Actor, options?: SubmitOptions): Promise<SubmitJobBatchResponse>;
  listJobs(query: ListJobsQuery): Promise<JobPage>;
  getJob(id: string): Promise<JobDetail>;
  getLogs(id: string, offset: number, limit: number): Promise<LogPage>;

  summary(): Promise<Summary>;
  queues(): Promise<QueueMetrics[]>;
  queueAction(type: JobType, action: 'pause' | 'resume' | 'set-concurrency', body: z.infer<typeof QueueActionBody>, actor: Actor): Promise<QueueMetrics>;
  /** One queue's load, a what-if for `query.concurrency` and the backlog forecast for the next hour. */
  queueLoad(type: JobType, query: QueueLoadQuery): Promise<QueueLoadReport>;

  jobAction(id: string, action: JobAction, body: JobActionBody, actor: Actor): Promise<ActionResult>;
  bulkAction(request: BulkActionRequest, actor: Actor): Promise<BulkActionResponse>;

  workers(): Promise<WorkerNode[]>;
  resources(since?: string, nodeId?: string): Promise<ResourceSample[]>;

  listSchedules(): Promise<Schedule[]>;
  createSchedule(request: CreateScheduleRequest, actor: Actor): Promise<Schedule>;
  setSchedulePaused(id: string, paused: boolean, actor: Actor): Promise<Schedule>;
  deleteSchedule(id: string, actor: Actor): Promise<void>;
  listMaintenanceWindows(): Promise<MaintenanceWindow[]>;
  createMaintenanceWindow(request: z.infer<typeof CreateMaintenanceWindowRequest>, actor: Actor): Promise<MaintenanceWindow>;
  deleteMaintenanceWindow(id: string, actor: Actor): Promise<void>;

  /** Job records changed after a cursor, oldest first (the desktop cache's sync feed). */
  history(after: string | undefined, limit: number): Promise<HistoryPage>;
  /** Events after `after` (null = from now), in id order; ids come from the datastore. */
  readEvents(after: EventId | null, limit: number): Promise<EventBatch>;
  /** The newest event id (for clients starting live). */
  lastEventId(): Promise<EventId>;
  /** Wake up when new events may be available (cheap; the API then calls readEvents). */
  onEventsAvailable(listener: () => void): () => void;

  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void>;
  listAudit(cursor: string | undefined, limit: number): Promise<{ items: AuditRecord[]; nextCursor: string | null }>;

  close(): Promise<void>;
}
