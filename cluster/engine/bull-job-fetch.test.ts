/** Reading BullMQ jobs on Redis: a job and its state are two reads, and the job may finish between them. */
import type { Queue } from 'bullmq';
import { expect, test } from 'vitest';
import type { Datastore } from '../datastore/open-datastore.ts';
import { fetchBullJobs } from './bull-job-fetch.ts';

test('a job that finished between the read of the job and of its state is read again, with its outcome', async () => {
  const running = { id: 'backtest-1', attemptsMade: 0, finishedOn: undefined, getState: async () => 'completed' };
  const finished = { id: 'backtest-1', attemptsMade: 1, finishedOn: 1_700_000_000_000, getState: async () => 'completed' };
  const reads = [running, finished];
  const queue = { name: 'backtest', getJob: async () => reads.shift() } as unknown as Queue;
  const datastore = { bullmq: {} } as unknown as Datastore;
  const got = (await fetchBullJobs(datastore, queue, ['backtest-1'])).get('backtest-1');
  expect(got?.state).toBe('completed');
  expect(got?.job).toMatchObject({ attemptsMade: 1, finishedOn: 1_700_000_000_000 });
  expect(reads).toHaveLength(0);
});

test('a consistent read costs no second read', async () => {
  const waiting = { id: 'report-1', attemptsMade: 0, finishedOn: undefined, getState: async () => 'waiting' };
  let reads = 0;
  const queue = { name: 'report', getJob: async () => (reads++, waiting) } as unknown as Queue;
  const got = await fetchBullJobs({ bullmq: {} } as unknown as Datastore, queue, ['report-1']);
  expect(got.get('report-1')?.state).toBe('waiting');
  expect(reads).toBe(1);
});
