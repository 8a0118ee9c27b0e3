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
import { describeZodError, fieldErrors, SubmitJobRequest, type SubmitJobRequest as SubmitJobRequestType } from '../../contract/api.ts';
import { BULLMQ_PRIORITY, type JobType } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS, type SweepConfig } from '../../contract/job-configs.ts';
import type { Job } from '../../contract/jobs.ts';
import type { EngineContext } from './engine-context.ts';
import { newJobId } from './engine-context.ts';
import { addedKey } from './event-recorder.ts';
import { buildJobRow } from './job-record.ts';
import { EngineError, type JobData } from './job-engine.ts';
import { addSweepFlow, checkSweepGrid } from './sweep-flow.ts';

/** How long a job waiting for its dependencies is held (it is released long before). */
export const HOLD_DELAY_MS = 10 * 365 * 24 * 3600_000;

function dependencyKey(depId: string, jobId: string): string {
  return `dep:${depId}:${jobId}`;
}

export async function submitJob(ctx: EngineContext, input: SubmitJobRequestType): Promise<Job> {
  const parsed = SubmitJobRequest.safeParse(input);
  if (!parsed.success) {
    throw new EngineError('validation_failed', describeZodError(parsed.error), fieldErrors(parsed.error));
  }
  const request = parsed.data;
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

  const id = newJobId(request.type);
  const now = Date.now();
  const data: JobData = {
    user: request.user,
    priority: request.priority,
    config: config.data as Record<string, unknown>,
    ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    ...(request.runAt ? { runAt: request.runAt } : {}),
  };
  const runDelay = request.runAt ? Math.max(0, Date.parse(request.runAt) - now) : 0;
  for (const dep of waiting) await ctx.store.putSetting(dependencyKey(dep, id), { jobId: id, type: request.type });
  const queue = ctx.queue(request.type);
  // A sweep becomes a flow with its child backtests (sweep-flow.ts); one held for dependencies runs its grid inline.
  const job =
    request.type === 'sweep' && waiting.length === 0
      ? await addSweepFlow(ctx, { id, data, attempts: request.attempts ?? 1, delay: runDelay })
      : await queue.add(request.type, data, {
          jobId: id,
          priority: BULLMQ_PRIORITY[request.priority],
          attempts: request.attempts ?? 1,
          delay: waiting.length > 0 ? HOLD_DELAY_MS : runDelay,
        });
  const row = buildJobRow({
    job,
    type: request.type,
    bullState: waiting.length > 0 || runDelay > 0 ? 'delayed' : 'prioritized',
    now: Date.now(),
    stuckAfterMs: ctx.settings.stuckAfterMs,
  })!;
  const recorded = await ctx.store.recordChange({
    dedupKey: addedKey(request.type, id, job.timestamp),
    src: '',
    at: new Date().toISOString(),
    job: { row, change: 'added' },
  });
  if (waiting.length > 0) await releaseIfReady(ctx, id, request.type); // a dependency may have completed meanwhile
  const stored = recorded.row ?? (await ctx.store.getRow(id));
  if (!stored) return ctx.present({ ...row, createdSeq: 0, queueSeq: 0, changeSeq: 0, src: '', cancelIntent: null });
  const [presented] = await ctx.presentAll([stored]);
  return presented!;
}

/** A dependency completed: release the jobs that waited only for completed jobs. */
export async function releaseDependents(ctx: EngineContext, completedId: string): Promise<void> {
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
