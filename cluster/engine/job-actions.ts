/**
 * Actions on one job: cancel (pending), retry (failed/cancelled/completed), delete, set-priority,
 * delay and run-now (pending; job-delay.ts); running-job control (stop, force-stop, pause, resume) goes to worker nodes through
 * the control hook and is refused with a conflict until a worker runtime serves it.
 *
 * Cancel of a pending job: BullMQ cannot fail a job nobody holds, so we mark a cancel intent in
 * the index, remove the job from BullMQ, and the recorder turns its `removed` event into a
 * `cancelled` record that stays in the index (detached from BullMQ); retry re-adds it with the
 * same id, data and priority.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { ACTIONS_BY_STATE, BULLMQ_PRIORITY, isActionAllowed, JOB_ACTION_LABELS, type JobAction } from '../../contract/domain.ts';
import type { ActionResult, JobActionBody } from '../../contract/api.ts';
import { type JobRow, rowsByType } from '../datastore/shared-store.ts';
import { fetchBullJobs } from './bull-job-fetch.ts';
import { type EngineContext, typeFromId } from './engine-context.ts';
import { CUSTOM_EVENTS } from './event-recorder.ts';
import { type Actor, EngineError, type JobData } from './job-engine.ts';
import { delayJob, runJobNow } from './job-delay.ts';
import { baseStateOf, flowChildIds } from './job-record.ts';
import { runningControlAvailable } from './running-control.ts';

export interface ActionOptions {
  /** Wait until the local recorder applied the change (single actions); bulk actions skip it. */
  wait: boolean;
}

/** Why an action is not possible in a state, in words an admin can act on. */
export function conflictMessage(action: JobAction, id: string, state: string): string {
  const allowed = ACTIONS_BY_STATE[state as keyof typeof ACTIONS_BY_STATE] ?? [];
  const hint = allowed.length > 0 ? `; possible now: ${allowed.map((a) => JOB_ACTION_LABELS[a].toLowerCase()).join(', ')}` : '';
  return `cannot ${JOB_ACTION_LABELS[action].toLowerCase()} job '${id}': it is ${state}${hint}`;
}

/** The reason an action records: who, and why when they said. */
export function actionReason(body: Pick<JobActionBody, 'reason'>, actor: Actor): string {
  return body.reason ? `${actor.name}: ${body.reason}` : `by ${actor.name}`;
}

const RUNNING_CONTROL: JobAction[] = ['stop', 'force-stop', 'pause', 'resume'];

export async function jobAction(
  ctx: EngineContext,
  id: string,
  action: JobAction,
  body: JobActionBody,
  actor: Actor,
  options: ActionOptions = { wait: true },
): Promise<ActionResult> {
  const row = await ctx.store.getRow(id);
  if (!row) throw new EngineError('not_found', `no job '${id}' in this cluster`);
  const state = ctx.present(row).state;
  if (!isActionAllowed(action, state)) throw new EngineError('conflict', conflictMessage(action, id, state), { state });
  const reason = actionReason(body, actor);
  if (action === 'set-priority' && body.priority === row.priority) {
    return { id, outcome: 'ok', message: `already ${row.priority}`, job: (await ctx.presentAll([row]))[0] };
  }
  let after: JobRow | null;
  switch (action) {
    case 'cancel':
      after = await cancel(ctx, row, reason, options);
      break;
    case 'retry':
      after = await retry(ctx, row, options);
      break;
    case 'delete':
      after = await remove(ctx, row, options);
      break;
    case 'set-priority':
      after = await setPriority(ctx, row, body, options);
      break;
    case 'delay':
    case 'run-now':
      after = await schedule(ctx, row, action, body, options);
      break;
    default:
      after = await control(ctx, row, action, reason);
  }
  const [job] = after ? await ctx.presentAll([after]) : [];
  return { id, outcome: 'ok', ...(job ? { job } : {}) };
}

