/**
 * Reads a page of BullMQ jobs of one queue with their states: one query on PostgreSQL (the
 * datastore's batch reader), concurrent `getJob`/`getState` calls on Redis (they share one
 * connection, so the page costs about two round trips). Used by the recorder and reconciliation.
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
      const job = await queue.getJob(id);
      if (!job) return;
      const state = await job.getState();
      if (state === 'unknown') return;
      out.set(id, { state, job: job as unknown as RawBullJob['job'] });
    }),
  );
  return out;
}
