// Appends of one process reach PostgreSQL one at a time: the server serialises them on an advisory
// lock anyway, and parking concurrent ones on it would hold a pool connection each.
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testDatastore, type TestDatastore } from '../engine/engine-test-support.ts';
import { PRIORITIES } from '../../contract/domain.ts';
import { createEngine } from '../engine/create-engine.ts';
import { eventually } from '../engine/engine-test-support.ts';
import type { Datastore } from './open-datastore.ts';
import type { RecordChange } from './shared-store.ts';

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

const queueChange = (key: string): RecordChange => {
  const at = new Date().toISOString();
  return { dedupKey: key, src: '', at, other: { kind: 'queue', at, type: 'report', paused: false, concurrency: 2 } };
};

test('concurrent recordChanges calls run one at a time, in call order, and a failed one does not block the next', async () => {
  // The store's pool is private; watch its queries from outside to count appends in flight.
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let inFlight = 0;
  let maxInFlight = 0;
  let failNext = false;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    const appending = String(args[0]).includes('sq_record_batch');
    if (!appending) return query(...args);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (failNext) {
        failNext = false;
        throw new Error('connection lost (test)');
      }
      return await query(...args);
    } finally {
      inFlight -= 1;
    }
  };
  try {
    const calls = Array.from({ length: 6 }, (_, i) => ds.store.recordChanges(Array.from({ length: 20 }, (_, k) => queueChange(`append-test:${i}:${k}`))));
    const results = await Promise.all(calls);
    expect(maxInFlight).toBe(1);
    const ids = results.flat().map((r) => Number(r.eventId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(120);

    failNext = true;
    const failed = ds.store.recordChanges([queueChange('append-test:fails')]);
    const after = ds.store.recordChanges([queueChange('append-test:after')]);
    await expect(failed).rejects.toThrow(/connection lost/);
    expect((await after)[0]!.eventId).not.toBeNull();
  } finally {
    (pool as unknown as { query: unknown }).query = query;
  }
});

test('changes that wait behind a running append are sent together in one call, each caller answered with its own', async () => {
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let appends = 0;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    if (String(args[0]).includes('sq_record_batch')) appends += 1;
    return query(...args);
  };
  try {
    // Sixteen submits at once: the first goes alone, the fifteen behind it share the next call.
    const calls = Array.from({ length: 16 }, (_, i) => ds.store.recordChanges([queueChange(`join-test:${i}`)]));
    const results = await Promise.all(calls);
    expect(appends).toBe(2);
    const ids = results.map((r) => Number(r[0]!.eventId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(16);
    // A repeated change (same dedup key) is answered as recorded already, in a joined call too.
    const again = await Promise.all([ds.store.recordChanges([queueChange('join-test:x')]), ds.store.recordChanges([queueChange('join-test:0')])]);
    expect(again[0]![0]!.eventId).not.toBeNull();
    expect(again[1]![0]!.eventId).toBeNull();
  } finally {
    (pool as unknown as { query: unknown }).query = query;
  }
});

test('audit records that wait behind a running insert are written together, in the order they came, each answered with its own id', async () => {
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let inserts = 0;
  let failNext = false;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    if (/INSERT INTO \S*audit\b/.test(String(args[0]))) {
      inserts += 1;
      if (failNext) {
        failNext = false;
        throw new Error('connection lost (test)');
      }
    }
    return query(...args);
  };
  const record = (n: number) => ({ at: new Date().toISOString(), actor: 'ann', role: 'operator' as const, action: 'job.submit', target: `audit-join-${n}`, sourceAddress: '127.0.0.1', status: 201, result: 'ok' });
  try {
    // Sixteen API calls answered at once: the first record goes alone, the fifteen behind it share the next insert.
    const written = await Promise.all(Array.from({ length: 16 }, (_, n) => ds.store.appendAudit(record(n))));
    expect(inserts).toBe(2);
    const ids = written.map((r) => BigInt(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(ids).size).toBe(16);
    const listed = await ds.store.listAudit(undefined, 16);
    expect(listed.map((r) => [r.id, r.target])).toEqual(written.map((r) => [r.id, r.target]).reverse());
    // A failed insert fails its own records only.
    failNext = true;
    const failed = ds.store.appendAudit(record(100));
    const after = ds.store.appendAudit(record(101));
    await expect(failed).rejects.toThrow(/connection lost/);
    expect((await after).target).toBe('audit-join-101');
  } finally {
    (pool as unknown as { query: unknown }).query = query;
  }
});

test('a burst of submits has the job index analysed as it grows, without waiting for the next autovacuum round', async () => {
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const table = (ds.store as unknown as { t: (name: string) => string }).t('job_index');
  const statistics = async () =>
    (
      await pool.query<{ rows: number; analysed: boolean }>(
        'SELECT c.reltuples AS rows, s.last_analyze IS NOT NULL AS analysed FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = $1::regclass',
        [table],
      )
    ).rows[0]!;
  const engine = createEngine({ datastore: ds });
  const actor = { name: 'tester', role: 'operator' as const, sourceAddress: '127.0.0.1' };
  try {
    for (let b = 0; b < 6; b++) {
      const jobs = Array.from({ length: 200 }, (_, n) => ({ type: 'report' as const, user: 'burst', priority: PRIORITIES[n % 4]!, config: {} }));
      expect((await engine.submitBatch({ jobs }, actor)).submitted).toBe(200);
      // The server counts a connection's changes in its statistics about once a second.
      await new Promise((r) => setTimeout(r, 1_100));
    }
    const analysed = await eventually(async () => {
      const s = await statistics();
      return s.analysed && s.rows >= 1_000 ? s : null;
    }, 10_000, 'the job index analysed');
    expect(analysed.rows).toBeGreaterThanOrEqual(1_000);
  } finally {
    await engine.close();
  }
});

test('a recorder position moved with nothing to record takes no place in the line of appends, and only moves forward', async () => {
  const pool = (ds.store as unknown as { pool: pg.Pool }).pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holding = true;
  (pool as unknown as { query: unknown }).query = async (...args: unknown[]) => {
    // The first append waits until released: anything queued behind it waits too.
    if (holding && String(args[0]).includes('sq_record_batch')) {
      holding = false;
      await held;
    }
    return query(...args);
  };
  try {
    const append = ds.store.recordChanges([queueChange('cursor-test:held')]);
    await ds.store.recordChanges([], { cursor: { queue: 'cursor-test', position: '00000000000000000005' } });
    expect(await ds.store.recorderCursor('cursor-test')).toBe('00000000000000000005');
    await ds.store.recordChanges([], { cursor: { queue: 'cursor-test', position: '00000000000000000003' } });
    expect(await ds.store.recorderCursor('cursor-test')).toBe('00000000000000000005');
    release();
    expect((await append)[0]!.eventId).not.toBeNull();
  } finally {
    release();
    (pool as unknown as { query: unknown }).query = query;
  }
});
