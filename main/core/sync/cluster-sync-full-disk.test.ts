import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobCache } from '../cache/job-cache.ts';
import { ClusterClient } from '../clusters/cluster-client.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { ClusterSync } from './cluster-sync.ts';

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The cache's jobs of a cluster equal the cluster's. */
function sameAsCluster(cache: JobCache, fake: FakeCluster): boolean {
  const cached = new Map(cache.allJobs('c1').map((j) => [j.id, j]));
  if (cached.size !== fake.jobs.size) return false;
  for (const { job } of fake.jobs.values()) {
    const c = cached.get(job.id);
    if (!c || c.state !== job.state || c.updatedAt !== job.updatedAt) return false;
  }
  return true;
}

/** The file may not grow past its current size: SQLite answers SQLITE_FULL as on a full disk. */
function fillDisk(cache: JobCache): void {
  const pages = cache.db.pragma('page_count', { simple: true }) as number;
  cache.db.pragma(`max_page_count = ${pages}`);
}

function freeSpace(cache: JobCache): void {
  cache.db.pragma('max_page_count = 1073741823');
}

describe('ClusterSync on a full disk', () => {
  let dir: string;
  let fake: FakeCluster;
  let cache: JobCache;
  let client: ClusterClient;
  let logs: string[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-full-'));
    logs = [];
    fake = new FakeCluster();
    await fake.listen();
    cache = JobCache.open({ file: path.join(dir, 'cache.db'), log: (l) => logs.push(l), retryWriteMs: 50 }).cache;
    for (let i = 0; i < 20; i++) fake.put(makeJob(i, { state: 'pending' }));
    client = new ClusterClient({ id: 'c1', endpoint: { url: fake.url, token: fake.token }, backoff: { baseMs: 20, capMs: 200 }, refreshMs: 100 });
    client.start(new ClusterSync({ clusterId: 'c1', cache, http: client.http, flushMs: 20, maxBatch: 50, log: (l) => logs.push(l) }));
    await waitFor('synced', () => sameAsCluster(cache, fake) && cache.syncState('c1').lastEventId === fake.lastEventId);
  });

  afterEach(async () => {
    await client.stop();
    await fake.close();
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops writing without crashing, says why once, keeps serving the cache, and catches up when space returns', async () => {
    const storedId = cache.syncState('c1').lastEventId;
    fillDisk(cache);
    for (let i = 0; i < 200; i++) fake.put(makeJob(100 + i, { state: 'failed', errorMessage: 'x'.repeat(2000) }));
    await waitFor('writes paused', () => !cache.health.writable);
    expect(cache.health.state).toMatchObject({ problem: 'disk-full', writesPaused: true });
    expect(cache.health.state.message).toBe(`The disk holding ${dir} is full: free space there; syncing resumes by itself`);
    // Several retries later: one log line, the cursor where the data is, the cache still readable.
    await new Promise((r) => setTimeout(r, 400));
    expect(logs.filter((l) => l.includes('is full'))).toHaveLength(1);
    expect(cache.syncState('c1').lastEventId).toBe(storedId);
    expect(cache.queryJobs({ filter: {}, sort: '-created', limit: 5 }).total).toBe(20);

    freeSpace(cache);
    await waitFor('caught up', () => sameAsCluster(cache, fake) && cache.syncState('c1').lastEventId === fake.lastEventId);
    expect(cache.health.state).toMatchObject({ problem: null, writesPaused: false });
    expect(logs.filter((l) => l.includes('can be written again'))).toHaveLength(1);
    fake.put(makeJob(500, { state: 'pending' }));
    await waitFor('live again', () => sameAsCluster(cache, fake));
  }, 30_000);

  it('a batch that failed while the cluster stays quiet is written once space returns', async () => {
    fillDisk(cache);
    fake.put(makeJob(300, { state: 'failed', errorMessage: 'y'.repeat(10_000) }));
    await waitFor('writes paused', () => !cache.health.writable, 3000);
    expect(cache.getJob('c1', 'job-300')).toBeNull();
    freeSpace(cache);
    await waitFor('written', () => cache.getJob('c1', 'job-300') !== null && cache.syncState('c1').lastEventId === fake.lastEventId);
  }, 20_000);
});
