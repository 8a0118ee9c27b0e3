// A list page's places in line come from one statement, whatever the page holds: a count per
// pending job made a page of 50 cost 50 round trips.
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ListJobsQuery, SubmitJobRequest } from '../../contract/api.ts';
import { PRIORITIES } from '../../contract/domain.ts';
import { createEngine } from '../engine/create-engine.ts';
import { testDatastore, type TestDatastore } from '../engine/engine-test-support.ts';
import type { Datastore } from './open-datastore.ts';

let t: TestDatastore;
let ds: Datastore;

beforeAll(async () => {
  t = await testDatastore('postgres');
  ds = await t.open();
});

afterAll(async () => {
  await ds?.close();
  await t?.cleanup();
});

test('the places in line of a page of pending jobs of two types and four priorities: right, and read in one query', async () => {
  const engine = createEngine({ datastore: ds });
  const actor = { name: 'tester', role: 'operator' as const, sourceAddress: '127.0.0.1' };
  for (let i = 0; i < 24; i++) {
    await engine.submit(SubmitJobRequest.parse({ type: i % 2 ? 'report' : 'signal', user: 'pos', priority: PRIORITIES[i % 4], config: {} }), actor);
  }
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let counts = 0;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    if (/count\(\*\)/i.test(String(args[0]))) counts += 1;
    return query(...args);
  };
  try {
    const newest = await engine.listJobs(ListJobsQuery.parse({ state: 'pending', sort: '-created', limit: 20 }));
    expect(newest.items).toHaveLength(20);
    expect(counts).toBe(1);
    // Each job's place is its rank in its own queue's run order (priority, then FIFO).
    for (const type of ['signal', 'report'] as const) {
      const inLine = await engine.listJobs(ListJobsQuery.parse({ state: 'pending', type, sort: 'position', limit: 50 }));
      expect(inLine.items.map((j) => j.position)).toEqual(inLine.items.map((_, i) => i + 1));
      const place = new Map(inLine.items.map((j) => [j.id, j.position]));
      for (const j of newest.items.filter((x) => x.type === type)) expect(j.position).toBe(place.get(j.id));
    }
  } finally {
    (pool as unknown as { query: unknown }).query = query;
    await engine.close();
  }
});

test('a batch of one type and four priorities is placed with a few counts (a run of a priority with nothing among it costs two), and a run with other jobs among its rows is still placed right', async () => {
  const engine = createEngine({ datastore: ds });
  const actor = { name: 'tester', role: 'operator' as const, sourceAddress: '127.0.0.1' };
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let subCounts = 0;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    subCounts += String(args[0]).match(/count\(\*\)/gi)?.length ?? 0;
    return query(...args);
  };
  try {
    const jobs = Array.from({ length: 40 }, (_, i) => ({ type: 'training', user: i % 3 ? 'odd' : 'even', priority: PRIORITIES[i % 4], config: {} }));
    subCounts = 0;
    const batch = await engine.submitBatch({ jobs }, actor);
    expect(batch.submitted).toBe(40);
    expect(subCounts).toBeLessThanOrEqual(8);
    const inLine = await engine.listJobs(ListJobsQuery.parse({ state: 'pending', type: 'training', sort: 'position', limit: 50 }));
    const place = new Map(inLine.items.map((j, i) => [j.id, i + 1]));
    for (const r of batch.results) expect(r.ok && r.job.position).toBe(r.ok && place.get(r.job.id));
    // One user's jobs of a priority have the other user's between them: their gaps are counted.
    const odd = await engine.listJobs(ListJobsQuery.parse({ state: 'pending', type: 'training', user: 'odd', sort: 'position', limit: 50 }));
    expect(odd.items).toHaveLength(26);
    subCounts = 0;
    await engine.listJobs(ListJobsQuery.parse({ state: 'pending', type: 'training', user: 'odd', sort: 'position', limit: 50 }));
    expect(subCounts).toBeGreaterThan(8);
    for (const j of odd.items) expect(j.position).toBe(place.get(j.id));
  } finally {
    (pool as unknown as { query: unknown }).query = query;
    await engine.close();
  }
});
