// On PostgreSQL, BullMQ's event ids come from a sequence: a transaction can take an id and commit
// after later ids were committed and read. The recorder still records what such an event announces.
import type { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { ADMIN, eventually, testDatastore, type TestDatastore } from './engine-test-support.ts';

let t: TestDatastore;
let ds: Datastore;
let engine: BullJobEngine;
let late: pg.Client;
let raw: Queue;

const DATA = { user: 'late', priority: 'normal', config: {} };

beforeAll(async () => {
  t = await testDatastore('postgres');
  ds = await t.open();
  // No reconciliation: what is recorded here is the recorders' own doing.
  engine = createEngine({ datastore: ds, reconcileEveryMs: 0 });
  await engine.start();
  late = new pg.Client({ connectionString: t.spec });
  await late.connect();
  raw = new ds.bullmq.classes.Queue('report', { ...ds.bullmq.options(), skipMetasUpdate: true }) as Queue;
});

afterAll(async () => {
  await late?.query('ROLLBACK').catch(() => undefined);
  await late?.end();
  await raw?.close();
  await engine?.close();
  await ds?.close();
  await t?.cleanup();
});

test('an event whose transaction commits after later events were recorded is recorded too', async () => {
  // A job added in a transaction that stays open: its `added` takes an event id now…
  await late.query('BEGIN');
  await late.query(`SELECT bullmq.add_job('report', 'report-late', 'report', $1::jsonb, '{}'::jsonb, 0, 0, $2, 1, NULL, NULL, NULL, NULL, NULL, false)`, [
    JSON.stringify(DATA),
    Date.now(),
  ]);
  // …while a job added after it commits at once, and the recorder reads past the open one's id.
  await raw.add('report', DATA, { jobId: 'report-early' });
  await eventually(async () => (await ds.store.getRow('report-early'))?.base === 'pending', 15_000, 'the later job is recorded');
  await engine.settle();
  await late.query('COMMIT');
  const row = await eventually(async () => ds.store.getRow('report-late'), 10_000, 'the late job is recorded');
  expect(row.base).toBe('pending');
});

test('a completion the stream lost releases the jobs held for it at the next reconciliation', async () => {
  const submit = (r: Partial<SubmitJobRequest>) => engine.submit({ type: 'report', user: 'holds', priority: 'normal', config: {}, ...r } as SubmitJobRequest, ADMIN);
  const first = await submit({});
  const held = await submit({ dependsOn: [first.id] });
  await engine.settle();
  await engine.close();
  // No engine runs while a worker completes the first job, and its events are gone from the
  // stream before one reads them (as in a range the recorder gave up on).
  const worker = new ds.bullmq.classes.Worker('report', async () => null, ds.bullmq.options());
  worker.on('error', () => undefined);
  try {
    await eventually(async () => (await raw.getJob(first.id))?.finishedOn, 30_000, 'the first job completed in BullMQ');
  } finally {
    await worker.close();
  }
  await late.query(`DELETE FROM bullmq.event WHERE queue = 'report' AND data->>'jobId' = $1 AND event IN ('active', 'completed')`, [first.id]);
  engine = createEngine({ datastore: ds, reconcileEveryMs: 0 });
  await engine.start();
  await engine.settle();
  expect((await ds.store.getRow(first.id))?.base).toBe('pending');
  expect(await (await raw.getJob(held.id))!.getState()).toBe('delayed');

  await engine.reconcile({ confirmed: false });
  expect((await ds.store.getRow(first.id))?.base).toBe('completed');
  expect(await (await raw.getJob(held.id))!.getState()).not.toBe('delayed');
});

test('an event that commits late while no recorder runs is recorded by the recorder that resumes', async () => {
  await late.query('BEGIN');
  await late.query(`SELECT bullmq.add_job('report', 'report-resumed-late', 'report', $1::jsonb, '{}'::jsonb, 0, 0, $2, 1, NULL, NULL, NULL, NULL, NULL, false)`, [
    JSON.stringify(DATA),
    Date.now(),
  ]);
  await raw.add('report', DATA, { jobId: 'report-resumed-early' });
  await eventually(async () => ds.store.getRow('report-resumed-early'), 15_000, 'the later job is recorded');
  await engine.settle();
  // The recorder that read past the open transaction's id stops before it commits.
  await engine.close();
  await late.query('COMMIT');
  engine = createEngine({ datastore: ds, reconcileEveryMs: 0 });
  await engine.start();
  const row = await eventually(async () => ds.store.getRow('report-resumed-late'), 10_000, 'the late job is recorded');
  expect(row.base).toBe('pending');
});
