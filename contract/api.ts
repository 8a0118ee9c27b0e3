/**
 * Request and response shapes of the cluster API v1 (routes and roles: docs/architecture.md, "Cluster API").
 * Both the cluster (to validate) and the desktop (to parse answers) use these.
 */
import { z } from 'zod';
import { JobAction, JobState, JobType, Priority } from './domain.ts';
import { Instant, Job, JobId, UserName } from './jobs.ts';

// ---------------------------------------------------------------- errors

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
  /** 503: the cluster's datastore cannot be reached; retry after `Retry-After` seconds. */
  'datastore_unavailable',
  /** 422: an Idempotency-Key was used before with a different request. */
  'idempotency_key_reused',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A field error: where (`path`, e.g. `config.symbols.0`) and what is wrong. */
export const FieldError = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldError>;

/** Every error answer: `{"error": {"code", "message", "details"?}}` with a 4xx/5xx status. */
export const ApiError = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** Turn zod issues into field errors with dotted paths, for `details` and for forms. */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(root)',
    message: issue.message,
  }));
}

/** One readable sentence for a zod error: "config.symbols.0: a ticker…; user: Required". */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return fieldErrors(error, prefix)
    .map((f) => `${f.path}: ${f.message}`)
    .join('; ');
}

// ---------------------------------------------------------------- auth

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

// ---------------------------------------------------------------- cluster

export const DatastoreKind = z.enum(['embedded', 'postgres', 'redis']);
export type DatastoreKind = z.infer<typeof DatastoreKind>;

export const ClusterInfo = z.object({
  name: z.string(),
  version: z.string(),
  datastore: DatastoreKind,
  serverTime: Instant,
  /** The role of the token used to ask. */
  role: Role,
  /** What this cluster can do, e.g. "running-job-control", "schedules", "maintenance-windows". */
  capabilities: z.array(z.string()),
  stuckAfterMs: z.int().min(1),
});
export type ClusterInfo = z.infer<typeof ClusterInfo>;

export const Health = z.object({
  ok: z.boolean(),
  datastore: z.object({ kind: DatastoreKind, reachable: z.boolean(), latencyMs: z.number().nullable() }),
  version: z.string(),
});
export type Health = z.infer<typeof Health>;

// ---------------------------------------------------------------- jobs

/** `POST /api/v1/jobs`. `config` is validated by the type's schema (job-configs.ts). */
export const SubmitJobRequest = z.strictObject({
  type: JobType,
  user: UserName,
  priority: Priority.default('normal'),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Do not start before this instant. */
  runAt: Instant.optional(),
  /** Job ids that must complete first. */
  dependsOn: z.array(JobId).max(100).optional(),
  /** Give up with "timeout" after this long running. */
  timeoutMs: z.int().min(1000).max(7 * 24 * 3600_000).optional(),
  /** Attempts in all (1 = no automatic retry). */
  attempts: z.int().min(1).max(20).optional(),
});
export type SubmitJobRequest = z.infer<typeof SubmitJobRequest>;

/** Most jobs in one `POST /api/v1/jobs/batch`. */
export const MAX_BATCH_JOBS = 1000;

/**
 * `POST /api/v1/jobs/batch`: up to 1,000 submit requests. Each is validated on its own (as
 * SubmitJobRequest), so one bad job is reported in its result and the others are submitted.
 */
export const SubmitJobBatchRequest = z.strictObject({
  jobs: z.array(z.unknown()).min(1).max(MAX_BATCH_JOBS),
});
export type SubmitJobBatchRequest = z.infer<typeof SubmitJobBatchRequest>;

/** One job's outcome in a batch submit, by its place in `jobs`. */
export const SubmitJobBatchResult = z.discriminatedUnion('ok', [
  z.object({ index: z.int().min(0), ok: z.literal(true), job: Job }),
  z.object({ index: z.int().min(0), ok: z.literal(false), error: ApiError.shape.error }),
]);
export type SubmitJobBatchResult = z.infer<typeof SubmitJobBatchResult>;

export const SubmitJobBatchResponse = z.object({
  submitted: z.int().min(0),
  failed: z.int().min(0),
  results: z.array(SubmitJobBatchResult),
});
export type SubmitJobBatchResponse = z.infer<typeof SubmitJobBatchResponse>;