async function bullJob(ctx: EngineContext, row: JobRow) {
  const job = await ctx.queue(row.type).getJob(row.id);
  if (!job) throw goneMeanwhile(row.id);
  return job;
}

async function cancel(ctx: EngineContext, row: JobRow, reason: string, options: ActionOptions): Promise<JobRow | null> {
  const outcome = (await cancelPending(ctx, [row], reason)).get(row.id);
  if (outcome) throw outcome;
  return options.wait ? ctx.waitForRow(row.id, (r) => r?.base === 'cancelled') : row;
}

/** Jobs removed by one `sigmatiq.job-removed` event at most (one stream entry per bulk chunk). */
const REMOVED_PER_EVENT = 200;
/** Removals in flight at once (each is one short datastore call). */
const REMOVALS_IN_FLIGHT = 8;

/**
 * Cancels pending jobs, with a fixed number of datastore calls per batch besides one removal per
 * job: their BullMQ jobs are read in one call per queue (a job that started running or finished
 * meanwhile is refused with the reason), the cancel intents are marked in one call, each job is
 * removed from BullMQ (a removal that meets a lock means the job started just now), intents of the
 * refused ones are cleared in one call, and one `sigmatiq.job-removed` event per queue announces
 * the removals (BullMQ's PostgreSQL backend does not). The recorder then turns each removal into
 * the job's `cancelled` record. Returns, per id, null when cancelled or the reason it was not.
 *
 * A sweep is removed without its children, which are then cancelled like any pending job (so they
 * are kept as cancelled, retryable records); children that run or finished are left alone. Sweeps
 * go first, so a child asked for in the same call is already cancelled with its sweep by its turn.
 */
export async function cancelPending(ctx: EngineContext, rows: JobRow[], reason: string): Promise<Map<string, EngineError | null>> {
  const outcome = new Map<string, EngineError | null>();
  const byType = [...rowsByType(rows)].sort(([x], [y]) => Number(y === 'sweep') - Number(x === 'sweep'));
  for (const [type, all] of byType) {
    const list = all.filter((r) => !outcome.has(r.id));
    if (list.length === 0) continue;
    const jobs = await fetchBullJobs(ctx.datastore, ctx.queue(type), list.map((r) => r.id));
    const candidates: string[] = [];
    for (const row of list) {
      const raw = jobs.get(row.id);
      const base = raw ? baseStateOf(raw.state, raw.job.failedReason) : null;
      if (!raw) outcome.set(row.id, goneMeanwhile(row.id));
      else if (base === 'active') outcome.set(row.id, startedMeanwhile(row.id));
      else if (base !== 'pending') outcome.set(row.id, new EngineError('conflict', `job '${row.id}' changed meanwhile: it is ${base ?? raw.state} now`, { state: base ?? raw.state }));
      else candidates.push(row.id);
    }
    if (candidates.length === 0) continue;
    const childrenOf = type === 'sweep' ? await pendingChildren(ctx, candidates) : new Map<string, string[]>();
    await ctx.store.setCancelIntents(candidates, { reason, at: new Date().toISOString() });
    const removed: string[] = [];
    const refused: string[] = [];
    const queue = ctx.queue(type);
    for (let i = 0; i < candidates.length; i += REMOVALS_IN_FLIGHT) {
      await Promise.all(
        candidates.slice(i, i + REMOVALS_IN_FLIGHT).map(async (id) => {
          try {
            const result = await removeFromQueue(queue, id, { removeChildren: type !== 'sweep' });
            if (result === 'removed') {
              removed.push(id);
              outcome.set(id, null);
              return;
            }
            outcome.set(id, result === 'locked' ? startedMeanwhile(id) : goneMeanwhile(id));
          } catch (error) {
            outcome.set(id, new EngineError('conflict', `job '${id}' could not be removed from its queue: ${(error as Error).message}`));
          }
          refused.push(id);
        }),
      );
    }
    await ctx.store.setCancelIntents(refused, null);
    for (let i = 0; i < removed.length; i += REMOVED_PER_EVENT) {
      await ctx.publish(type, { event: CUSTOM_EVENTS.jobRemoved, jobIds: removed.slice(i, i + REMOVED_PER_EVENT).join(',') });
    }
    const children = removed.flatMap((id) => childrenOf.get(id) ?? []);
    if (children.length > 0) for (const [id, error] of await cancelChildren(ctx, children, reason)) outcome.set(id, error);
  }
  return outcome;
}

