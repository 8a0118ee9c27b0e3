/**
 * The load model against queues that really drain, on the embedded cluster: embedded PostgreSQL,
 * the engine and a worker runtime running real sandboxed trainings, whose run time is set by their
 * pace (a few epochs with a pause between them), so a drain takes seconds and little CPU.
 *
 * A paused queue fills; resumed at a known concurrency it must drain within 30% of the time-to-drain
 * read at the resume, and raising the concurrency to what a what-if tried must drain within 30% of
 * what that what-if predicted, sooner than the drain at the old concurrency.
 */
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import type { Job } from '../../contract/jobs.ts';
import { readyAndActive } from '../engine/queue-waits.ts';
import { ADMIN, eventually, testCluster, type TestCluster, type TestNode } from '../workers/testing/worker-test-support.ts';

/** ~1.3 s a job: three pauses of 400 ms between four epochs over a year of one symbol. */
const PACED_TRAINING = { symbols: ['ALPH'], start: '2023-01-03', end: '2023-12-29', horizonDays: 1, epochs: 4, epochDelayMs: 400 };
const TOLERANCE = 0.3;

describe('load model on the embedded cluster', () => {
  let cluster: TestCluster;
  let node: TestNode;
  let queue: Queue;
  const submit = () => node.engine.submit({ type: 'training', user: 'drain', priority: 'normal', config: PACED_TRAINING } as SubmitJobRequest, ADMIN);
  const submitMany = async (n: number) => {
    const jobs: Job[] = [];
    for (let i = 0; i < n; i++) jobs.push(await submit());
    return jobs;
  };
  const setConcurrency = (concurrency: number) => node.engine.queueAction('training', 'set-concurrency', { concurrency }, ADMIN);
  const finished = (jobs: Job[]) =>
    eventually(async () => (await Promise.all(jobs.map((j) => node.engine.getJob(j.id)))).every((j) => j.state === 'completed'), 120_000, `${jobs.length} trainings completed`);
  /** Ms from `since` until no job waits: polled on BullMQ's own counts, as cheap a read as there is. */
  const drainedAfter = async (since: number) => {
    await eventually(async () => (await readyAndActive(queue)).ready === 0, 120_000, 'the backlog to drain');
    return Date.now() - since;
  };
  const fillPaused = async (n: number) => {
    await node.engine.queueAction('training', 'pause', {}, ADMIN);
    const jobs = await submitMany(n);
    await eventually(async () => {
      const load = (await node.engine.queues()).find((q) => q.type === 'training')!.load!;
      return load.backlog === n ? load : null;
    }, 30_000, `${n} jobs waiting`);
    return jobs;
  };

  beforeAll(async () => {
    cluster = await testCluster('embedded');
    node = await cluster.node({ runtime: { queues: ['training'] } });
    queue = new node.datastore.bullmq.classes.Queue('training', node.datastore.bullmq.options()) as Queue;
    // A node's first job in each sandboxed child also pays for starting the child (seconds under tsx
    // on a busy machine), which a cluster that has been running has long paid. Four children are
    // started here and their jobs deleted, so the history the model reads is of a running node.
    await setConcurrency(4);
    const warmUp = await submitMany(4);
    await finished(warmUp);
    for (const job of warmUp) await node.engine.jobAction(job.id, 'delete', {}, ADMIN);
    // The history: eight trainings run at concurrency 2.
    await setConcurrency(2);
    await finished(await submitMany(8));
  }, 240_000);

  afterAll(async () => {
    await queue?.close();
    await cluster?.cleanup();
  });

  test('a paused queue filling reads growing; resumed at concurrency 2 it drains within 30% of the forecast read at the resume', async () => {
    const jobs = await fillPaused(16);
    const paused = (await node.engine.queueLoad('training', {})).load;
    expect(paused.status).toBe('growing');
    expect(paused.runSamples).toBe(8);
    await node.engine.queueAction('training', 'resume', {}, ADMIN);
    const at = Date.now();
    const forecast = (await node.engine.queueLoad('training', {})).load;
    expect(forecast.status).toBe('draining');
    const actualMs = await drainedAfter(at);
    const forecastMs = forecast.drainSeconds! * 1000;
    console.log(`resumed at 2 with 16 waiting: forecast ${Math.round(forecastMs)} ms (mean run ${Math.round(forecast.meanRunMs!)} ms), drained in ${actualMs} ms`);
    expect(Math.abs(actualMs - forecastMs)).toBeLessThanOrEqual(TOLERANCE * forecastMs);
    await finished(jobs);
  });

  test('raising the concurrency to what the what-if tried drains within 30% of its prediction, sooner than at the old one', async () => {
    const jobs = await fillPaused(24);
    await node.engine.queueAction('training', 'resume', {}, ADMIN);
    // Draining at concurrency 2 when the admin tries 4.
    await eventually(async () => (await readyAndActive(queue)).active === 2, 30_000, 'two trainings running');
    const at = Date.now();
    const report = await node.engine.queueLoad('training', { concurrency: 4 });
    await setConcurrency(4);
    const actualMs = await drainedAfter(at);
    const nowMs = report.load.drainSeconds! * 1000;
    const whatIfMs = report.whatIf!.drainSeconds! * 1000;
    console.log(`24 waiting at 2: forecast ${Math.round(nowMs)} ms; what-if 4: ${Math.round(whatIfMs)} ms; drained at 4 in ${actualMs} ms`);
    expect(report.whatIf!.status).toBe('draining');
    expect(whatIfMs).toBeLessThan(0.7 * nowMs);
    expect(Math.abs(actualMs - whatIfMs)).toBeLessThanOrEqual(TOLERANCE * whatIfMs);
    expect(actualMs).toBeLessThan(nowMs);
    await finished(jobs);
  });
});
