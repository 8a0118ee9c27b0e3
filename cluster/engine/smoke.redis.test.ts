import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Datastore } from '../datastore/open-datastore.ts';
import { createEngine, type BullJobEngine } from './create-engine.ts';
import { ADMIN, testDatastore, type TestDatastore } from './engine-test-support.ts';

let t: TestDatastore; let ds: Datastore; let engine: BullJobEngine;
beforeAll(async () => { t = await testDatastore('redis'); ds = await t.open(); engine = await createEngine({ datastore: ds }); });
afterAll(async () => { await engine?.close(); await ds?.close(); await t?.cleanup(); });

test('smoke', async () => {
  const job = await engine.submit({ type: 'backtest', user: 'bob', priority: 'high', config: {} } as never, ADMIN);
  expect(job.state).toBe('pending');
  expect(job.position).toBe(1);
  const page = await engine.listJobs({ sort: '-created', limit: 10 } as never);
  expect(page.items.map((j) => j.id)).toEqual([job.id]);
  const detail = await engine.getJob(job.id);
  expect(detail.config).toMatchObject({ strategy: 'sma-crossover' });
  await engine.settle();
  const ev = await engine.readEvents('0', 100);
  console.log(JSON.stringify(ev.events.map(e => [e.id, e.kind, (e as {change?:string}).change])));
  const r = await engine.jobAction(job.id, 'cancel', {}, ADMIN);
  expect(r.job?.state).toBe('cancelled');
  const r2 = await engine.jobAction(job.id, 'retry', {}, ADMIN);
  expect(r2.job?.state).toBe('pending');
  console.log(JSON.stringify((await engine.readEvents('0', 100)).events.map(e => [e.id, e.kind, (e as {change?:string}).change])));
});
