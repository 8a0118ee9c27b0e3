import { afterEach, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { Job } from '../../../contract/jobs.ts';
import { JobCache } from '../cache/job-cache.ts';
import { ClusterClient, type ConnectionState } from '../clusters/cluster-client.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { compareEventIds } from '../../../contract/events.ts';
import { ClusterSync, eventIdOrder } from './cluster-sync.ts';
import { EventCoalescer } from './event-coalescer.ts';

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The cache's jobs of a cluster equal the cluster's, field by field. */
function sameAsCluster(cache: JobCache, fake: FakeCluster): boolean {
  const cached = new Map(cache.allJobs('c1').map((j) => [j.id, j]));
  if (cached.size !== fake.jobs.size) return false;
  for (const { job } of fake.jobs.values()) {
    const c = cached.get(job.id);
    if (!c || c.state !== job.state || c.updatedAt !== job.updatedAt || c.priority !== job.priority || c.attempts !== job.attempts) return false;
  }
  return true;
}

describe('eventIdOrder', () => {
  it('orders like compareEventIds (numerically), also with leading zeros and huge ids', () => {
    const ids = ['0', '1', '9', '10', '011', '99', '100', '12345678901234567890', '12345678901234567891', '9999999999999999999999'];
    for (const a of ids) for (const b of ids) expect(Math.sign(eventIdOrder(a, b))).toBe(compareEventIds(a, b));
  });
});

describe('EventCoalescer', () => {
  it('keeps only the newest record per job, with the last id', () => {
    const c = new EventCoalescer();
    c.addJob('1', makeJob(1, { state: 'pending' }));
    c.addJob('2', makeJob(2));
    c.addJob('3', makeJob(1, { state: 'running' }));
    c.addRemoval('4', 'job-2');
    c.addOther('5');
    expect(c.size).toBe(5);
    const batch = c.drain();
    expect(batch.jobs.map((j) => [j.id, j.state])).toEqual([['job-1', 'running']]);
    expect(batch.removed).toEqual(['job-2']);
    expect(batch.lastEventId).toBe('5');
    expect(c.drain()).toEqual({ jobs: [], removed: [], lastEventId: null, events: 0 });
  });

  it('a job re-created after its removal is kept', () => {
    const c = new EventCoalescer();
    c.addRemoval('1', 'job-1');
    c.addJob('2', makeJob(1));
    expect(c.drain()).toMatchObject({ jobs: [{ id: 'job-1' }], removed: [] });
  });
});

describe('ClusterSync against a cluster', () => {
  let fake: FakeCluster;
  let cache: JobCache;
  let client: ClusterClient | null = null;
  let changedIds: string[] = [];
  const states: ConnectionState[] = [];

  async function connect(options: { historyPageSize?: number } = {}) {
    client = new ClusterClient({
      id: 'c1',
      endpoint: { url: fake.url, token: fake.token },
      backoff: { baseMs: 20, capMs: 200 },
      refreshMs: 60_000,
      onChange: (s) => states.push(s),
    });
    const sync = new ClusterSync({
      clusterId: 'c1',
      cache,
      http: client.http,
      historyPageSize: options.historyPageSize ?? 7,
      flushMs: 20,
      maxBatch: 50,
      onJobsChanged: (ids) => changedIds.push(...ids),
    });
    client.start(sync);
    await waitFor('online', () => client!.connection.status === 'online');
    return sync;
  }

  afterEach(async () => {
    await client?.stop();
    client = null;
    await fake?.close();
    cache?.close();
    changedIds = [];
    states.length = 0;
  });

  it('first connect pulls the whole history in pages, then follows live events (coalesced)', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    for (let i = 0; i < 40; i++) fake.put(makeJob(i, { state: 'pending' }));
    fake.remove('job-3');
    await connect();
    expect(fake.callsTo(API_ROUTES.history)).toBeGreaterThanOrEqual(6);
    expect(sameAsCluster(cache, fake)).toBe(true);
    expect(cache.syncState('c1')).toMatchObject({ lastEventId: fake.lastEventId, historyComplete: true });

    for (let n = 0; n < 30; n++) fake.put(makeJob(5, { state: 'running', progress: { percent: n, step: 's', stepIndex: 0, stepCount: 1, message: '' } }));
    fake.put(makeJob(100, { state: 'pending' }));
    await waitFor('live events applied', () => sameAsCluster(cache, fake));
    expect(cache.getJob('c1', 'job-5')?.progress?.percent).toBe(29);
    expect(cache.syncState('c1').lastEventId).toBe(fake.lastEventId);
  });

  it('a job entering the queue brings the live refresh (places in line, queue metrics) forward, at most once a second', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    await connect(); // live refresh every 60 s: only the first one runs by itself in this test
    const summaries = () => fake.callsTo(API_ROUTES.summary);
    await waitFor('the first refresh', () => summaries() === 1);
    fake.put(makeJob(1, { state: 'pending', position: 1 }));
    await waitFor('a refresh soon after the job entered the queue', () => summaries() === 2, 3_000);
    expect(cache.getJob('c1', 'job-1')?.position).toBe(1);
    // A burst of queue changes costs one refresh per second, not one per event.
    const burstAt = Date.now();
    for (let i = 2; i < 40; i++) fake.put(makeJob(i, { state: 'pending', position: i }));
    await waitFor('the burst refreshed', () => summaries() === 3, 3_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(summaries()).toBe(3);
    expect(Date.now() - burstAt).toBeGreaterThanOrEqual(600);
    // Running jobs' progress does not ask for one.
    const before = summaries();
    for (let n = 0; n < 10; n++) fake.put(makeJob(1, { state: 'running', progress: { percent: n, step: 's', stepIndex: 0, stepCount: 1, message: '' } }));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(summaries()).toBe(before);
  });

  it('cutting the stream again and again under load leaves the cache equal to the cluster', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    for (let i = 0; i < 50; i++) fake.put(makeJob(i, { state: 'pending' }));
    await connect();
    const jobStates: Job['state'][] = ['running', 'completed', 'failed', 'cancelled'];
    let cuts = 0;
    for (let round = 0; round < 15; round++) {
      for (let k = 0; k < 40; k++) {
        const n = (round * 40 + k) % 120;
        if (k % 13 === 0) fake.remove(`job-${n}`);
        else fake.put(makeJob(n, { state: jobStates[(round + k) % jobStates.length]! }));
      }
      if (round % 2 === 0) {
        // Cut only a live stream (the client may still be backing off from the last cut).
        await waitFor('stream back', () => fake.openStreams > 0);
        fake.cutStreams();
        cuts++;
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    await waitFor('cache equals cluster', () => sameAsCluster(cache, fake) && cache.syncState('c1').lastEventId === fake.lastEventId, 15_000);
    // Reconnects resumed from the stored id (no history pull beyond the first).
    expect(cuts).toBe(8);
    expect(fake.callsTo(API_ROUTES.events)).toBeGreaterThanOrEqual(cuts);
    expect(states.some((s) => s.status === 'connecting')).toBe(true);
  });

  it('a reset (missed events no longer kept) pulls history from the stored cursor, then streams on', async () => {
    fake = new FakeCluster({ retainEvents: 10 });
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    for (let i = 0; i < 20; i++) fake.put(makeJob(i, { state: 'pending' }));
    await connect();
    await client!.stop();
    client = null;
    for (let i = 0; i < 30; i++) fake.put(makeJob(i, { state: 'completed' }));
    fake.remove('job-7');
    const historyBefore = fake.callsTo(API_ROUTES.history);
    await connect();
    await waitFor('resynced', () => sameAsCluster(cache, fake));
    expect(fake.callsTo(API_ROUTES.history)).toBeGreaterThan(historyBefore + 1);
    fake.put(makeJob(200, { state: 'pending' }));
    await waitFor('live after reset', () => sameAsCluster(cache, fake));
  });

  it('a rebuilt cluster (event ids went back) is re-pulled from scratch, dropping stale jobs', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    for (let i = 0; i < 30; i++) fake.put(makeJob(i));
    await connect();
    await client!.stop();
    client = null;
    const port = Number(new URL(fake.url).port);
    await fake.close();
    fake = new FakeCluster();
    await fake.listen(port);
    for (let i = 500; i < 505; i++) fake.put(makeJob(i));
    await connect();
    await waitFor('rebuilt', () => sameAsCluster(cache, fake));
    expect(cache.allJobs('c1')).toHaveLength(5);
  });

  it('a resync pulls every job again over the cache: missed jobs come back, stale ones are brought up to date, live events go on', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    for (let i = 0; i < 30; i++) fake.put(makeJob(i, { state: 'pending' }));
    await connect();
    await waitFor('synced', () => sameAsCluster(cache, fake));
    // The cache lost a job and holds an old state of another (as a cache synced from a cluster with a sync gap could).
    cache.applyBatch('c1', { jobs: [makeJob(8, { state: 'failed', updatedAt: '2020-01-01T00:00:00.000Z' })], removed: ['job-5'] });
    expect(sameAsCluster(cache, fake)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(sameAsCluster(cache, fake)).toBe(false); // nothing repairs it by itself
    const historyBefore = fake.callsTo(API_ROUTES.history);
    client!.resync();
    // From the start: 30 jobs in pages of 7.
    const pulled = () => fake.callsTo(API_ROUTES.history) - historyBefore;
    await waitFor('resynced', () => sameAsCluster(cache, fake) && pulled() >= 5);
    await waitFor('online again', () => client!.connection.status === 'online');
    fake.put(makeJob(300, { state: 'pending' }));
    await waitFor('live after the resync', () => sameAsCluster(cache, fake));
  });

  it('a wrong token gives unauthorized and keeps retrying without crashing', async () => {
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: ':memory:' }).cache;
    client = new ClusterClient({ id: 'c1', endpoint: { url: fake.url, token: 'not-the-token' }, backoff: { baseMs: 10, capMs: 50 } });
    client.start(new ClusterSync({ clusterId: 'c1', cache, http: client.http }));
    await waitFor('unauthorized', () => client!.connection.status === 'unauthorized');
    expect(client.connection.lastError).toMatch(/wrong token/);
    await waitFor('retried', () => fake.requests.length >= 3);
  });
});
