/**
 * The cluster keeps score of its wait predictions, on each datastore (forecast-score.redis.test.ts,
 * forecast-score.pg.test.ts): a job queued while the model knows the queue carries the wait
 * predicted for it, and once started jobs carry enough of them the queue's load reports the
 * error. A real BullMQ worker of known pace does the work; a registered worker node makes the
 * queue served in the model's eyes.
 */
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import type { JobType } from '../../contract/domain.ts';
import type { Job } from '../../contract/jobs.ts';
import { QueueMetrics } from '../../contract/metrics.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { createEngine } from '../engine/create-engine.ts';
import { ADMIN, eventually, testDatastore, type TestDatastore, type TestKind } from '../engine/engine-test-support.ts';
import { workerKey, type WorkerRegistration } from '../engine/worker-nodes.ts';

const TYPE: JobType = 'report';
const RUN_MS = 300;

export function forecastScoreSuite(kind: TestKind): void {
  let t: TestDatastore;
  let ds: Datastore;
  let history: BullJobEngine;
  let queued: BullJobEngine;
  let worker: Worker;
  let heartbeat: NodeJS.Timeout;

  const submit = (engine: BullJobEngine) => engine.submit({ type: TYPE, user: 'scored', priority: 'normal', config: {} } as SubmitJobRequest, ADMIN);
  const completed = (engine: BullJobEngine, jobs: Job[]) =>
    eventually(async () => {
      const now = await Promise.all(jobs.map((j) => engine.getJob(j.id)));
      return now.every((j) => j.state === 'completed') ? now : null;
    }, 60_000, `${jobs.length} jobs completed`);

  beforeAll(async () => {
    t = await testDatastore(kind);
    ds = await t.open();
    history = createEngine({ datastore: ds });
    await history.start();
    // A second engine on the same datastore: its own run time statistics, read when it first predicts.
    queued = createEngine({ datastore: ds });
    await queued.start();
    const beat = async () => {
      const now = new Date().toISOString();
      const node: WorkerRegistration = { id: 'paced', host: 'test', pid: 1, queues: [TYPE], concurrency: { [TYPE]: 1 }, runningJobs: [], startedAt: now, lastHeartbeatAt: now, cpuPercent: null, rssBytes: null };
      await ds.store.putSetting(workerKey(node.id), node);
    };
    await beat();
    heartbeat = setInterval(() => void beat().catch(() => undefined), 1_000);
    await history.queueAction(TYPE, 'set-concurrency', { concurrency: 1 }, ADMIN);
    const { Worker: BoundWorker } = ds.bullmq.classes;
    worker = new BoundWorker(TYPE, () => new Promise((r) => setTimeout(() => r(null), RUN_MS)), { ...ds.bullmq.options(), concurrency: 1 }) as Worker;
    worker.on('error', () => undefined);
  });

  afterAll(async () => {
    clearInterval(heartbeat);
    await worker?.close();
    await queued?.close();
    await history?.close();
    await ds?.close();
    await t?.cleanup();
  });

  describe(`forecast score on ${kind}`, () => {
    test('jobs queued behind others carry the wait predicted for them; the queue reports the error of those that started', async () => {
      // Without finished jobs the model cannot say how long one takes: no prediction, no score.
      const first: Job[] = [];
      for (let i = 0; i < 6; i++) first.push(await submit(history));
      expect(first.every((j) => j.predictedWaitMs === undefined)).toBe(true);
      await completed(history, first);
      const before = (await history.queues()).find((q) => q.type === TYPE)!.load!;
      expect(before.forecastError).toBeNull();

      // Eight at once behind one worker: each waits for the ones before it.
      const jobs: Job[] = [];
      for (let i = 0; i < 8; i++) jobs.push(await submit(queued));
      expect(jobs.every((j) => typeof j.predictedWaitMs === 'number')).toBe(true);
      // The later in line, the longer the predicted wait.
      expect(jobs.at(-1)!.predictedWaitMs!).toBeGreaterThan(jobs[0]!.predictedWaitMs! + 4 * RUN_MS);
      const done = await completed(history, jobs);

      const queues = await history.queues();
      QueueMetrics.array().parse(queues);
      const score = queues.find((q) => q.type === TYPE)!.load!.forecastError!;
      const errors = done.map((j) => Math.abs(Date.parse(j.startedAt!) - Date.parse(j.createdAt) - j.predictedWaitMs!)).sort((x, y) => x - y);
      const waits = done.map((j) => Date.parse(j.startedAt!) - Date.parse(j.createdAt)).sort((x, y) => x - y);
      expect(score.samples).toBe(8);
      expect(score.medianMs).toBeCloseTo((errors[3]! + errors[4]!) / 2, 6);
      expect(score.medianWaitMs).toBeCloseTo((waits[3]! + waits[4]!) / 2, 6);
      expect(score.p90Ms).toBeGreaterThanOrEqual(score.medianMs);
      // Jobs of known pace behind one worker: the predictions are good ones.
      expect(score.medianMs).toBeLessThan(0.5 * score.medianWaitMs);
      expect(score.poor).toBe(false);
    });
  });
}
