/**
 * Idempotent and batch submits, run against every datastore (submit.redis.test.ts,
 * submit.pg.test.ts, submit-embedded.pg.test.ts): the key store lives in each datastore.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { ADMIN, testDatastore, type TestDatastore, type TestKind } from './engine-test-support.ts';
import { EngineError } from './job-engine.ts';

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
}
