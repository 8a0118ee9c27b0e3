/**
 * The messages between a worker node and the sandboxed child process running a job, next to
 * BullMQ's own sandbox protocol on the same IPC channel (BullMQ ignores commands it does not know).
 *
 * child → parent: `hello` when a job starts (so the parent can reach the child that runs it),
 *                 `log` lines, `resolve` requests for what only the node can read (other jobs' records).
 * parent → child: `control` (stop / pause / resume / force-stop notice), `resolved` replies.
 *
 * Both sides parse what they receive with these schemas: a malformed message is dropped, never
 * acted on.
 */
import { z } from 'zod';

export const CHILD_HELLO = 'sigmatiq:hello';
export const CHILD_RESOLVE = 'sigmatiq:resolve';
export const CHILD_LOG = 'sigmatiq:log';
export const PARENT_CONTROL = 'sigmatiq:control';
export const PARENT_RESOLVED = 'sigmatiq:resolved';

export const ChildHello = z.object({ cmd: z.literal(CHILD_HELLO), jobId: z.string(), pid: z.int() });
export type ChildHello = z.infer<typeof ChildHello>;

/**
 * A log line. Sent on our channel rather than BullMQ's: the node appends a job's lines one after the
 * other (on PostgreSQL, concurrent appends to one job's log collide on its sequence number, and
 * BullMQ's sandbox fails the whole job when an append fails).
 */
export const ChildLog = z.object({ cmd: z.literal(CHILD_LOG), jobId: z.string(), line: z.string() });
export type ChildLog = z.infer<typeof ChildLog>;

/** Questions a child asks its node; `flushLogs` answers once the job's log lines are stored. */
export const RESOLVER_KINDS = ['finishedJobs', 'jobResult', 'sweepChildren', 'flushLogs'] as const;
export const ResolverKind = z.enum(RESOLVER_KINDS);
export type ResolverKind = z.infer<typeof ResolverKind>;

export const ChildResolve = z.object({
  cmd: z.literal(CHILD_RESOLVE),
  requestId: z.string(),
  jobId: z.string(),
  kind: ResolverKind,
  args: z.array(z.unknown()),
});
export type ChildResolve = z.infer<typeof ChildResolve>;

/** The control state the child acts on at its next checkpoint (absolute, not a toggle). */
export const ParentControl = z.object({
  cmd: z.literal(PARENT_CONTROL),
  jobId: z.string(),
  stop: z.boolean(),
  pause: z.boolean(),
  reason: z.string().optional(),
});
export type ParentControl = z.infer<typeof ParentControl>;

export const ParentResolved = z.object({
  cmd: z.literal(PARENT_RESOLVED),
  requestId: z.string(),
  ok: z.boolean(),
  value: z.unknown().optional(),
  error: z.string().optional(),
});
export type ParentResolved = z.infer<typeof ParentResolved>;

/** Environment the node gives its children (fork options). */
export const CHILD_ENV = {
  dataDir: 'SIGMATIQ_JOB_DATA_DIR',
  outputsDir: 'SIGMATIQ_JOB_OUTPUTS_DIR',
  maxMatrixBytes: 'SIGMATIQ_MAX_MATRIX_BYTES',
  progressIntervalMs: 'SIGMATIQ_PROGRESS_INTERVAL_MS',
} as const;