export const JOB_SORTS = ['created', '-created', 'finished', '-finished', 'position', 'priority'] as const;
export const JobSort = z.enum(JOB_SORTS);
export type JobSort = z.infer<typeof JobSort>;

export const MAX_PAGE_SIZE = 500;

/** A comma-separated list in a query string, e.g. `state=failed,cancelled`. */
function csvOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : v),
    z.array(item).min(1),
  );
}

/** Filter shared by the job list, bulk actions and exports. */
export const JobFilter = z.strictObject({
  state: csvOf(JobState).optional(),
  type: csvOf(JobType).optional(),
  user: csvOf(UserName).optional(),
  priority: csvOf(Priority).optional(),
  /** Text search over id, user, config and error message (case-insensitive substring). */
  q: z.string().max(200).optional(),
  createdAfter: Instant.optional(),
  createdBefore: Instant.optional(),
  finishedBefore: Instant.optional(),
});
export type JobFilter = z.infer<typeof JobFilter>;

/** `GET /api/v1/jobs` query: filter, sort, keyset cursor and page size (clamped to MAX_PAGE_SIZE). */
export const ListJobsQuery = JobFilter.extend({
  sort: JobSort.default('-created'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, MAX_PAGE_SIZE))
    .default(50),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

export const JobPage = z.object({
  items: z.array(Job),
  nextCursor: z.string().nullable(),
});
export type JobPage = z.infer<typeof JobPage>;

export const LogsQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 1000))
    .default(200),
});

/** Actions that may carry a note for the job's owner (`note` in JobActionBody). */
export const NOTE_ACTIONS = ['stop', 'force-stop', 'cancel', 'retry'] as const;

/** The longest a job can be delayed: further out is a schedule, not a delay. */
export const MAX_DELAY_SECONDS = 90 * 24 * 3600;

/** `delay`: when the job may run, as a time or seconds from now (exactly one of them). */
const DelayFields = {
  until: Instant.optional(),
  seconds: z.int('seconds: a whole number of seconds').min(1, 'seconds: at least 1').max(MAX_DELAY_SECONDS, `seconds: at most ${MAX_DELAY_SECONDS} (90 days)`).optional(),
};

/** Body of `POST /api/v1/jobs/:id/actions/<action>`; set-priority needs a priority, delay `until` or `seconds`. */
export const JobActionBody = z.strictObject({
  priority: Priority.optional(),
  ...DelayFields,
  reason: z.string().max(500).optional(),
  /**
   * stop, force-stop, cancel and retry: a note for the job's owner, sent through the cluster's
   * user directory (email, SMS, Slack) once the action succeeded, and audited.
   */
  note: z.string().trim().min(1, 'a note of at least one character, or leave it out').max(1000, 'a note of at most 1000 characters').optional(),
});
export type JobActionBody = z.infer<typeof JobActionBody>;

export const ActionOutcome = z.enum(['ok', 'skipped', 'failed']);
/** What happened to one job in an action. */
export const ActionResult = z.object({
  id: JobId,
  outcome: ActionOutcome,
  /** For skipped/failed: why, in words ("job is running: use stop"). */
  message: z.string().optional(),
  job: Job.optional(),
  /** With a note: what became of it, in words ("note for ana sent by email and Slack", "no way to reach ana: …"). */
  note: z.string().optional(),
});
export type ActionResult = z.infer<typeof ActionResult>;

/** `POST /api/v1/jobs/bulk`: ids or a filter (not both); `dryRun` only counts. */
export const BulkActionRequest = z
  .strictObject({
    action: JobAction,
    ids: z.array(JobId).min(1).max(100_000).optional(),
    filter: JobFilter.optional(),
    priority: Priority.optional(),
    ...DelayFields,
    reason: z.string().max(500).optional(),
    dryRun: z.boolean().default(false),
  })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), {
    message: 'give either ids or filter, not both and not neither',
    path: ['ids'],
  })
  .refine((b) => b.action !== 'set-priority' || b.priority !== undefined, {
    message: 'set-priority needs a priority',
    path: ['priority'],
  })
  .refine((b) => b.action !== 'delay' || (b.until === undefined) !== (b.seconds === undefined), {
    message: 'delay needs either until (an ISO 8601 time) or seconds, not both and not neither',
    path: ['until'],
  });
export type BulkActionRequest = z.infer<typeof BulkActionRequest>;

