// A first pull of a cluster with many jobs the cache lacks writes as a bulk load (bulk-load.ts);
// a cluster bringing fewer jobs than the cache holds, or a pull of jobs already cached, keeps the
// triggers. Either way the pull ends with search and user names in step with the jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobCache } from '../cache/job-cache.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { ClusterSync } from './cluster-sync.ts';

describe('ClusterSync bulk load', () => {
  const fakes: FakeCluster[] = [];
  const https: ClusterHttp[] = [];
  let cache: JobCache;
  let logs: string[];

  beforeEach(() => {
    cache = JobCache.open({ file: ':memory:' }).cache;
    logs = [];
  });

  afterEach(async () => {
    for (const h of https.splice(0)) await h.close();
    for (const f of fakes.splice(0)) await f.close();
    cache.close();
  });

  async function cluster(jobs: number, prefix: string): Promise<FakeCluster> {
    const fake = new FakeCluster();
    await fake.listen();
    for (let i = 0; i < jobs; i++) fake.put(makeJob(i, { id: `${prefix}-${i}`, user: `${prefix}-user${i % 5}` }));
    fakes.push(fake);
    return fake;
  }

  /** Pull a cluster's history (pages of 50) as a connect does; whether the cache was in a bulk load as each page was written. */
  async function pull(clusterId: string, fake: FakeCluster, fullPull = false): Promise<boolean[]> {
    const http = new ClusterHttp({ url: fake.url, token: fake.token });
    https.push(http);
    const during: boolean[] = [];
    const sync = new ClusterSync({
      clusterId,
      cache,
      http,
      historyPageSize: 50,
      bulkLoadMinJobs: 100,
      onJobsChanged: () => during.push(cache.bulkLoading),
      log: (l) => logs.push(l),
    });
    const abort = new AbortController();
    await sync.prepare(abort.signal, { fullPull });
    abort.abort();
    await sync.settle();
    return during;
  }

  const found = (q: string) => cache.queryJobs({ filter: { q }, sort: '-created', limit: 1000 }).total;

  it('pulls a new cluster into an empty cache as a bulk load, and a smaller second cluster or a resync with the triggers', async () => {
    const big = await cluster(300, 'alpha');
    const during = await pull('c1', big);
    // The first page is written before the cluster is asked how many jobs it has.
    expect(during).toEqual([false, true, true, true, true, true]);
    expect(logs.filter((l) => l.includes('as a bulk load'))).toHaveLength(1);
    expect(cache.bulkLoading).toBe(false);
    expect(found('alpha-12')).toBe(11);
    expect(found('alpha-user3')).toBe(60);

    const small = await cluster(250, 'beta');
    const second = await pull('c2', small);
    expect(second.length).toBeGreaterThan(1);
    expect(second.some((on) => on)).toBe(false);
    expect(found('beta-7')).toBe(11);
    expect(found('beta-user1')).toBe(50);

    const again = await pull('c1', big, true);
    expect(again.some((on) => on)).toBe(false);
    expect(logs.filter((l) => l.includes('as a bulk load'))).toHaveLength(1);
    expect(cache.db.prepare('SELECT user, n FROM job_users ORDER BY user').all()).toEqual(
      cache.db.prepare('SELECT user, count(*) AS n FROM jobs GROUP BY user ORDER BY user').all(),
    );
  });
});
