/**
 * Submitting many jobs in one call (`POST /api/v1/jobs/batch`, up to 1,000): each request is
 * validated on its own and answered in its own result, so one bad job does not stop the others.
 * Plain jobs (no dependencies to wait for, not sweeps) are added with one BullMQ `addBulk` per job
 * type and recorded in the index with one datastore call; the others go the single-submit way.
 *
 * Each job either fails having created nothing or is created: an outage half-way fails the jobs
 * not yet added (`datastore_unavailable`) and answers the ones added. With an idempotency key the
 * job ids are fixed before anything is added, so repeating the batch adds only what is missing.
 */
import type { Job as BullJob } from 'bullmq';
import type { SubmitJobBatchRequest, SubmitJobBatchResponse, SubmitJobBatchResult } from '../../contract/api.ts';
import { BULLMQ_PRIORITY, type JobType } from '../../contract/domain.ts';
import type { Job } from '../../contract/jobs.ts';
import type { JobRow, JobRowInput } from '../datastore/shared-store.ts';
import { type EngineContext, newJobId } from './engine-context.ts';
import { addedKey } from './event-recorder.ts';
import { claimKey, keepAnswer } from './idempotency.ts';
import { EngineError, type SubmitOptions } from './job-engine.ts';
import { buildJobRow } from './job-record.ts';
import { commitJob, parseSubmitRequest, type PreparedJob, prepareJob } from './job-submit.ts';
import { assertReachable, duringOutage, unavailableError } from './outage-guard.ts';

const NOT_SUBMITTED = 'the job was not submitted';

type Outcome = { ok: true; job: Job } | { ok: false; error: EngineError };

function failure(error: unknown): { ok: false; error: EngineError } {
  if (error instanceof EngineError) return { ok: false, error };
  throw error;
}

export async function submitBatch(ctx: EngineContext, body: SubmitJobBatchRequest, actor: string, options: SubmitOptions = {}): Promise<SubmitJobBatchResponse> {
  const availability = ctx.datastore.availability;
  const checked = await duringOutage(
    availability,
    () =>
      Promise.all(
        body.jobs.map((input) =>
          Promise.resolve()
            .then(() => prepareJob(ctx, parseSubmitRequest(input)))
            .then(
              (p): PreparedJob | EngineError => p,
              (e: unknown) => failure(e).error,
            ),
        ),
      ),
    'no job of the batch was submitted',
  );
  let ids = checked.map((p) => (p instanceof EngineError ? '' : newJobId(p.request.type)));
  const claimed = options.idempotencyKey ? await claimKey(ctx, actor, options.idempotencyKey, 'batch', body, ids) : null;
  if (claimed?.entry.response) return claimed.entry.response.body as SubmitJobBatchResponse;
  if (claimed) ids = claimed.entry.jobIds;

  const outcomes: Outcome[] = checked.map((p) => (p instanceof EngineError ? { ok: false, error: p } : { ok: true, job: null as unknown as Job }));
  const plain = new Map<JobType, number[]>();
  const single: number[] = [];
  checked.forEach((p, i) => {
    if (p instanceof EngineError) return;
    // A repetition may find some of its jobs added already: those go one by one (found, not added again).
    if (claimed?.earlier || p.waiting.length > 0 || p.request.type === 'sweep') single.push(i);
    else plain.set(p.request.type, [...(plain.get(p.request.type) ?? []), i]);
  });
  for (const [type, indexes] of plain) {
    try {
      const jobs = await addPlain(ctx, type, indexes.map((i) => ({ prepared: checked[i] as PreparedJob, id: ids[i]! })));
      indexes.forEach((i, n) => (outcomes[i] = { ok: true, job: jobs[n]! }));
    } catch (error) {
      const e = failure(error).error;
      for (const i of indexes) outcomes[i] = { ok: false, error: e };
    }
  }
  for (const i of single) {
    outcomes[i] = await commitJob(ctx, checked[i] as PreparedJob, ids[i]!, claimed?.earlier ?? false).then(
      (job): Outcome => ({ ok: true, job }),
      (e: unknown) => failure(e),
    );
  }

  const results: SubmitJobBatchResult[] = outcomes.map((o, index) =>
    o.ok
      ? { index, ok: true, job: o.job }
      : { index, ok: false, error: { code: o.error.code, message: o.error.message, ...(o.error.details === undefined ? {} : { details: o.error.details }) } },
  );
  const submitted = results.filter((r) => r.ok).length;
  const response: SubmitJobBatchResponse = { submitted, failed: results.length - submitted, results };
  if (submitted === 0 && outcomes.some((o) => !o.ok && o.error.code === 'datastore_unavailable')) throw unavailableError(availability, 'no job of the batch was submitted');
  // An answer with jobs an outage kept out is not final: repeating the request adds them.
  const final = outcomes.every((o) => o.ok || o.error.code !== 'datastore_unavailable');
  if (claimed && final) await keepAnswer(ctx, claimed, 200, response);
  return response;
}

/** Adds jobs of one type with one addBulk and records them with one index write. */
async function addPlain(ctx: EngineContext, type: JobType, items: { prepared: PreparedJob; id: string }[]): Promise<Job[]> {
  const availability = ctx.datastore.availability;
  assertReachable(availability, NOT_SUBMITTED);
  let added: BullJob[];
  try {
    added = await ctx.queue(type).addBulk(
      items.map(({ prepared, id }) => ({
        name: type,
        data: prepared.data,
        opts: { jobId: id, priority: BULLMQ_PRIORITY[prepared.request.priority], attempts: prepared.request.attempts ?? 1, delay: prepared.runDelay },
      })),
    );
  } catch (error) {
    if (!(await availability.probe()).reachable) throw unavailableError(availability, NOT_SUBMITTED);
    throw error;
  }
  const submitted = added.map((job) => ctx.noteSubmitted(job.id!, job.timestamp));
  const now = Date.now();
  const rows = added.map((job, n) => buildJobRow({ job, type, bullState: items[n]!.prepared.runDelay > 0 ? 'delayed' : 'prioritized', now, stuckAfterMs: ctx.settings.stuckAfterMs })!);
  const local = (row: JobRowInput): JobRow => ({ ...row, createdSeq: 0, queueSeq: 0, changeSeq: 0, src: '', cancelIntent: null });
  try {
    return await duringOutage(availability, async () => {
      const at = new Date().toISOString();
      const recorded = await ctx.store.recordChanges(
        rows.map((row, n) => ({ dedupKey: addedKey(type, row.id, added[n]!.timestamp), src: '', at, job: { row, change: 'added' } })),
        { returnRows: true },
      );
      for (const s of submitted) s.settle(true);
      const stored = recorded.map((r, n) => r.row ?? local(rows[n]!));
      return ctx.presentAll(stored);
    });
  } catch (error) {
    // The jobs exist (the recorders index them from BullMQ's events): answer them as built here.
    if (error instanceof EngineError && error.code === 'datastore_unavailable') return rows.map((row) => ctx.present(local(row)));
    throw error;
  } finally {
    for (const s of submitted) s.settle(false);
  }
}
