/**
 * Every route of the cluster API v1, once: the cluster serves exactly these (a handler per route,
 * cluster/api/routes/*), the OpenAPI document is generated from them and the desktop calls them
 * with `ClusterHttp.call(API_ROUTES.x, …)`. To add a route: declare it here (or in an area file
 * spread into API_ROUTES), then attach its handler with `handle(route, …)` on the cluster.
 */
import { z } from 'zod';
import {
  ActionResult,
  AuditPage,
  BulkActionRequest,
  BulkActionResponse,
  ClusterInfo,
  CreateMaintenanceWindowRequest,
  CreateScheduleRequest,
  Health,
  HistoryQuery,
  JobActionBody,
  JobPage,
  ListJobsQuery,
  LogsQuery,
  MaintenanceWindow,
  MAX_BATCH_JOBS,
  QueueAction,
  QueueActionBody,
  ResourcesQuery,
  Schedule,
  SequenceCursor,
  SubmitJobBatchRequest,
  SubmitJobBatchResponse,
  SubmitJobRequest,
} from './api.ts';
import { defineApiRoute, type AnyApiRoute } from './api-route.ts';
import { ALERT_ROUTES } from './alert-routes.ts';
import { JobAction, JobType } from './domain.ts';
import { ClusterEvent, EventId, HistoryPage } from './events.ts';
import { Job, JobDetail, JobFileName, JobId, LogPage } from './jobs.ts';
import { QueueLoadQuery, QueueLoadReport } from './load.ts';
import { QueueMetrics, ResourceSample, Summary, WorkerNode } from './metrics.ts';

// ---------------------------------------------------------------- parameter schemas

/** A query with no parameters: unknown ones are rejected like unknown body fields. */
export const NoQuery = z.strictObject({});

export const JobIdParams = z.strictObject({ id: JobId });
export const JobActionParams = z.strictObject({ id: JobId, action: JobAction });
export const JobFileParams = z.strictObject({ id: JobId, name: JobFileName });
export const QueueActionParams = z.strictObject({ type: JobType, action: QueueAction });
export const QueueTypeParams = z.strictObject({ type: JobType });

/** Ids of schedules and maintenance windows (opaque, printable). */
export const RecordId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'an id: letters, digits and . _ : - only');
export const RecordIdParams = z.strictObject({ id: RecordId });
export const ScheduleActionParams = z.strictObject({ id: RecordId, action: z.enum(['pause', 'resume']) });

/** `?lastEventId=` for clients that cannot set headers; the header wins when both are given. */
export const EventsQuery = z.strictObject({ lastEventId: EventId.optional() });

/** `GET /api/v1/audit` query: opaque cursor and a page size clamped to 500. */
export const AuditQuery = z.strictObject({
  cursor: SequenceCursor.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 500))
    .default(100),
});

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// ---------------------------------------------------------------- cluster

export const CLUSTER_ROUTES = {
  health: defineApiRoute({
    method: 'GET',
    path: '/healthz',
    access: 'none',
    tag: 'cluster',
    summary: 'Liveness and datastore reachability (503 when the datastore cannot be reached)',
    query: NoQuery,
    response: Health,
    noRateLimit: true,
  }),
  clusterInfo: defineApiRoute({
    method: 'GET',
    path: '/api/v1/cluster',
    access: 'viewer',
    tag: 'cluster',
    summary: 'Cluster name, version, datastore kind, server time, capabilities and the caller’s role',
    query: NoQuery,
    response: ClusterInfo,
  }),
  summary: defineApiRoute({
    method: 'GET',
    path: '/api/v1/summary',
    access: 'viewer',
    tag: 'cluster',
    summary: 'Totals per state, success rate and queue metrics with threshold levels',
    query: NoQuery,
    response: Summary,
  }),
  metrics: defineApiRoute({
    method: 'GET',
    path: '/metrics',
    access: 'viewer',
    tag: 'cluster',
    summary: 'Prometheus text: job counts per state/type, queue lengths, wait times, processing and failure rates',
    query: NoQuery,
    response: z.string(),
    format: 'text',
    responseContentType: PROMETHEUS_CONTENT_TYPE,
  }),
  openApi: defineApiRoute({
    method: 'GET',
    path: '/api/v1/openapi.json',
    access: 'none',
    tag: 'cluster',
    summary: 'This OpenAPI 3.1 document, generated from the route table and the contract’s zod schemas',
    query: NoQuery,
    response: z.record(z.string(), z.unknown()),
  }),
};

// ---------------------------------------------------------------- jobs

