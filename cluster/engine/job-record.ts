/**
 * From a BullMQ job to our records: the state mapping (BullMQ state → our state), the `Job` row
 * every table shows, and the job-index row stored next to it. Pure functions, unit-tested.
 *
 * State mapping:
 * - waiting, prioritized, delayed, waiting-children (and the old `wait`/`paused`) → pending;
 * - active → running, or paused when the last ProgressReport says `paused: true`, or stuck when
 *   the last progress (or the start) is older than stuckAfterMs;
 * - completed → completed;
 * - failed → cancelled when the failure reason starts with CANCELLED_PREFIX (an admin cancelled or
 *   force-stopped it; the rest of the reason is the cancel reason), failed otherwise.
 */
import { JobProgress as JobProgressSchema, UserName, type Job, type JobProgress } from '../../contract/jobs.ts';
import { JOB_TYPES, type JobState, type JobType, type Priority, PRIORITIES, priorityFromBullmq } from '../../contract/domain.ts';
import type { BullJobLike } from '../datastore/bull-jobs.ts';
import type { BaseState, JobRowInput } from '../datastore/shared-store.ts';
import type { JobData, ProgressReport } from './job-engine.ts';

/** A failure reason starting with this marks a cancelled job (throw `new UnrecoverableError('cancelled: …')`). */
export const CANCELLED_PREFIX = 'cancelled:';

export type { BullJobLike } from '../datastore/bull-jobs.ts';

export function baseStateOf(bullState: string, failedReason: string | null | undefined): BaseState | null {
  switch (bullState) {
    case 'waiting':
    case 'wait':
    case 'paused':
    case 'prioritized':
    case 'delayed':
    case 'waiting-children':
      return 'pending';
    case 'active':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return failedReason?.startsWith(CANCELLED_PREFIX) ? 'cancelled' : 'failed';
    default:
      return null;
  }
}

/**
 * In line to run: waiting (a paused queue's too) or prioritized. A pending job delayed to a later
 * time, held for its dependencies (delayed far out) or waiting for its child jobs is not in line.
 */
export function isInLine(bullState: string): boolean {
  return bullState === 'waiting' || bullState === 'wait' || bullState === 'paused' || bullState === 'prioritized';
}

/** Our state for a stored base state, now. */
export function deriveState(
  base: BaseState,
  active: { paused: boolean; progressAt: number | null; startedAt: number | null; createdAt: number },
  now: number,
  stuckAfterMs: number,
): JobState {
  if (base !== 'active') return base;
  if (active.paused) return 'paused';
  const seen = active.progressAt ?? active.startedAt ?? active.createdAt;
  return now - seen > stuckAfterMs ? 'stuck' : 'running';
}

/** The worker's last progress report, when it is one (BullMQ progress may be a bare number). */
export function progressReportOf(progress: unknown): (ProgressReport & { steps?: string[] }) | null {
  if (typeof progress !== 'object' || progress === null) return null;
  const parsed = JobProgressSchema.safeParse(progress);
  if (!parsed.success) return null;
  const p = progress as Partial<ProgressReport> & { steps?: unknown };
  return {
    ...parsed.data,
    at: typeof p.at === 'string' && !Number.isNaN(Date.parse(p.at)) ? p.at : new Date(0).toISOString(),
    cpuPercent: typeof p.cpuPercent === 'number' ? p.cpuPercent : undefined,
    rssBytes: typeof p.rssBytes === 'number' ? p.rssBytes : undefined,
    cpuMeanPercent: typeof p.cpuMeanPercent === 'number' && p.cpuMeanPercent >= 0 ? p.cpuMeanPercent : undefined,
    peakRssBytes: typeof p.peakRssBytes === 'number' && p.peakRssBytes >= 0 ? p.peakRssBytes : undefined,
    paused: p.paused === true,
    steps: Array.isArray(p.steps) && p.steps.every((s) => typeof s === 'string') ? (p.steps as string[]) : undefined,
  };
}

/** Our JobData from whatever is in job.data (jobs added by other tools may lack fields). */
export function jobDataOf(data: unknown): JobData {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Partial<JobData>;
  return {
    user: typeof d.user === 'string' && UserName.safeParse(d.user).success ? d.user : 'system',
    priority: PRIORITIES.includes(d.priority as Priority) ? (d.priority as Priority) : 'normal',
    config: typeof d.config === 'object' && d.config !== null ? d.config : {},
    timeoutMs: d.timeoutMs,
    dependsOn: Array.isArray(d.dependsOn) ? d.dependsOn.filter((x): x is string => typeof x === 'string') : undefined,
    runAt: typeof d.runAt === 'string' && !Number.isNaN(Date.parse(d.runAt)) ? new Date(Date.parse(d.runAt)).toISOString() : undefined,
    predictedWaitMs: typeof d.predictedWaitMs === 'number' && d.predictedWaitMs >= 0 ? d.predictedWaitMs : undefined,
    control: d.control,
  };
}

/** The job id of a flow parent key (`<prefix>:<queue>:<id>` on Redis, `<queue>:<id>` on PostgreSQL). */
export function parentIdOf(parentKey: string | null | undefined): string | null {
  if (!parentKey) return null;
  const parts = parentKey.split(':');
  return parts.at(-1) || null;
}

