import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobDetail } from '../../../contract/jobs.ts';
import { JobCache } from '../cache/job-cache.ts';
import { makeJob } from '../testing/job-fixtures.ts';

let dir: string;
let file: string;
let cache: JobCache;
const NOW = Date.parse('2026-11-02T12:00:00.000Z');

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-failures-'));
  file = path.join(dir, 'cache.db');
  cache = JobCache.open({ file }).cache;
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

function reopen(): void {
  cache.close();
  cache = JobCache.open({ file }).cache;
}

const frames = (handler: string) =>
  `    at MarketDataProvider.load (/srv/app/cluster/jobs/market-data/market-data-provider.ts:66:13)\n    at run (/srv/app/cluster/jobs/${handler}:31:21)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;

let n = 0;
/** A failed job arriving with its detail, as the sync's detail reads and getJob save it. */
function fail(message: string, overrides: Partial<JobDetail> = {}, cluster = 'local'): JobDetail {
  n++;
  const finishedAt = overrides.finishedAt ?? new Date(NOW - n * 60_000).toISOString();
  const job = makeJob(n, { state: 'failed', type: 'backtest', errorMessage: message, finishedAt, updatedAt: finishedAt, ...overrides });
  const detail: JobDetail = {
    ...job,
    config: { symbols: ['AAPL'], lags: 10 },
    steps: [],
    logsTail: [],
    logCount: 0,
    errorStack: `UnrecoverableError: ${message}\n${frames('backtest/backtest-handler.ts')}`,
    result: null,
    resources: { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
    children: [],
    dependsOn: [],
    ...overrides,
  };
  cache.applyBatch(cluster, { jobs: [job], removed: [] });
  cache.saveDetail(cluster, detail);
  return detail;
}

function completed(type: JobDetail['type'], config: Record<string, unknown>): void {
  n++;
  const finishedAt = new Date(NOW - n * 60_000).toISOString();
  const job = makeJob(n, { state: 'completed', type, errorMessage: null, finishedAt, updatedAt: finishedAt });
  cache.applyBatch('local', { jobs: [job], removed: [] });
  cache.saveDetail('local', {
    ...job,
    config,
    steps: [],
    logsTail: [],
    logCount: 0,
    errorStack: null,
    result: { outputs: [], metrics: { sharpe: 1.2 }, nextSteps: [] },
    resources: { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
    children: [],
    dependsOn: [],
  });
}

const noFile = (symbol: string, dir: string) => `data not available for symbol ${symbol}: no file ${dir}/${symbol}.csv; check the ticker or add the file`;
const tooLarge = (rows: number, mb: number) =>
  `training matrix too large: ${rows} rows × 44 features needs about ${mb} MB, over the worker's limit of 512 MB (maxMatrixBytes); use fewer symbols, a shorter date range or fewer lags`;

function groupsTable() {
  return cache.db.prepare('SELECT group_id, signature, category, job_count FROM failure_groups WHERE merged_into IS NULL ORDER BY job_count DESC, category').all() as {
    group_id: string;
    signature: string;
    category: string;
    job_count: number;
  }[];
}

