// BullMQ's event table on PostgreSQL is trimmed by the engine a bounded step at a time, never past
// what the cluster has recorded; BullMQ's own one-delete trim is pushed back to a far backstop.
import type { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { eventually, testDatastore, type TestDatastore } from './engine-test-support.ts';

let t: TestDatastore;
let ds: Datastore;
let engine: BullJobEngine;
let sql: pg.Client;
let raw: Queue;

const events = async (queue: string) =>
  (await sql.query<{ n: string; min: string; max: string }>(`SELECT count(*) AS n, min(id) AS min, max(id) AS max FROM bullmq.event WHERE queue = $1`, [queue])).rows[0]!;

beforeAll(async () => {
  t = await testDatastore('postgres');
  ds = await t.open();
  engine = createEngine({ datastore: ds, reconcileEveryMs: 0 });
  await engine.start();
  sql = new pg.Client({ connectionString: t.spec });
  await sql.connect();
  raw = new ds.bullmq.classes.Queue('report', { ...ds.bullmq.options(), skipMetasUpdate: true }) as Queue;
});

afterAll(async () => {
  await raw?.close();
  await sql?.end();
  await engine?.close();
  await ds?.close();
  await t?.cleanup();
});

test('our queues push BullMQ’s own trim back to a backstop far behind ours', async () => {
  const { rows } = await sql.query<{ value: string }>(`SELECT value FROM bullmq.meta WHERE queue = 'report' AND field = 'opts.maxLenEvents'`);
  expect(Number(rows[0]?.value)).toBe(ds.bullmq.streamMaxLen);
  expect(ds.bullmq.streamMaxLen).toBeGreaterThan(10_000);
});

test('a set-based addBulk backlog is trimmed in bounded steps, only past what the cluster recorded', async () => {
  // 600 jobs in one set-based call: 1,200 events that BullMQ appends without trimming.
  const jobs = Array.from({ length: 600 }, (_, i) => ({
    name: 'report',
    data: { user: 'trim', priority: 'normal', config: {} },
    opts: { jobId: `report-trim${String(i).padStart(4, '0')}` },
  }));
  await raw.addBulk(jobs);
  const before = await events('report');
  expect(Number(before.n)).toBeGreaterThanOrEqual(1_200);

  // Trimming only goes as far as the cluster recorded: let the recorder take the batch first.
  await eventually(async () => ds.store.getRow('report-trim0599'), 60_000, 'the index has the batch');
  await engine.settle();

  // Three steps of 100 at most, whatever the backlog: each call deletes a bounded chunk.
  const firstCall = await engine.trimStreams({ keep: 200, chunk: 100, maxSteps: 3 });
  expect(firstCall).toBe(300);
  expect(Number((await events('report')).n)).toBe(Number(before.n) - 300);
  // Further calls go on until only the newest `keep` events are left.
  let dropped = firstCall;
  for (let n = -1; n !== 0; dropped += n) n = await engine.trimStreams({ keep: 200, chunk: 100, maxSteps: 3 });
  const after = await events('report');
  expect(Number(after.n)).toBeLessThanOrEqual(200);
  expect(after.max).toBe(before.max);
  expect(dropped).toBe(Number(before.n) - Number(after.n));
});

test('a step never trims past the given recorded position', async () => {
  await raw.addBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'report', data: { user: 'trim2', priority: 'normal', config: {} }, opts: { jobId: `report-bound${i}` } })));
  const before = await events('report');
  const upTo = String(BigInt(before.max) - 40n);
  const n = await ds.bullmq.trimEvents!('report', { keep: 0, upTo, chunk: 100_000 });
  expect(n).toBeGreaterThan(0);
  const after = await events('report');
  expect(BigInt(after.min)).toBe(BigInt(upTo) + 1n);
  expect(Number(after.n)).toBe(40);
});