export const JOB_ROUTES = {
  listJobs: defineApiRoute({
    method: 'GET',
    path: '/api/v1/jobs',
    access: 'viewer',
    tag: 'jobs',
    summary: 'Keyset-paginated job list; filter by state, type, user, priority, text; sort=position lists pending jobs in run order',
    query: ListJobsQuery,
    response: JobPage,
  }),
  submitJob: defineApiRoute({
    method: 'POST',
    path: '/api/v1/jobs',
    access: 'operator',
    tag: 'jobs',
    summary:
      'Submit a job; its config is validated by the type’s schema (400 with field errors, nothing enqueued). ' +
      'Idempotency-Key header: a repetition within 24 h answers the first job',
    query: NoQuery,
    body: SubmitJobRequest,
    response: Job,
    status: 201,
  }),
  bulkAction: defineApiRoute({
    method: 'POST',
    path: '/api/v1/jobs/bulk',
    access: 'operator',
    tag: 'jobs',
    summary: 'An action on many jobs (ids or a filter), run in chunks; a dry run only counts',
    query: NoQuery,
    body: BulkActionRequest,
    response: BulkActionResponse,
  }),
  submitJobBatch: defineApiRoute({
    method: 'POST',
    path: '/api/v1/jobs/batch',
    access: 'operator',
    tag: 'jobs',
    summary:
      `Submit up to ${MAX_BATCH_JOBS} jobs; each is validated and answered in its own result (index, ok, job or error). ` +
      'Idempotency-Key header: a repetition within 24 h answers the first result',
    query: NoQuery,
    body: SubmitJobBatchRequest,
    response: SubmitJobBatchResponse,
  }),
  getJob: defineApiRoute({
    method: 'GET',
    path: '/api/v1/jobs/:id',
    access: 'viewer',
    tag: 'jobs',
    summary: 'Job detail: overview, config, progress steps, logs tail, error, result, resources',
    params: JobIdParams,
    query: NoQuery,
    response: JobDetail,
  }),
  jobLogs: defineApiRoute({
    method: 'GET',
    path: '/api/v1/jobs/:id/logs',
    access: 'viewer',
    tag: 'jobs',
    summary: 'A page of a job’s log lines',
    params: JobIdParams,
    query: LogsQuery,
    response: LogPage,
  }),
  jobAction: defineApiRoute({
    method: 'POST',
    path: '/api/v1/jobs/:id/actions/:action',
    access: 'operator',
    tag: 'jobs',
    summary: 'cancel, stop, force-stop, pause, resume, retry, delete, set-priority, delay (`{"until": <ISO 8601>}` or `{"seconds": N}`: stays pending with its runAt) or run-now one job (409 when the state does not allow it)',
    params: JobActionParams,
    query: NoQuery,
    body: JobActionBody,
    bodyOptional: true,
    response: ActionResult,
  }),
  jobFile: defineApiRoute({
    method: 'GET',
    path: '/api/v1/jobs/:id/files/:name',
    access: 'viewer',
    tag: 'jobs',
    summary: 'Download one of a job’s output files (a name from its result’s outputs); 404 for any other name',
    params: JobFileParams,
    query: NoQuery,
    response: z.string(),
    format: 'file',
    responseContentType: 'application/octet-stream',
  }),
};

// ---------------------------------------------------------------- queues and nodes

export const QUEUE_ROUTES = {
  listQueues: defineApiRoute({
    method: 'GET',
    path: '/api/v1/queues',
    access: 'viewer',
    tag: 'queues',
    summary: 'Every queue: paused, concurrency, counts and metrics with threshold levels',
    query: NoQuery,
    response: z.array(QueueMetrics),
  }),
  queueAction: defineApiRoute({
    method: 'POST',
    path: '/api/v1/queues/:type/actions/:action',
    access: 'admin',
    tag: 'queues',
    summary: 'Pause or resume a queue, or set its concurrency (`{"concurrency": N}`)',
    params: QueueActionParams,
    query: NoQuery,
    body: QueueActionBody,
    bodyOptional: true,
    response: QueueMetrics,
  }),
  queueLoad: defineApiRoute({
    method: 'GET',
    path: '/api/v1/queues/:type/load',
    access: 'viewer',
    tag: 'queues',
    summary:
      'One queue’s load (growth, time to drain, predicted waits, recommended concurrency for `targetMs`), ' +
      'what `?concurrency=N` would do to it, and the backlog forecast for the next hour',
    params: QueueTypeParams,
    query: QueueLoadQuery,
    response: QueueLoadReport,
  }),
  listWorkers: defineApiRoute({
    method: 'GET',
    path: '/api/v1/workers',
    access: 'viewer',
    tag: 'nodes',
    summary: 'Worker nodes: host, pid, queues, concurrency, running jobs, heartbeat, cpu/memory',
    query: NoQuery,
    response: z.array(WorkerNode),
  }),
  resources: defineApiRoute({
    method: 'GET',
    path: '/api/v1/resources',
    access: 'viewer',
    tag: 'nodes',
    summary: 'System samples per node (cpu, memory, disk I/O, network) since an instant',
    query: ResourcesQuery,
    response: z.array(ResourceSample),
  }),
};