/** A flow job's dependencies as BullMQ lists them (keys per category). */
export interface FlowDependencies {
  processed?: Record<string, unknown>;
  unprocessed?: string[];
  ignored?: Record<string, unknown>;
  failed?: string[];
}

/**
 * The job ids of a flow job's children: every child (done, not yet run, failed or ignored), or
 * only those not yet run.
 */
export function flowChildIds(deps: FlowDependencies, which: 'all' | 'unprocessed' = 'all'): string[] {
  const keys = which === 'unprocessed' ? (deps.unprocessed ?? []) : [...Object.keys(deps.processed ?? {}), ...(deps.unprocessed ?? []), ...(deps.failed ?? []), ...Object.keys(deps.ignored ?? {})];
  return [...new Set(keys.map(parentIdOf).filter((x): x is string => x !== null))];
}

export function isJobType(name: string): name is JobType {
  return (JOB_TYPES as readonly string[]).includes(name);
}

/** Delays this long are dependency holds, not run times (see job-submit.ts). */
const HOLD_THRESHOLD_MS = 365 * 24 * 3600_000;

const iso = (ms: number | null | undefined): string | null => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : null);

export interface RecordInput {
  job: BullJobLike;
  type: JobType;
  bullState: string;
  now: number;
  stuckAfterMs: number;
}

/**
 * A completed job did all its steps. Its last progress report may have reached the datastore
 * before the final one (a sandboxed child's progress and its completion travel separately), so
 * the record says what is true: every step done, 100 %.
 */
function completedProgress<P extends ProgressReport & { steps?: string[] }>(p: P): P {
  const last = p.stepCount - 1;
  if (p.percent === 100 && p.stepIndex === last) return p;
  return { ...p, percent: 100, stepIndex: last, step: p.steps?.[last] ?? p.step };
}

/** The Job record and the index row of a BullMQ job; null when its state is unknown (gone). */
export function buildJobRow(input: RecordInput): JobRowInput | null {
  const { job, type, now, stuckAfterMs } = input;
  const base = baseStateOf(input.bullState, job.failedReason);
  if (base === null || !job.id) return null;
  const data = jobDataOf(job.data);
  const priority = typeof (job.data as Partial<JobData>)?.priority === 'string' ? data.priority : priorityFromBullmq(job.opts.priority);
  const progress = progressReportOf(job.progress);
  const startedAt = base === 'pending' ? null : (job.processedOn ?? null) || null;
  const finished = base === 'completed' || base === 'failed' || base === 'cancelled';
  const finishedAt = finished ? (job.finishedOn ?? now) : null;
  const progressAt = base === 'active' && progress && progress.at !== new Date(0).toISOString() ? Date.parse(progress.at) : null;
  const paused = base === 'active' && progress?.paused === true;
  const delay = job.delay ?? job.opts.delay ?? 0;
  const error = base === 'failed' || base === 'cancelled' ? failureInWords(job.failedReason ?? null, job.stalledCounter ?? 0) : null;
  const state = deriveState(base, { paused, progressAt, startedAt, createdAt: job.timestamp }, now, stuckAfterMs);
  // A run ended by a lost worker is an attempt too: BullMQ counts it only in stalledCounter.
  const attempts = Math.max(0, job.attemptsMade ?? 0) + Math.max(0, job.stalledCounter ?? 0);
  const record: Job = {
    id: job.id,
    type,
    state,
    priority,
    user: data.user,
    createdAt: iso(job.timestamp) ?? new Date(now).toISOString(),
    startedAt: iso(startedAt),
    finishedAt: iso(finishedAt),
    durationMs: startedAt !== null && finishedAt !== null ? Math.max(0, finishedAt - startedAt) : null,
    attempts,
    maxAttempts: Math.max(1, job.opts.attempts ?? 1),
    progress: progress ? stripReport(base === 'completed' ? completedProgress(progress) : progress) : null,
    eta: state === 'running' ? etaOf(startedAt, progress?.percent, now) : null,
    runAt: base !== 'pending' ? null : data.runAt ? data.runAt : delay > 0 && delay < HOLD_THRESHOLD_MS ? iso(job.timestamp + delay) : null,
    // The wait predicted when it was queued holds for its first run only, and only while it was
    // not given a later start (a delay): after that its wait is no longer the one predicted.
    ...(data.predictedWaitMs !== undefined && data.runAt === undefined && attempts <= 1 ? { predictedWaitMs: data.predictedWaitMs } : {}),
    lastProgressAt: progress && progressAt !== null ? progress.at : null,
    usage: progress?.cpuMeanPercent !== undefined && progress.peakRssBytes !== undefined ? { cpuPercent: progress.cpuMeanPercent, peakRssBytes: progress.peakRssBytes } : null,
    errorMessage: error === null ? null : error.slice(0, 10_000),
    parentId: parentIdOf(job.parentKey),
    // The node running it, and once it ended the node it ran on (BullMQ keeps processedBy on a
    // finished job): "all on node worker-2" is what a failure pattern needs. A job waiting to run
    // (again) has none.
    workerId: base === 'pending' ? null : (job.processedBy ?? null),
    updatedAt: new Date(now).toISOString(),
  };
  return {
    id: job.id,
    type,
    priority,
    user: data.user,
    base,
    paused,
    ready: base === 'pending' && isInLine(input.bullState),
    createdAt: job.timestamp,
    startedAt,
    finishedAt,
    progressAt,
    search: searchText(job.id, data.user, data.config, error),
    record,
    payload: { data: job.data, opts: { priority: job.opts.priority, attempts: job.opts.attempts } },
    detached: false,
  };
}

