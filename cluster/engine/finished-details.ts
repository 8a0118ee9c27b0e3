/**
 * The finished-job details a history page carries (`HistoryPage.details`): the config from the
 * job index (the job's data as submitted), the stack of each attempt and the result from BullMQ.
 * Read a page at a time — one query per queue on PostgreSQL, concurrent reads sharing one
 * connection on Redis — so a desktop pulling 100,000 finished jobs gets them complete with the
 * history instead of asking for each job's detail. A job BullMQ no longer keeps has no entry: its
 * record is all there is.
 */
import type { Queue } from 'bullmq';
import type { JobType } from '../../contract/domain.ts';
import type { FinishedJobDetail } from '../../contract/events.ts';
import { JobResult } from '../../contract/jobs.ts';
import type { BullOutcome } from '../datastore/bull-jobs.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { JobRow } from '../datastore/shared-store.ts';
import { jobDataOf } from './job-record.ts';

/** Outcomes of one queue's jobs: the datastore's batch reader, or BullMQ's getJob side by side. */
async function readOutcomes(datastore: Datastore, queue: Queue, ids: string[]): Promise<Map<string, BullOutcome>> {
  if (datastore.bullmq.readOutcomes) return datastore.bullmq.readOutcomes(queue.name, ids);
  const out = new Map<string, BullOutcome>();
  await Promise.all(
    ids.map(async (id) => {
      // A job BullMQ cannot read (written by another tool) leaves its detail to a detail read: one
      // such job must not hold up the whole history page.
      const job = await queue.getJob(id).catch(() => undefined);
      if (job) out.set(id, { stacktrace: job.stacktrace ?? null, returnvalue: job.returnvalue ?? null });
    }),
  );
  return out;
}

/** The details of the completed and failed rows among `rows`, in their order. */
export async function finishedDetails(datastore: Datastore, queueOf: (type: JobType) => Queue, rows: readonly JobRow[]): Promise<FinishedJobDetail[]> {
  const finished = rows.filter((r) => r.base === 'completed' || r.base === 'failed');
  if (finished.length === 0) return [];
  const byType = new Map<JobType, string[]>();
  for (const r of finished) byType.set(r.type, [...(byType.get(r.type) ?? []), r.id]);
  const outcomes = new Map<string, BullOutcome>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      for (const [id, outcome] of await readOutcomes(datastore, queueOf(type), ids)) outcomes.set(id, outcome);
    }),
  );
  const details: FinishedJobDetail[] = [];
  for (const r of finished) {
    const outcome = outcomes.get(r.id);
    if (!outcome) continue;
    const result = outcome.returnvalue === null || outcome.returnvalue === undefined ? null : JobResult.safeParse(outcome.returnvalue);
    details.push({
      id: r.id,
      updatedAt: r.record.updatedAt,
      config: jobDataOf(r.payload?.data).config,
      // As the job detail shows it (job-detail.ts).
      errorStack: outcome.stacktrace?.length ? outcome.stacktrace.join('\n').slice(0, 100_000) : null,
      result: result?.success ? result.data : null,
    });
  }
  return details;
}
