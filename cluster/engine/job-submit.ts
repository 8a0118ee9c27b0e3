/**
 * Submitting a job: validate the request and the type's config, add it to its BullMQ queue with
 * its priority (and delay for runAt), record the `added` change at once (so a list right after
 * shows it) under the same dedup key the recorders use.
 *
 * dependsOn: BullMQ flows only attach children to a parent created together with them, so a new
 * job cannot become the parent of existing jobs. Our equivalent: a job with unfinished
 * dependencies is added *held* (delayed far in the future, the wait recorded as `dep:<dep>:<job>`
 * settings); when a recorder sees a dependency complete and all of the job's dependencies are
 * completed, it releases the job (promote, or the remaining delay to its runAt). A job whose
 * dependency failed keeps waiting until that dependency is retried and completes, or an admin
 * cancels it.
 */
import type { Job as BullJob } from 'bullmq';
import { describeZodError, fieldErrors, SubmitJobRequest, type SubmitJobRequest as SubmitJobRequestType } from '../../contract/api.ts';
import { BULLMQ_PRIORITY, type JobType } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS, type SweepConfig } from '../../contract/job-configs.ts';
import type { Job } from '../../contract/jobs.ts';
import type { EngineContext, SubmittedJob } from './engine-context.ts';
import { newJobId } from './engine-context.ts';
import { addedKey } from './event-recorder.ts';
import { buildJobRow } from './job-record.ts';
import { EngineError, type JobData, type SubmitOptions } from './job-engine.ts';
import { claimKey, keepAnswer } from './idempotency.ts';
import { assertReachable, duringOutage, unavailableError } from './outage-guard.ts';
import { addSweepFlow, checkSweepGrid } from './sweep-flow.ts';
import { predictWaitMs } from './wait-forecast.ts';

/** How long a job waiting for its dependencies is held (it is released long before). */
export const HOLD_DELAY_MS = 10 * 365 * 24 * 3600_000;

function dependencyKey(depId: string, jobId: string): string {
  return `dep:${depId}:${jobId}`;
}

/** A submit request after validation, ready to be added. */
export interface PreparedJob {
  request: SubmitJobRequestType;
  data: JobData;
  dependsOn: string[];
  /** Dependencies not completed yet: the job is held until they are. */
  waiting: string[];
  runDelay: number;
}

/** A submit request as sent (a batch's jobs are checked one by one), or a validation_failed error. */
export function parseSubmitRequest(input: unknown): SubmitJobRequestType {
  const parsed = SubmitJobRequest.safeParse(input);
  if (!parsed.success) {
    throw new EngineError('validation_failed', describeZodError(parsed.error), fieldErrors(parsed.error));
  }
  return parsed.data;
}

