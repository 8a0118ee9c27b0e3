/**
 * Idempotent and batch submits, run against every datastore (submit.redis.test.ts,
 * submit.pg.test.ts, submit-embedded.pg.test.ts): the key store lives in each datastore.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import { BULLMQ_PRIORITY, PRIORITIES } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { ADMIN, eventually, testDatastore, type TestDatastore, type TestKind } from './engine-test-support.ts';
import { EngineError } from './job-engine.ts';
import { aheadOf } from './wait-forecast.ts';

const request = (user: string, symbol = 'AAPL') => ({ type: 'backtest', user, priority: 'normal', config: { symbols: [symbol] } }) as SubmitJobRequest;
const OPERATOR = { ...ADMIN, name: 'platform', role: 'operator' as const };

export function submitSuite(kind: TestKind): void {
  let t: TestDatastore;
  let ds: Datastore;
  let engine: BullJobEngine;

  beforeAll(async () => {
    t = await testDatastore(kind);
    ds = await t.open();
    engine = createEngine({ datastore: ds, reconcileEveryMs: 0 });
    await engine.start();
  });

  afterAll(async () => {
    await engine?.close();
    await ds?.close();
    await t?.cleanup();
  });

  const jobsOf = async (user: string) => (await engine.listJobs({ sort: '-created', limit: 100, user: [user] } as never)).items.map((j) => j.id).sort();

  test('the same Idempotency-Key answers the first job; another request under it is refused', async () => {
    const first = await engine.submit(request('idem-one'), OPERATOR, { idempotencyKey: 'k-1' });
    const again = await engine.submit(request('idem-one'), OPERATOR, { idempotencyKey: 'k-1' });
    expect(again).toEqual(first);
    // Key order does not make another request.
    const reordered = await engine.submit({ config: { symbols: ['AAPL'] }, priority: 'normal', user: 'idem-one', type: 'backtest' }, OPERATOR, { idempotencyKey: 'k-1' });
    expect(reordered.id).toBe(first.id);
    const other = await engine.submit(request('idem-one', 'MSFT'), OPERATOR, { idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(EngineError);
    expect((other as EngineError).code).toBe('idempotency_key_reused');
    expect((other as EngineError).message).toMatch(/k-1.*different request/);
    // Keys belong to a token: another token's same key is its own request.
    const theirs = await engine.submit(request('idem-one'), { ...OPERATOR, name: 'someone-else' }, { idempotencyKey: 'k-1' });
    expect(theirs.id).not.toBe(first.id);
    await engine.settle();
    expect(await jobsOf('idem-one')).toEqual([first.id, theirs.id].sort());
  });

  test('a batch validates and answers each job, and its repetition under the same key adds nothing', async () => {
    const body = { jobs: [request('batch-one'), { type: 'backtest', user: 'batch-one', config: { symbols: ['not a symbol'] } }, { ...request('batch-one'), type: 'report', config: {} }, request('batch-one', 'MSFT')] };
    const res = await engine.submitBatch(body, OPERATOR, { idempotencyKey: 'batch-1' });
    expect(res.submitted).toBe(3);
    expect(res.failed).toBe(1);
    expect(res.results.map((r) => [r.index, r.ok])).toEqual([[0, true], [1, false], [2, true], [3, true]]);
    const bad = res.results[1]!;
    expect(bad.ok === false && bad.error.code).toBe('validation_failed');
    expect(bad.ok === false && bad.error.message).toMatch(/config\.symbols\.0/);
    const ids = res.results.flatMap((r) => (r.ok ? [r.job.id] : []));
    expect(res.results[2]!.ok && res.results[2]!.job.type).toBe('report');
    const again = await engine.submitBatch(body, OPERATOR, { idempotencyKey: 'batch-1' });
    expect(again).toEqual(res);
    const reused = await engine.submitBatch({ jobs: [request('batch-one')] }, OPERATOR, { idempotencyKey: 'batch-1' }).catch((e: unknown) => e);
    expect((reused as EngineError).code).toBe('idempotency_key_reused');
    await engine.settle();
    expect(await jobsOf('batch-one')).toEqual(ids.sort());
    // Each job is a normal job: listed, with its detail.
    expect((await engine.getJob(ids[0]!)).user).toBe('batch-one');
  });

  test("the line a submit's wait prediction counts is read from the job index, and is BullMQ's own line", async () => {
    const queue = engine.queue('signal');
    let bullCounts = 0;
    const spied = { getJobCounts: queue.getJobCounts, getCountsPerPriority: queue.getCountsPerPriority };
    queue.getJobCounts = (...args) => ((bullCounts += 1), spied.getJobCounts.apply(queue, args));
    queue.getCountsPerPriority = (...args) => ((bullCounts += 1), spied.getCountsPerPriority.apply(queue, args));
    try {
      for (let i = 0; i < 11; i++) await engine.submit({ type: 'signal', user: 'line', priority: PRIORITIES[i % 4]!, config: {} }, OPERATOR);
      // Scheduled for later: pending, but in no line yet.
      const later = new Date(Date.now() + 3_600_000).toISOString();
      await engine.submitBatch({ jobs: [0, 1, 2].map((i) => ({ type: 'signal', user: 'line', priority: PRIORITIES[i]!, runAt: later, config: {} })) }, OPERATOR);
      await engine.submitBatch({ jobs: [0, 1, 2, 3, 3].map((i) => ({ type: 'signal', user: 'line', priority: PRIORITIES[i]!, config: {} })) }, OPERATOR);
      expect(bullCounts).toBe(0);
      await engine.settle();
      const line = await ds.store.lineCounts('signal');
      const [counts, perPriority] = await Promise.all([
        spied.getJobCounts.call(queue, 'wait', 'active'),
        spied.getCountsPerPriority.call(queue, PRIORITIES.map((p) => BULLMQ_PRIORITY[p])),
      ]);
      expect(line.ready).toEqual({ critical: 4, high: 4, normal: 4, low: 4 });
      expect(line.active).toBe(counts.active ?? 0);
      for (const priority of PRIORITIES) {
        const rank = BULLMQ_PRIORITY[priority];
        const bullAhead = (counts.wait ?? 0) + Object.entries(perPriority).reduce((n, [p, c]) => (Number(p) <= rank ? n + c : n), 0);
        expect(aheadOf(line, priority)).toBe(bullAhead);
      }
    } finally {
      Object.assign(queue, spied);
    }
  });

  test('the recorder meets the added events of jobs this node submitted and recorded, and checks nothing for them', async () => {
    const checked: string[] = [];
    const recordedKeys = ds.store.recordedKeys.bind(ds.store);
    ds.store.recordedKeys = async (keys) => (checked.push(...keys), recordedKeys(keys));
    try {
      const before = await ds.store.recorderCursor('training');
      const jobs = Array.from({ length: 12 }, (_, i) => ({ type: 'training', user: 'recorded-here', priority: PRIORITIES[i % 4]!, config: {} }));
      const res = await engine.submitBatch({ jobs }, OPERATOR);
      expect(res.submitted).toBe(12);
      const single = await engine.submit({ type: 'training', user: 'recorded-here', priority: 'low', config: {} }, OPERATOR);
      // The recorder moved past their events: it met them.
      await eventually(async () => (await ds.store.recorderCursor('training')) !== before);
      await engine.settle();
      const ids = [...res.results.flatMap((r) => (r.ok ? [r.job.id] : [])), single.id];
      expect(checked.filter((key) => ids.some((id) => key.includes(id)))).toEqual([]);
      expect((await jobsOf('recorded-here')).length).toBe(13);
    } finally {
      ds.store.recordedKeys = recordedKeys;
    }
  });

  test('a recorder meeting the added events of a batch whose index write is still under way waits for it, and neither checks nor records those jobs itself', async () => {
    const checked: string[] = [];
    const written: string[] = [];
    const { recordedKeys, recordChanges } = ds.store;
    ds.store.recordedKeys = async (keys) => (checked.push(...keys), recordedKeys.call(ds.store, keys));
    ds.store.recordChanges = async (changes, options) => {
      // The submit's write (it asks for the rows back) is slow: the recorder meets the events first.
      if (options?.returnRows) await new Promise((r) => setTimeout(r, 400));
      else written.push(...changes.flatMap((c) => (c.job ? [c.job.row.id] : [])));
      return recordChanges.call(ds.store, changes, options);
    };
    try {
      const before = await ds.store.recorderCursor('report');
      const jobs = Array.from({ length: 20 }, (_, i) => ({ type: 'report', user: 'slow-write', priority: PRIORITIES[i % 4]!, config: {} }));
      const res = await engine.submitBatch({ jobs }, OPERATOR);
      expect(res.submitted).toBe(20);
      await eventually(async () => (await ds.store.recorderCursor('report')) !== before);
      await engine.settle();
      const ids = res.results.flatMap((r) => (r.ok ? [r.job.id] : []));
      expect(checked.filter((key) => ids.some((id) => key.includes(id)))).toEqual([]);
      expect(written.filter((id) => ids.includes(id))).toEqual([]);
      expect((await jobsOf('slow-write')).length).toBe(20);
      expect(res.results.every((r) => r.ok && r.job.position !== undefined)).toBe(true);
    } finally {
      Object.assign(ds.store, { recordedKeys, recordChanges });
    }
  });
}