/** BullMQ's words when a job's worker was lost more often than allowed. */
export const STALLED_LIMIT_REASON = 'job stalled more than allowable limit';

/** A failure reason as the admin reads it: BullMQ's stall limit said in our words. */
export function failureInWords(reason: string | null, stalls: number): string | null {
  if (reason !== STALLED_LIMIT_REASON) return reason;
  const times = stalls === 2 ? 'twice' : stalls > 2 ? `${stalls} times` : 'more often than allowed';
  return (
    `the worker running it was lost ${times} (its process or node died, or it stopped renewing its lock), so the cluster gave up on it ` +
    'rather than risk a job that brings workers down; retry it once the cause is clear (see the worker nodes and their logs)'
  );
}

function stripReport(p: ProgressReport): JobProgress {
  return { percent: p.percent, step: p.step, stepIndex: p.stepIndex, stepCount: p.stepCount, message: p.message };
}

/**
 * Estimated completion of a running job. From its progress rate once that says something (5 %+),
 * from the type's typical duration (past jobs) before; with both, the two are blended, trusting the
 * progress rate more as the job advances. Never earlier than now.
 */
export function etaOf(startedAt: number | null, percent: number | undefined, now: number, typicalMs?: number): string | null {
  if (startedAt === null) return null;
  const elapsed = Math.max(0, now - startedAt);
  const byProgress = percent && percent >= 5 && percent <= 100 ? (elapsed * 100) / percent : undefined;
  const byHistory = typicalMs && typicalMs > 0 ? Math.max(typicalMs, elapsed) : undefined;
  let total: number;
  if (byProgress !== undefined && byHistory !== undefined) {
    const w = Math.min(1, percent! / 100);
    total = w * byProgress + (1 - w) * byHistory;
  } else if (byProgress !== undefined) total = byProgress;
  else if (byHistory !== undefined) total = byHistory;
  else return null;
  return new Date(Math.max(now, startedAt + total)).toISOString();
}

export function searchText(id: string, user: string, config: unknown, error: string | null): string {
  return `${id} ${user} ${JSON.stringify(config ?? {})} ${error ?? ''}`.toLowerCase();
}

/**
 * A row re-stated at read time: derived state (stuck appears with time), ETA, position, and
 * whether the node running it is lost (the job still reads as active until BullMQ takes it back).
 * With `lostNodes` (a read of the worker registry) that is decided now; without, the record keeps
 * what was recorded (the `worker-lost` change the monitor announces), as history and events do.
 */
export function presentRow(
  row: Pick<JobRowInput, 'base' | 'paused' | 'progressAt' | 'startedAt' | 'createdAt' | 'record'>,
  now: number,
  stuckAfterMs: number,
  position?: number,
  typicalMs?: number,
  lostNodes?: ReadonlySet<string>,
): Job {
  const state = deriveState(row.base, row, now, stuckAfterMs);
  const record: Job = { ...row.record, state };
  const recorded = record.workerLost === true;
  delete record.workerLost;
  if (row.base === 'active' && row.record.workerId && (lostNodes ? lostNodes.has(row.record.workerId) : recorded)) record.workerLost = true;
  if (row.base === 'active') record.eta = state === 'running' ? etaOf(row.startedAt, row.record.progress?.percent, now, typicalMs) : null;
  if (position !== undefined && row.base === 'pending') record.position = position;
  else delete record.position;
  return record;
}

/** The record of a job cancelled while pending (removed from BullMQ, kept in our index). */
export function cancelledRow(row: JobRowInput, reason: string, now: number): JobRowInput {
  const message = `${CANCELLED_PREFIX} ${reason}`;
  return {
    ...row,
    base: 'cancelled',
    paused: false,
    ready: false,
    finishedAt: now,
    progressAt: null,
    detached: true,
    search: searchText(row.id, row.user, (row.payload?.data as Partial<JobData> | undefined)?.config, message),
    record: {
      ...row.record,
      state: 'cancelled',
      finishedAt: new Date(now).toISOString(),
      durationMs: null,
      eta: null,
      errorMessage: message,
      position: undefined,
      workerId: null,
      updatedAt: new Date(now).toISOString(),
    },
  };
}

/** The reason part of a cancelled job's failure reason. */
export function cancelReasonOf(errorMessage: string | null): string | null {
  if (!errorMessage?.startsWith(CANCELLED_PREFIX)) return null;
  return errorMessage.slice(CANCELLED_PREFIX.length).trim() || 'cancelled';
}
