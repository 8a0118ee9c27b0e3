// Finished jobs' details that come with their records (history pages): kept like a fetched
// detail's, for the record they belong to only, failures grouped in the same write, and nothing
// left for the detail reads to ask.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FinishedJobDetail } from '../../../contract/events.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { JobCache } from './job-cache.ts';

let cache: JobCache;
beforeEach(() => {
  cache = JobCache.open({ file: ':memory:' }).cache;
});
afterEach(() => cache.close());

const stack = 'Error: data not available for symbol ZZQX: no file /data/bars/ZZQX.csv\n    at MarketDataProvider.load (/srv/app/cluster/jobs/market-data/market-data-provider.ts:66:13)';

it('keeps config, stack and result with the records, groups the failures, and leaves no detail read to do', () => {
  const failed = makeJob(1, { type: 'backtest', state: 'failed', errorMessage: 'data not available for symbol ZZQX: no file /data/bars/ZZQX.csv' });
  const completed = makeJob(2, { type: 'backtest', state: 'completed' });
  const details: FinishedJobDetail[] = [
    { id: failed.id, updatedAt: failed.updatedAt, config: { symbols: ['ZZQX'] }, errorStack: stack, result: null },
    { id: completed.id, updatedAt: completed.updatedAt, config: { symbols: ['ALPH'] }, errorStack: null, result: { outputs: [], metrics: { sharpe: 1.1 }, nextSteps: [] } },
  ];
  expect(cache.detailsWanted('c1', 10)).toEqual([]);
  cache.applyBatch('c1', { jobs: [failed, completed], removed: [], details });

  expect(cache.detailsWanted('c1', 10)).toEqual([]);
  const f = cache.getDetail('c1', failed.id)!;
  expect(f).toMatchObject({ config: { symbols: ['ZZQX'] }, errorStack: stack, result: null, logsTail: [] });
  expect(cache.getDetail('c1', completed.id)).toMatchObject({ config: { symbols: ['ALPH'] }, result: { metrics: { sharpe: 1.1 } } });
  const group = cache.failures.groupIdOfJob('c1', failed.id);
  expect(group).not.toBeNull();
  expect(cache.failures.detail(group!)).toMatchObject({ withoutDetail: 0, sample: { jobId: failed.id, errorStack: stack, config: { symbols: ['ZZQX'] } } });
});

it('keeps a detail only for the record it belongs to', () => {
  const newer = makeJob(3, { state: 'failed' });
  cache.applyBatch('c1', { jobs: [newer], removed: [] });
  const older = { ...newer, updatedAt: new Date(Date.parse(newer.updatedAt) - 5_000).toISOString() };
  // A page with an older record of the job (the cache has a newer one) and its detail.
  cache.applyBatch('c1', { jobs: [older], removed: [], details: [{ id: newer.id, updatedAt: older.updatedAt, config: { stale: true }, errorStack: 'old', result: null }] });
  expect(cache.getDetail('c1', newer.id)).toMatchObject({ config: {}, errorStack: null });
  expect(cache.detailsWanted('c1', 10).map((j) => j.id)).toEqual([newer.id]);
  expect(cache.failures.groupIdOfJob('c1', newer.id)).toBeNull();
});
