/**
 * The cluster while its datastore is down (datastore-outage.redis.test.ts, datastore-outage.pg.test.ts):
 * calls answer 503 `datastore_unavailable` at once instead of hanging, submits refused meanwhile
 * are never carried out later, idempotent submits retried across the outage create one job, and
 * worker heartbeats resume as soon as the datastore is back. The datastore is a server of the
 * test's own, stopped and started again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatastoreKind } from '../../contract/api.ts';
import { apiFixture, type ApiFixture } from '../api/testing/api-fixture.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { WorkerRegistry } from '../workers/worker-registry.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { eventually } from './engine-test-support.ts';
import { workerKey, type WorkerRegistration } from './worker-nodes.ts';

export interface OutageServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export interface OutageSuiteOptions {
  kind: Extract<DatastoreKind, 'redis' | 'postgres'>;
  /** The datastore in the words of the 503 message, e.g. "Redis at redis://127.0.0.1:6379". */
  name: (url: string) => string;
  server(): Promise<OutageServer>;
  open(url: string): Promise<Datastore>;
}

export function datastoreOutageSuite(options: OutageSuiteOptions): void {
  let server: OutageServer;
  let ds: Datastore;
  let engine: BullJobEngine;
  let api: ApiFixture;

  /** An answer, or a failure when there is none within 10 s (the call hangs). */
  async function call(method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
    const answer = api.server.app.inject({ method, url, payload: payload as object, headers: { ...api.auth('operator'), ...headers } });
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${method} ${url}: no answer within 10 s`)), 10_000));
    return Promise.race([answer, deadline]);
  }

  const job = (user: string, symbol = 'AAPL') => ({ type: 'backtest', user, config: { symbols: [symbol] } });

  async function jobsOf(user: string): Promise<string[]> {
    const res = await call('GET', `/api/v1/jobs?user=${user}&limit=100`);
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: { id: string }[] }).items.map((j) => j.id);
  }

  async function outage(during: () => Promise<void>): Promise<void> {
    await server.stop();
    await eventually(async () => !ds.availability.reachable, 10_000, 'the outage to be noticed');
    try {
      await during();
    } finally {
      await server.start();
    }
    await eventually(async () => (await call('GET', '/healthz')).statusCode === 200, 20_000, 'healthz to answer 200 again');
  }

  beforeAll(async () => {
    server = await options.server();
    ds = await options.open(server.url);
    engine = createEngine({ datastore: ds, reconcileEveryMs: 0, onError: () => undefined });
    await engine.start();
    api = await apiFixture(engine, { rateLimit: false });
  }, 120_000);

  afterAll(async () => {
    await api?.server.close();
    await engine?.close();
    await ds?.close();
    await server?.dispose();
  });

  describe(`${options.kind} down`, () => {
    it(`answers 503 datastore_unavailable with Retry-After, names the datastore, and healthz says 503 until it is back`, async () => {
      await outage(async () => {
        const health = await call('GET', '/healthz');
        expect(health.statusCode).toBe(503);
        expect(health.json()).toMatchObject({ ok: false, datastore: { kind: options.kind, reachable: false } });
        for (const url of ['/api/v1/jobs', '/api/v1/summary', '/api/v1/queues', '/api/v1/workers']) {
          const res = await call('GET', url);
          expect(res.statusCode, url).toBe(503);
          expect(res.headers['retry-after'], url).toBe('5');
          const { error } = res.json() as { error: { code: string; message: string } };
          expect(error.code, url).toBe('datastore_unavailable');
          expect(error.message, url).toContain(options.name(server.url));
        }
      });
      expect((await call('GET', '/healthz')).json()).toMatchObject({ ok: true, datastore: { reachable: true } });
    }, 60_000);

    it('refuses submits meanwhile and never carries them out once the datastore is back', async () => {
      await outage(async () => {
        for (let i = 0; i < 5; i++) {
          const res = await call('POST', '/api/v1/jobs', job('refused'));
          expect(res.statusCode).toBe(503);
          expect((res.json() as { error: { code: string; message: string } }).error.message).toContain('the job was not submitted');
          const batch = await call('POST', '/api/v1/jobs/batch', { jobs: [job('refused'), job('refused')] });
          expect(batch.statusCode).toBe(503);
        }
      });
      // Anything queued during the outage would run now: give it the chance, then look in BullMQ and the index.
      await new Promise((r) => setTimeout(r, 1_500));
      await engine.settle();
      const counts = await engine.queue('backtest').getJobCounts();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
      expect(await jobsOf('refused')).toEqual([]);
    }, 60_000);

    it('creates one job for an idempotent submit retried across the outage', async () => {
      const first = await call('POST', '/api/v1/jobs', job('idem'), { 'idempotency-key': 'order-1' });
      expect(first.statusCode).toBe(201);
      await outage(async () => {
        const retried = await call('POST', '/api/v1/jobs', job('idem'), { 'idempotency-key': 'order-1' });
        expect(retried.statusCode).toBe(503);
        const never = await call('POST', '/api/v1/jobs', job('idem', 'MSFT'), { 'idempotency-key': 'order-2' });
        expect(never.statusCode).toBe(503);
      });
      const again = await call('POST', '/api/v1/jobs', job('idem'), { 'idempotency-key': 'order-1' });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      const second = await call('POST', '/api/v1/jobs', job('idem', 'MSFT'), { 'idempotency-key': 'order-2' });
      expect(second.statusCode).toBe(201);
      const secondAgain = await call('POST', '/api/v1/jobs', job('idem', 'MSFT'), { 'idempotency-key': 'order-2' });
      expect(secondAgain.json()).toEqual(second.json());
      await engine.settle();
      expect((await jobsOf('idem')).sort()).toEqual([(first.json() as { id: string }).id, (second.json() as { id: string }).id].sort());
    }, 60_000);

    it('heartbeats a worker node as soon as the datastore is back, not at its next beat', async () => {
      const registry = new WorkerRegistry('node-outage', ds.store, () => ({ queues: ['report'], concurrency: {}, runningJobs: [], children: [] }), () => undefined, 600_000, ds.availability);
      await registry.start();
      let back = 0;
      await outage(async () => {
        back = Date.now();
      });
      const beat = await eventually(async () => {
        const reg = await ds.store.getSetting<WorkerRegistration>(workerKey('node-outage')).catch(() => null);
        return reg && Date.parse(reg.lastHeartbeatAt) >= back ? reg : null;
      }, 10_000, 'a heartbeat after the outage');
      expect(beat.id).toBe('node-outage');
      await registry.stop();
    }, 60_000);
  });
}