/** Validates a parsed request's config and dependencies (reads them); changes nothing. */
export async function prepareJob(ctx: EngineContext, request: SubmitJobRequestType): Promise<PreparedJob> {
  const config = JOB_CONFIG_SCHEMAS[request.type].safeParse(request.config);
  if (!config.success) {
    throw new EngineError('validation_failed', describeZodError(config.error, 'config'), fieldErrors(config.error, 'config'));
  }
  const dependsOn = [...new Set(request.dependsOn ?? [])];
  const rows = dependsOn.length > 0 ? await ctx.store.getRows(dependsOn) : new Map();
  const problems = dependsOn.flatMap((id, i) =>
    rows.has(id) ? [] : [{ path: `dependsOn.${i}`, message: `no job '${id}' in this cluster` }],
  );
  if (problems.length > 0) throw new EngineError('validation_failed', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
  const waiting = dependsOn.filter((id) => rows.get(id)!.base !== 'completed');
  if (request.type === 'sweep') checkSweepGrid(config.data as SweepConfig);
  const data: JobData = {
    user: request.user,
    priority: request.priority,
    config: config.data as Record<string, unknown>,
    ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    ...(request.runAt ? { runAt: request.runAt } : {}),
  };
  const runDelay = request.runAt ? Math.max(0, Date.parse(request.runAt) - Date.now()) : 0;
  return { request, data, dependsOn, waiting, runDelay };
}

const NOT_SUBMITTED = 'the job was not submitted';

/**
 * Submits one job. It either fails having created nothing (validation, or the datastore down
 * before the job was added: `datastore_unavailable`) or succeeds: once BullMQ has the job, the
 * answer is the job even if recording it in the index is cut short by an outage (the recorders
 * record it from BullMQ's own event when the datastore is back).
 */
export async function submitJob(ctx: EngineContext, request: SubmitJobRequestType, actor = 'anonymous', options: SubmitOptions = {}): Promise<Job> {
  const availability = ctx.datastore.availability;
  // The request was parsed where it came in (the route's schema): only its config and dependencies are checked here.
  const prepared = await duringOutage(availability, () => prepareJob(ctx, request), NOT_SUBMITTED);
  let id = newJobId(prepared.request.type);
  const claimed = options.idempotencyKey ? await claimKey(ctx, actor, options.idempotencyKey, 'job', request, [id]) : null;
  if (claimed?.entry.response) return claimed.entry.response.body as Job;
  if (claimed) id = claimed.entry.jobIds[0]!;
  const job = await commitJob(ctx, prepared, id, claimed?.earlier ?? false);
  if (claimed) await keepAnswer(ctx, claimed, 201, job);
  return job;
}

/**
 * Adds the job under `id` and answers its record. `reused`: the id may exist already (an earlier
 * attempt of the same idempotent request); an existing job is answered, not added again.
 */
export async function commitJob(ctx: EngineContext, prepared: PreparedJob, id: string, reused: boolean): Promise<Job> {
  const availability = ctx.datastore.availability;
  const { request, data, waiting, runDelay } = prepared;
  const queue = ctx.queue(request.type);
  const existing = reused ? await duringOutage(availability, () => queue.getJob(id), NOT_SUBMITTED) : undefined;
  let job: BullJob;
  let bullState: string;
  let submitted: SubmittedJob | null = null;
  if (existing) {
    job = existing;
    bullState = await duringOutage(availability, () => existing.getState(), NOT_SUBMITTED);
  } else {
    await duringOutage(
      availability,
      async () => {
        for (const dep of waiting) await ctx.store.putSetting(dependencyKey(dep, id), { jobId: id, type: request.type });
      },
      NOT_SUBMITTED,
    );
    // Only a job ready now is predicted: one scheduled or held becomes ready at a time no one knows yet.
    const predicted = waiting.length === 0 && runDelay === 0 && availability.reachable ? await predictWaitMs(ctx, request.type, request.priority) : null;
    const queued: JobData = predicted === null ? data : { ...data, predictedWaitMs: predicted };
    // The commit point: BullMQ's connection for submits runs a command now or fails now.
    assertReachable(availability, NOT_SUBMITTED);
    try {
      // A sweep becomes a flow with its child backtests (sweep-flow.ts); one held for dependencies runs its grid inline.
      job =
        request.type === 'sweep' && waiting.length === 0
          ? await addSweepFlow(ctx, { id, data, attempts: request.attempts ?? 1, delay: runDelay })
          : await queue.add(request.type, queued, {
              jobId: id,
              priority: BULLMQ_PRIORITY[request.priority],
              attempts: request.attempts ?? 1,
              delay: waiting.length > 0 ? HOLD_DELAY_MS : runDelay,
            });
    } catch (error) {
      if (error instanceof EngineError) throw error;
      if (!(await availability.probe()).reachable) throw unavailableError(availability, NOT_SUBMITTED);
      throw error;
    }
    bullState = waiting.length > 0 || runDelay > 0 ? 'delayed' : 'prioritized';
    submitted = ctx.noteSubmitted(id, job.timestamp);
  }
  const row = buildJobRow({ job, type: request.type, bullState, now: Date.now(), stuckAfterMs: ctx.settings.stuckAfterMs })!;
  const local = (): Job => ctx.present({ ...row, createdSeq: 0, queueSeq: 0, changeSeq: 0, src: '', cancelIntent: null });
  try {
    return await duringOutage(availability, async () => {
      const recorded = await ctx.store.recordChange({
        dedupKey: addedKey(request.type, id, job.timestamp),
        src: '',
        at: new Date().toISOString(),
        job: { row, change: 'added' },
      });
      submitted?.settle(true);
      if (waiting.length > 0) await releaseIfReady(ctx, id, request.type); // a dependency may have completed meanwhile
      const stored = recorded.row ?? (await ctx.store.getRow(id));
      if (!stored) return local();
      const [presented] = await ctx.presentAll([stored]);
      return presented!;
    });
  } catch (error) {
    // The job exists: answer it as built here rather than report a failure it did not have.
    if (error instanceof EngineError && error.code === 'datastore_unavailable') return local();
    throw error;
  } finally {
    submitted?.settle(false);
  }
}

/** Jobs completed: release the jobs waiting for any of them (one settings read for the lot). */
export async function releaseDependentsOf(ctx: EngineContext, completedIds: string[]): Promise<void> {
  const waits = await ctx.store.listSettings<unknown>('dep:');
  if (waits.length === 0) return;
  const awaited = new Set(waits.map((w) => w.key.split(':')[1]));
  for (const id of completedIds) if (awaited.has(id)) await releaseDependents(ctx, id);
}

/**
 * Jobs held for dependencies that all completed: released. The recorder releases them when it
 * records a completion; reconciliation runs this for a completion it never recorded (corrected
 * there instead). One settings read, and one index read when jobs are held.
 */
export async function releaseCompletedHolds(ctx: EngineContext): Promise<void> {
  const waits = await ctx.store.listSettings<{ jobId: string; type: JobType }>('dep:');
  if (waits.length === 0) return;
  const rows = await ctx.store.getRows([...new Set(waits.map((w) => w.key.split(':')[1]!))]);
  const ready = new Map<string, JobType>();
  for (const { key, value } of waits) if (rows.get(key.split(':')[1]!)?.base === 'completed') ready.set(value.jobId, value.type);
  for (const [jobId, type] of ready) await releaseIfReady(ctx, jobId, type);
}

/** A dependency completed: release the jobs that waited only for completed jobs. */
async function releaseDependents(ctx: EngineContext, completedId: string): Promise<void> {
  const waiters = await ctx.store.listSettings<{ jobId: string; type: JobType }>(`dep:${completedId}:`);
  for (const { value } of waiters) await releaseIfReady(ctx, value.jobId, value.type);
}

async function releaseIfReady(ctx: EngineContext, jobId: string, type: JobType): Promise<void> {
  const job = await ctx.queue(type).getJob(jobId);
  if (!job) return;
  const data = job.data as JobData;
  const deps = data.dependsOn ?? [];
  const rows = await ctx.store.getRows(deps);
  if (!deps.every((d) => rows.get(d)?.base === 'completed')) return;
  if ((await job.getState()) === 'delayed') {
    const remaining = data.runAt ? Date.parse(data.runAt) - Date.now() : 0;
    try {
      if (remaining > 0) await job.changeDelay(remaining);
      else await job.promote();
      await ctx.jobChanged(type, jobId, 'released');
    } catch {
      // Another node released it first.
    }
  }
  for (const dep of deps) await ctx.store.deleteSetting(dependencyKey(dep, jobId));
}
