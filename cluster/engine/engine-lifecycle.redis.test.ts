// The engine's lifecycle, like BullMQ's classes: creating it runs nothing; start() sets the index
// following BullMQ; close() works started or not, and a closed engine does not start again.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Datastore } from '../datastore/open-datastore.ts';
import { createEngine } from './create-engine.ts';
import { eventually, testDatastore, type TestDatastore } from './engine-test-support.ts';

let t: TestDatastore;
let ds: Datastore;

beforeAll(async () => {
  t = await testDatastore('redis');
  ds = await t.open();
});

afterAll(async () => {
  await ds?.close();
  await t?.cleanup();
});

test('a created engine records nothing until it is started, then catches up with what BullMQ did meanwhile', async () => {
  const engine = createEngine({ datastore: ds, reconcileEveryMs: 0, onError: () => undefined });
  try {
    await engine.queue('report').add('report', { user: 'lena', priority: 'normal', config: {} }, { jobId: 'report-lifecycle1' });
    await new Promise((r) => setTimeout(r, 500));
    await engine.settle();
    expect(await ds.store.getRow('report-lifecycle1')).toBeNull();
    await engine.start();
    const row = await eventually(() => ds.store.getRow('report-lifecycle1'), 10_000, 'the recorder to record the job');
    expect(row.base).toBe('pending');
  } finally {
    await engine.close();
  }
});

test('close without start ends the queues; a closed engine refuses to start', async () => {
  const engine = createEngine({ datastore: ds, onError: () => undefined });
  await engine.close();
  await expect(engine.start()).rejects.toThrow(/closed/);
  await expect(engine.close()).resolves.toBeUndefined();
});