// ---------------------------------------------------------------- schedules and maintenance windows

export const SCHEDULE_ROUTES = {
  listSchedules: defineApiRoute({
    method: 'GET',
    path: '/api/v1/schedules',
    access: 'viewer',
    tag: 'schedules',
    summary: 'Cron schedules that submit jobs',
    query: NoQuery,
    response: z.array(Schedule),
  }),
  createSchedule: defineApiRoute({
    method: 'POST',
    path: '/api/v1/schedules',
    access: 'admin',
    tag: 'schedules',
    summary: 'Create a cron schedule',
    query: NoQuery,
    body: CreateScheduleRequest,
    response: Schedule,
    status: 201,
  }),
  scheduleAction: defineApiRoute({
    method: 'POST',
    path: '/api/v1/schedules/:id/actions/:action',
    access: 'admin',
    tag: 'schedules',
    summary: 'Pause or resume a schedule',
    params: ScheduleActionParams,
    query: NoQuery,
    response: Schedule,
  }),
  deleteSchedule: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/schedules/:id',
    access: 'admin',
    tag: 'schedules',
    summary: 'Delete a schedule',
    params: RecordIdParams,
    query: NoQuery,
    status: 204,
  }),
  listMaintenanceWindows: defineApiRoute({
    method: 'GET',
    path: '/api/v1/maintenance-windows',
    access: 'viewer',
    tag: 'schedules',
    summary: 'Maintenance windows (queues paused while active)',
    query: NoQuery,
    response: z.array(MaintenanceWindow),
  }),
  createMaintenanceWindow: defineApiRoute({
    method: 'POST',
    path: '/api/v1/maintenance-windows',
    access: 'admin',
    tag: 'schedules',
    summary: 'Create a maintenance window',
    query: NoQuery,
    body: CreateMaintenanceWindowRequest,
    response: MaintenanceWindow,
    status: 201,
  }),
  deleteMaintenanceWindow: defineApiRoute({
    method: 'DELETE',
    path: '/api/v1/maintenance-windows/:id',
    access: 'admin',
    tag: 'schedules',
    summary: 'Delete a maintenance window',
    params: RecordIdParams,
    query: NoQuery,
    status: 204,
  }),
};

// ---------------------------------------------------------------- sync and audit

export const SYNC_ROUTES = {
  history: defineApiRoute({
    method: 'GET',
    path: '/api/v1/history',
    access: 'viewer',
    tag: 'sync',
    summary: 'Job records changed after a cursor, oldest first, with the event id to replay from',
    query: HistoryQuery,
    response: HistoryPage,
  }),
  events: defineApiRoute({
    method: 'GET',
    path: '/api/v1/events',
    access: 'viewer',
    tag: 'sync',
    summary:
      'Server-sent events (text/event-stream): `id:` is the event id, `data:` a ClusterEvent; resume with the Last-Event-ID header or ?lastEventId=; a `reset` event when that id is no longer retained',
    query: EventsQuery,
    response: ClusterEvent,
    format: 'event-stream',
    responseContentType: 'text/event-stream',
  }),
  audit: defineApiRoute({
    method: 'GET',
    path: '/api/v1/audit',
    access: 'admin',
    tag: 'audit',
    summary: 'Who did what, when, from where, with what result (newest first)',
    query: AuditQuery,
    response: AuditPage,
  }),
};

/** The whole table: every route the cluster serves, by name. Area files are spread in here. */
export const API_ROUTES = {
  ...CLUSTER_ROUTES,
  ...JOB_ROUTES,
  ...QUEUE_ROUTES,
  ...SCHEDULE_ROUTES,
  ...SYNC_ROUTES,
  ...ALERT_ROUTES,
};

export type ApiRouteName = keyof typeof API_ROUTES;

/** Every route, in table order. */
export const ALL_API_ROUTES: readonly AnyApiRoute[] = Object.values(API_ROUTES);
