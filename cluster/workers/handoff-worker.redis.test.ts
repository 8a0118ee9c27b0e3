// The hand-back at shutdown rides on BullMQ's protected Worker.callProcessJob: these run a real
// Worker on the test Redis, so a BullMQ that stops sending jobs through it fails here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job as BullJob, Queue, Worker } from 'bullmq';
import type { Datastore } from '../datastore/open-datastore.ts';
import { eventually, testDatastore, type TestDatastore } from '../engine/engine-test-support.ts';
import { handoffWorkerClass, type HandoffPolicy } from './handoff-worker.ts';

let t: TestDatastore;
let ds: Datastore;
let queue: Queue;

beforeAll(async () => {
  t = await testDatastore('redis');
  ds = await t.open();
  queue = new ds.bullmq.classes.Queue('handoff', ds.bullmq.producerOptions()) as Queue;
});

afterAll(async () => {
  await queue?.close();
  await ds?.close();
  await t?.cleanup();
});

/** Runs one job on a hand-back worker until `done` says the worker saw enough; answers the job's state after. */
async function runOne(policy: HandoffPolicy, processor: (job: BullJob) => Promise<unknown>, done: () => boolean): Promise<{ state: string; attemptsMade: number; failedReason?: string }> {
  const HandoffWorker = handoffWorkerClass(ds.bullmq.classes.Worker, policy);
  const job = await queue.add('handoff', {}, { attempts: 1 });
  const worker = new HandoffWorker('handoff', processor, { ...ds.bullmq.options(), concurrency: 1 }) as unknown as Worker;
  try {
    await eventually(async () => done(), 10_000, 'the worker to take the job');
  } finally {
    await worker.close();
  }
  const after = (await queue.getJob(job.id!))!;
  const state = await after.getState();
  await after.remove().catch(() => undefined);
  return { state, attemptsMade: after.attemptsMade, failedReason: after.failedReason };
}

it('a job delivered while the node stops goes back to waiting without running', async () => {
  let asked = 0;
  let ran = 0;
  const result = await runOne(
    { nodeId: 'node-a', stopping: () => ++asked > 0, takeHandoff: () => false },
    async () => {
      ran += 1;
    },
    () => asked > 0,
  );
  expect(ran).toBe(0);
  expect(result.state).toBe('waiting');
  expect(result.attemptsMade).toBe(0);
});

it('a job whose processor the node ended for the hand-back goes back to waiting, not failed', async () => {
  let ended = 0;
  const result = await runOne(
    { nodeId: 'node-a', stopping: () => false, takeHandoff: () => (ended++, true) },
    async () => {
      throw new Error('child ended by the node');
    },
    () => ended > 0,
  );
  expect(result.state).toBe('waiting');
  expect(result.failedReason ?? '').toBe('');
});

it('any other error of a job still fails it', async () => {
  let asked = 0;
  const result = await runOne(
    { nodeId: 'node-a', stopping: () => false, takeHandoff: () => (asked++, false) },
    async () => {
      throw new Error('boom');
    },
    () => asked > 0,
  );
  expect(result.state).toBe('failed');
  expect(result.failedReason).toBe('boom');
});