/** The ids of each sweep's children that have not run yet (read before the sweep is removed). */
async function pendingChildren(ctx: EngineContext, sweepIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const id of sweepIds) {
    const sweep = await ctx.queue('sweep').getJob(id);
    const deps = sweep ? await sweep.getDependencies() : null;
    out.set(id, deps ? flowChildIds(deps, 'unprocessed') : []);
  }
  return out;
}

/** Children of cancelled sweeps, cancelled; a child not indexed yet is only removed. */
async function cancelChildren(ctx: EngineContext, childIds: string[], reason: string): Promise<Map<string, EngineError | null>> {
  const rows = await ctx.store.getRows(childIds);
  for (const id of childIds.filter((c) => !rows.has(c))) {
    const type = typeFromId(id);
    if (type) await removeFromQueue(ctx.queue(type), id).catch(() => undefined);
  }
  return cancelPending(ctx, [...rows.values()], reason);
}

/** PostgreSQL's answer when two removals in one flow (a sweep and its children) lock each other. */
const TRANSIENT_PG_CODES = new Set(['40P01', '40001']);
const REMOVE_ATTEMPTS = 3;

/**
 * Removes a job (with its flow children, unless told not to) from its queue: `removed`, `locked`
 * (a worker holds it: it started running just now) or `gone` (removed meanwhile, e.g. with its
 * flow parent). Removing a sweep and its children at the same moment can deadlock on PostgreSQL
 * (each removal locks the dependency link and the parent, in opposite orders); the server aborts
 * one, which is tried again.
 */
export async function removeFromQueue(queue: Queue, id: string, options: { removeChildren?: boolean } = {}): Promise<'removed' | 'locked' | 'gone'> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Redis answers 1; PostgreSQL the number of jobs removed (the job and its flow children).
      if ((await queue.remove(id, { removeChildren: options.removeChildren ?? true })) > 0) return 'removed';
      return (await queue.getJob(id)) ? 'locked' : 'gone';
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !TRANSIENT_PG_CODES.has(code) || attempt >= REMOVE_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

function goneMeanwhile(id: string): EngineError {
  return new EngineError('conflict', `job '${id}' changed meanwhile (it is no longer in its queue): reload and try again`);
}

function startedMeanwhile(id: string): EngineError {
  return new EngineError('conflict', `job '${id}' started running meanwhile: use stop or force-stop`, { state: 'running' });
}