describe('failure groups in the cache', () => {
  it('puts failures of one cause with different symbols, ids, numbers and paths in one group, and other causes apart', () => {
    const a = fail(noFile('ZZQX', '/srv/market'));
    fail(noFile('BRK.B', '/data/other/market'), { user: 'ben.liu' });
    fail(noFile('QQQQ', 'C:\\data\\market'));
    const big1 = fail(tooLarge(12_000, 121), { type: 'training' });
    fail(tooLarge(90_500, 3310), { type: 'training' });
    const groups = groupsTable();
    expect(groups.map((g) => [g.category, g.job_count])).toEqual([
      ['data-not-available', 3],
      ['limit-exceeded', 2],
    ]);
    expect(groups[0]!.signature).toBe('data not available for symbol <symbol>: no file <path>; check the ticker or add the file');
    // An admin with sqlite3 joins jobs to their groups.
    const joined = cache.db
      .prepare('SELECT g.category, count(*) AS n FROM jobs j JOIN failure_groups g ON g.group_id = j.failure_group_id GROUP BY g.category ORDER BY n DESC')
      .all();
    expect(joined).toEqual([
      { category: 'data-not-available', n: 3 },
      { category: 'limit-exceeded', n: 2 },
    ]);
    const page = cache.failures.list({ period: 'all', limit: 10 }, NOW);
    expect(page.failures).toBe(5);
    expect(page.items.map((i) => i.count)).toEqual([3, 2]);
    expect(page.items[0]!.hourly.reduce((x, y) => x + y, 0)).toBe(3);
    expect(page.items[0]!.isNew).toBe(true);
    expect(cache.failures.groupIdOfJob('local', a.id)).toBe(page.items[0]!.id);
    expect(cache.failures.groupIdOfJob('local', big1.id)).toBe(page.items[1]!.id);
    // Filters: by user, by type.
    expect(cache.failures.list({ period: 'all', limit: 10, users: ['ben.liu'] }, NOW).items.map((i) => i.count)).toEqual([1]);
    expect(cache.failures.list({ period: 'all', limit: 10, types: ['training'] }, NOW).items.map((i) => i.category)).toEqual(['limit-exceeded']);
  });

  it('counts a job once for one failure, and again when it fails again', () => {
    const d = fail(noFile('ZZQX', '/srv/market'));
    cache.saveDetail('local', d); // the same detail read twice
    expect(groupsTable()[0]!.job_count).toBe(1);
    expect(cache.failures.list({ period: 'all', limit: 10 }, NOW).items[0]!.count).toBe(1);
    const later = new Date(Date.parse(d.finishedAt!) + 5_000).toISOString();
    cache.saveDetail('local', { ...d, finishedAt: later, updatedAt: later });
    expect(groupsTable()[0]!.job_count).toBe(1);
    expect(cache.failures.list({ period: 'all', limit: 10 }, NOW).items[0]!.count).toBe(2);
  });

  it('keeps group ids and counts across a restart, and new failures join the same groups', () => {
    fail(noFile('ZZQX', '/srv/market'));
    fail(tooLarge(12_000, 121), { type: 'training' });
    const before = groupsTable();
    reopen();
    expect(groupsTable()).toEqual(before);
    fail(noFile('MSFT', '/mnt/x'));
    fail(tooLarge(4_000, 50), { type: 'training' });
    const after = groupsTable();
    expect(after.map((g) => g.group_id).sort()).toEqual(before.map((g) => g.group_id).sort());
    expect(after.map((g) => g.job_count)).toEqual([2, 2]);
  });

  it('holds a merge across a restart and for failures that arrive after it', () => {
    fail(noFile('ZZQX', '/srv/market'));
    fail('no market data for symbol ZZQX between 2020-01-01 and 2020-12-31: widen the date range');
    const [a, b] = cache.failures.list({ period: 'all', limit: 10 }, NOW).items;
    expect(a && b).toBeTruthy();
    cache.failures.merge(b!.id, a!.id);
    expect(groupsTable().map((g) => [g.group_id, g.job_count])).toEqual([[a!.id, 2]]);
    reopen();
    fail('no market data for symbol AAPL between 2019-01-01 and 2019-06-30: widen the date range');
    fail(noFile('TSLA', '/srv/market'));
    expect(groupsTable().map((g) => [g.group_id, g.job_count])).toEqual([[a!.id, 4]]);
    const detail = cache.failures.detail(a!.id, NOW)!;
    expect(detail.templates).toHaveLength(2);
    expect(detail.group.count).toBe(4);
    // The merged id still leads to the group it became part of.
    expect(cache.failures.resolve(b!.id)).toBe(a!.id);
    expect(() => cache.failures.merge(a!.id, a!.id)).toThrow(/already one group/);
  });

  it('finds a planted parameter the failed trainings have in common', () => {
    for (let i = 0; i < 40; i++) completed('training', { symbols: ['AAPL', 'MSFT'], lags: 5 + (i % 20), epochs: 100 });
    completed('training', { symbols: ['AAPL'], lags: 150, epochs: 100 });
    for (let i = 0; i < 12; i++) {
      fail(tooLarge(10_000 + i * 977, 100 + i), { type: 'training', config: { symbols: ['AAPL', 'MSFT'], lags: 120 + i * 10, epochs: 100 } });
    }
    const [group] = cache.failures.list({ period: 'all', limit: 10 }, NOW).items;
    const detail = cache.failures.detail(group!.id, NOW)!;
    expect(detail.compared).toEqual({ failed: 12, completed: 41 });
    const lags = detail.inCommon.find((f) => f.key === 'lags');
    expect(lags).toMatchObject({ condition: 'lags ≥ 100', groupCount: 12, groupTotal: 12, baselineCount: 1, baselineTotal: 41 });
    expect(detail.inCommon.some((f) => f.key === 'epochs')).toBe(false);
    expect(detail.steps[0]).toMatch(/Check error message/);
    expect(detail.sample?.errorStack).toContain('backtest-handler.ts');
    expect(detail.sample?.attemptReasons).toEqual([expect.stringContaining('training matrix too large')]);
  });

  it('lists finished jobs whose detail it lacks, failed first, until their detail is saved', () => {
    const done = makeJob(1, { state: 'completed', type: 'backtest' });
    const failed = makeJob(2, { state: 'failed', type: 'backtest' });
    const running = makeJob(3, { state: 'running' });
    cache.applyBatch('local', { jobs: [done, failed, running], removed: [] });
    expect(cache.detailsWanted('local', 10)).toEqual([
      { id: failed.id, state: 'failed' },
      { id: done.id, state: 'completed' },
    ]);
    cache.detailUnavailable('local', failed.id);
    expect(cache.detailsWanted('local', 10)).toEqual([{ id: done.id, state: 'completed' }]);
    // Grouped on its message alone.
    expect(cache.failures.groupIdOfJob('local', failed.id)).toMatch(/^fg-/);
    // A newer record of the job (it was retried and finished again) wants its detail again.
    cache.applyBatch('local', { jobs: [{ ...failed, updatedAt: new Date(Date.parse(failed.updatedAt) + 1000).toISOString() }], removed: [] });
    expect(cache.detailsWanted('local', 10).map((j) => j.id)).toContain(failed.id);
  });
});
