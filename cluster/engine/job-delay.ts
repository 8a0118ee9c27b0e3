/**
 * Delay and run-now of a pending job. A delayed job stays `pending` with its `runAt` (BullMQ's
 * delayed set), run-now puts it back in line at once.
 *
 * - A job waiting to run moves to the delayed set in one atomic datastore step
 *   (datastore.bullmq.delayWaiting): never removed and re-added, so never lost.
 * - A job already delayed gets the new time (BullMQ's changeDelay), or is promoted by run-now.
 * - A job held for its dependencies (delayed far out, job-submit.ts) stays held: only its runAt
 *   changes, which the release honours once its dependencies completed; run-now drops the runAt,
 *   so it runs as soon as they did.
 * - A sweep waiting for its backtests is not in line to run: nothing to delay.
 * The job's data carries the runAt (as for a job submitted with one), which the job record shows.
 */
import { MAX_DELAY_SECONDS, type JobActionBody } from '../../contract/api.ts';
import type { JobRow } from '../datastore/shared-store.ts';
import type { EngineContext } from './engine-context.ts';
import { EngineError, type JobData } from './job-engine.ts';
import { HOLD_DELAY_MS } from './job-submit.ts';

/** Delays this long are dependency holds (a delay of a job is at most MAX_DELAY_SECONDS). */
const HELD_AFTER_MS = HOLD_DELAY_MS / 2;

/** When a delay asked for in `body` ends, or a 400 saying what is wrong with it. */
export function delayUntil(body: Pick<JobActionBody, 'until' | 'seconds'>, now: number): number {
  if ((body.until === undefined) === (body.seconds === undefined)) {
    throw new EngineError('validation_failed', 'delay needs either until (an ISO 8601 time) or seconds, not both and not neither', [
      { path: 'until', message: 'give until or seconds' },
    ]);
  }
  if (body.seconds !== undefined) return now + body.seconds * 1000;
  const until = Date.parse(body.until!);
  if (!(until > now)) {
    throw new EngineError('validation_failed', `until: ${body.until} is not in the future; use run-now to run the job at once`, [{ path: 'until', message: 'not in the future' }]);
  }
  if (until > now + MAX_DELAY_SECONDS * 1000) {
    throw new EngineError('validation_failed', `until: ${body.until} is more than 90 days away; schedule the job instead`, [{ path: 'until', message: 'more than 90 days away' }]);
  }
  return until;
}

/** In line to run: waiting, prioritized, or waiting in a paused queue. */
function isWaiting(state: string): boolean {
  return state === 'waiting' || state === 'prioritized' || state === 'paused';
}

function changedMeanwhile(id: string, state: string): EngineError {
  return new EngineError('conflict', `job '${id}' changed meanwhile: it is ${state === 'active' ? 'running' : state} now`, { state });
}

/** Times a delay or run-now reads the job's state again after it changed under it (e.g. its runAt passed). */
const ATTEMPTS = 3;

type BullJob = NonNullable<Awaited<ReturnType<ReturnType<EngineContext['queue']>['getJob']>>>;

async function bullJobOf(ctx: EngineContext, row: JobRow): Promise<BullJob> {
  const job = await ctx.queue(row.type).getJob(row.id);
  if (!job) throw new EngineError('conflict', `job '${row.id}' changed meanwhile (it is no longer in its queue): reload and try again`);
  return job;
}

/** The job's data with its runAt; a job removed meanwhile (cancelled, deleted) is a conflict, not an error. */
async function updateData(row: JobRow, job: BullJob, data: JobData): Promise<void> {
  try {
    await job.updateData(data);
  } catch (error) {
    throw new EngineError('conflict', `job '${row.id}' changed meanwhile (${(error as Error).message}): reload and try again`);
  }
}

/** Whether the job moved to the delayed set until `runAt` (or is held and keeps its hold). */
async function moveToDelayed(ctx: EngineContext, row: JobRow, job: BullJob, state: string, runAt: number): Promise<boolean> {
  if (state === 'delayed') {
    if ((job.delay ?? 0) >= HELD_AFTER_MS) return true;
    // Throws when the job left the delayed set meanwhile (its time came): read again.
    return job.changeDelay(Math.max(1, runAt - Date.now())).then(
      () => true,
      () => false,
    );
  }
  if (isWaiting(state)) return ctx.datastore.bullmq.delayWaiting(ctx.queue(row.type), row.id, runAt, runAt - job.timestamp);
  if (state === 'waiting-children') {
    throw new EngineError('conflict', `job '${row.id}' waits for its child jobs, not in line to run: delay those instead`, { state: 'pending' });
  }
  throw changedMeanwhile(row.id, state);
}

/** Delays the job; returns its runAt as the record shows it. */
export async function delayJob(ctx: EngineContext, row: JobRow, body: JobActionBody): Promise<string> {
  const runAt = delayUntil(body, Date.now());
  const runAtIso = new Date(runAt).toISOString();
  for (let attempt = 1; ; attempt++) {
    const job = await bullJobOf(ctx, row);
    const state = await job.getState();
    if (await moveToDelayed(ctx, row, job, state, runAt)) {
      await updateData(row, job, { ...(job.data as JobData), runAt: runAtIso });
      await ctx.jobChanged(row.type, row.id, 'delayed');
      return runAtIso;
    }
    if (attempt >= ATTEMPTS) throw changedMeanwhile(row.id, await job.getState());
  }
}

export async function runJobNow(ctx: EngineContext, row: JobRow): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const job = await bullJobOf(ctx, row);
    const state = await job.getState();
    const data = job.data as JobData;
    if (state !== 'delayed' && !isWaiting(state)) throw changedMeanwhile(row.id, state);
    // Throws when the job left the delayed set meanwhile (its time came): read again.
    const promoted = state === 'delayed' && (job.delay ?? 0) < HELD_AFTER_MS ? await job.promote().then(() => true, () => false) : true;
    if (promoted) {
      // A job already in line, or held for its dependencies, only loses its runAt.
      if (data.runAt !== undefined) {
        const { runAt: _runAt, ...rest } = data;
        await updateData(row, job, rest as JobData);
      }
      await ctx.jobChanged(row.type, row.id, 'run-now');
      return;
    }
    if (attempt >= ATTEMPTS) throw changedMeanwhile(row.id, await job.getState());
  }
}