export const BulkActionResponse = z.object({
  action: JobAction,
  dryRun: z.boolean(),
  /** Jobs matched by the ids or the filter. */
  matched: z.int().min(0),
  ok: z.int().min(0),
  skipped: z.int().min(0),
  failed: z.int().min(0),
  /** Per-job results (omitted for dry runs). */
  results: z.array(ActionResult),
});
export type BulkActionResponse = z.infer<typeof BulkActionResponse>;

// ---------------------------------------------------------------- queues

export const QUEUE_ACTIONS = ['pause', 'resume', 'set-concurrency'] as const;
export const QueueAction = z.enum(QUEUE_ACTIONS);
export const QueueActionBody = z.strictObject({ concurrency: z.int().min(1).max(1000).optional() });

// ---------------------------------------------------------------- schedules & maintenance

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  type: JobType,
  user: UserName,
  priority: Priority,
  config: z.record(z.string(), z.unknown()),
  cron: z.string(),
  timezone: z.string().optional(),
  paused: z.boolean(),
  nextRunAt: Instant.nullable(),
});
export type Schedule = z.infer<typeof Schedule>;

/**
 * Schedules run at most once a minute: a 5-field cron cannot fire more often, and a 6-field one
 * (seconds first) only when its seconds field is one fixed second. `@secondly` is the one alias
 * that fires faster.
 */
export function cronAtMostEveryMinute(cron: string): boolean {
  const text = cron.trim();
  if (text.startsWith('@')) return text.toLowerCase() !== '@secondly';
  const fields = text.split(/\s+/);
  return fields.length < 6 || /^\d{1,2}$/.test(fields[0]!);
}

export const CreateScheduleRequest = z.strictObject({
  name: z.string().min(1).max(100).regex(/^[\w .-]+$/, 'a name: letters, digits, spaces and . _ -'),
  type: JobType,
  user: UserName,
  priority: Priority.default('normal'),
  config: z.record(z.string(), z.unknown()).default({}),
  cron: z
    .string()
    .min(9)
    .max(100)
    .refine(cronAtMostEveryMinute, { message: 'runs more often than once a minute, the shortest interval a schedule may have: use 5 fields (minute hour day month weekday) or a single fixed second' }),
  timezone: z.string().max(64).optional(),
});
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequest>;

export const MaintenanceWindow = z.object({
  id: z.string(),
  name: z.string(),
  queues: z.array(JobType).min(1),
  startsAt: Instant,
  endsAt: Instant,
  /** upcoming, active (queues paused) or over. */
  status: z.enum(['upcoming', 'active', 'over']),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const CreateMaintenanceWindowRequest = z
  .strictObject({
    name: z.string().min(1).max(100),
    queues: z.array(JobType).min(1),
    startsAt: Instant,
    endsAt: Instant,
  })
  .refine((w) => Date.parse(w.startsAt) < Date.parse(w.endsAt), {
    message: 'startsAt must be before endsAt',
    path: ['endsAt'],
  });

// ---------------------------------------------------------------- audit

export const AuditRecord = z.object({
  id: z.string(),
  at: Instant,
  /** Token name (who). */
  actor: z.string(),
  /** The token's role; `none` for a request without a valid token (a failed authentication). */
  role: z.enum(['none', ...ROLES]),
  /** What, e.g. "job.cancel", "queue.pause", "jobs.bulk.retry". */
  action: z.string(),
  /** Target, e.g. a job id, a queue type, "filter:{…}". */
  target: z.string(),
  sourceAddress: z.string(),
  /** HTTP status of the answer and a short outcome. */
  status: z.int(),
  result: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditPage = z.object({ items: z.array(AuditRecord), nextCursor: z.string().nullable() });

export const ResourcesQuery = z.strictObject({ since: Instant.optional(), nodeId: z.string().max(200).optional() });

/**
 * A cursor that is a position in one of the cluster's sequences (history, audit): a decimal
 * integer no larger than 2^53 - 1, so it stays exact as a number and fits every datastore.
 */
export const SequenceCursor = z
  .string()
  .regex(/^\d{1,16}$/, 'a cursor this cluster issued (a decimal number); start again without it')
  .refine((s) => Number.isSafeInteger(Number(s)), 'a cursor this cluster issued (at most 2^53 - 1); start again without it');

export const HistoryQuery = z.strictObject({
  after: SequenceCursor.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .transform((n) => Math.min(n, 2000))
    .default(500),
});

