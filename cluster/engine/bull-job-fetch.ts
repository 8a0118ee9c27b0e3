/**
 * Reads a page of BullMQ jobs of one queue with their states: one query on PostgreSQL (the
 * datastore's batch reader), concurrent `getJob`/`getState` calls on Redis (they share one
 * connection, so the page costs about two round trips; a job that finished between its two reads
 * costs a third). Used by the recorder and reconciliation.
 */
import type { Queue } from 'bullmq';
import type { RawBullJob } from '../datastore/bull-jobs.ts';
import type { Datastore } from '../datastore/open-datastore.ts';

export async function fetchBullJobs(datastore: Datastore, queue: Queue, ids: string[]): Promise<Map<string, RawBullJob>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  if (datastore.bullmq.readJobs) return datastore.bullmq.readJobs(queue.name, unique);
  const out = new Map<string, RawBullJob>();
  await Promise.all(
    unique.map(async (id) => {
      let job = await queue.getJob(id);
      if (!job) return;
      const state = await job.getState();
      if (state === 'unknown') return;
      // The job was read before its state: one that finished in between reads as finished without
      // its outcome (attempts, finish time, result) — read it again.
      if ((state === 'completed' || state === 'failed') && !job.finishedOn) job = (await queue.getJob(id)) ?? job;
      out.set(id, { state, job: job as unknown as RawBullJob['job'] });
    }),
  );
  return out;
}