async function retry(ctx: EngineContext, row: JobRow, options: ActionOptions): Promise<JobRow | null> {
  if (row.detached) {
    if (!row.payload) throw new EngineError('conflict', `job '${row.id}' cannot be retried: its data is not kept`);
    const opts = row.payload.opts as { attempts?: number };
    await ctx.queue(row.type).add(row.type, row.payload.data as JobData, {
      jobId: row.id,
      priority: BULLMQ_PRIORITY[row.priority],
      attempts: opts.attempts ?? 1,
    });
  } else {
    const job = await bullJob(ctx, row);
    const from = row.base === 'completed' ? 'completed' : 'failed';
    try {
      await job.retry(from, { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      throw new EngineError('conflict', `job '${row.id}' could not be retried: ${(error as Error).message}`);
    }
    await ctx.jobChanged(row.type, row.id, 'retried');
  }
  return options.wait ? ctx.waitForRow(row.id, (r) => r !== null && r.changeSeq > row.changeSeq && r.base !== row.base) : row;
}

async function remove(ctx: EngineContext, row: JobRow, options: ActionOptions): Promise<JobRow | null> {
  if (row.detached) {
    await ctx.store.recordChange({
      dedupKey: `engine:delete:${randomUUID()}`,
      src: '',
      at: new Date().toISOString(),
      removed: { id: row.id, type: row.type },
    });
    return null;
  }
  const queue = ctx.queue(row.type);
  const job = await queue.getJob(row.id);
  if (job) {
    // BullMQ removes a flow parent's children with it; announce them too (PostgreSQL does not).
    const childIds = flowChildIds(await job.getDependencies().catch(() => ({})));
    // `gone`: removed meanwhile (with its sweep, by another delete): announced all the same.
    if ((await removeFromQueue(queue, row.id)) === 'locked') {
      throw new EngineError('conflict', `job '${row.id}' started running meanwhile: stop it before deleting`);
    }
    await ctx.publish(row.type, { event: CUSTOM_EVENTS.jobRemoved, jobId: row.id });
    for (const childId of childIds) {
      const childType = await ctx.typeOf(childId);
      if (childType) await ctx.publish(childType, { event: CUSTOM_EVENTS.jobRemoved, jobId: childId });
    }
  } else {
    await ctx.store.recordChange({ dedupKey: `engine:delete:${randomUUID()}`, src: '', at: new Date().toISOString(), removed: { id: row.id, type: row.type } });
  }
  if (options.wait) await ctx.waitForRow(row.id, (r) => r === null);
  return null;
}

async function setPriority(ctx: EngineContext, row: JobRow, body: JobActionBody, options: ActionOptions): Promise<JobRow | null> {
  const priority = body.priority;
  if (!priority) throw new EngineError('validation_failed', 'priority: set-priority needs a priority (critical, high, normal or low)', [{ path: 'priority', message: 'required' }]);
  if (priority === row.priority) return row;
  const job = await bullJob(ctx, row);
  await job.updateData({ ...(job.data as JobData), priority });
  await job.changePriority({ priority: BULLMQ_PRIORITY[priority] });
  await ctx.jobChanged(row.type, row.id, 'priority');
  return options.wait ? ctx.waitForRow(row.id, (r) => r?.priority === priority) : row;
}

/** Delay or run-now (job-delay.ts); waits until the record shows the job's new runAt. */
async function schedule(ctx: EngineContext, row: JobRow, action: 'delay' | 'run-now', body: JobActionBody, options: ActionOptions): Promise<JobRow | null> {
  const runAt = action === 'delay' ? await delayJob(ctx, row, body) : (await runJobNow(ctx, row), null);
  return options.wait ? ctx.waitForRow(row.id, (r) => r !== null && r.changeSeq > row.changeSeq && r.record.runAt === runAt) : row;
}

/**
 * Running-job control hook: records the request in `job.data.control` (so a worker that picks the
 * job up later sees it) and publishes `sigmatiq.control` {jobId, command, reason} into the queue's
 * event stream, which worker nodes watch. Refused until a worker runtime serves it.
 */
async function control(ctx: EngineContext, row: JobRow, action: JobAction, reason: string): Promise<JobRow | null> {
  if (!RUNNING_CONTROL.includes(action)) throw new EngineError('bad_request', `unknown action '${action}'`);
  if (!(await runningControlAvailable(ctx))) {
    throw new EngineError(
      'conflict',
      `${JOB_ACTION_LABELS[action].toLowerCase()} of running jobs is not available on this cluster yet: its worker nodes do not serve running-job control`,
    );
  }
  const job = await bullJob(ctx, row);
  const data = job.data as JobData;
  const control = { ...(data.control ?? {}), reason };
  if (action === 'stop' || action === 'force-stop') control.stopRequested = true;
  if (action === 'pause') control.pauseRequested = true;
  if (action === 'resume') delete control.pauseRequested;
  await job.updateData({ ...data, control });
  await ctx.publish(row.type, { event: CUSTOM_EVENTS.control, jobId: row.id, command: action, reason });
  return row;
}
