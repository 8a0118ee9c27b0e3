// A bulk load writes without the search, user-name and roll-up triggers and builds what they keep
// at its end: afterwards the cache must hold exactly what the triggers would have made (compared
// with a twin cache written with them, the LIKE scan, and GROUP BY over the jobs), the triggers must
// be back as they were, also after the app stopped in the middle of a load, and a cluster pulled
// into a cache holding more jobs than it brings must keep the triggers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FinishedJobDetail } from '../../../contract/events.ts';
import type { Job } from '../../../contract/jobs.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { bulkLoadActive } from './bulk-load.ts';
import { JobCache, type SyncBatch } from './job-cache.ts';
import type { SqliteDatabase } from './open-cache-database.ts';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Job n of a cluster: spread over a day, with waits, run times and usage, a tenth failed with an error. */
function job(n: number, o: Partial<Job> = {}): Job {
  const created = BASE + (n % 24) * HOUR + n * 1_300;
  const state = n % 10 === 3 ? 'failed' : n % 7 === 5 ? 'running' : 'completed';
  const started = created + (n % 9) * 4_000;
  const ended = state === 'running' ? null : started + (n % 13) * 60_000 + 500;
  return makeJob(n, {
    state,
    user: `trader${n % 11}`,
    createdAt: iso(created),
    startedAt: iso(started),
    finishedAt: ended === null ? null : iso(ended),
    durationMs: ended === null ? null : ended - started,
    errorMessage: state === 'failed' ? `Symbol ZQX${n % 17} has no bars for 2019` : null,
    usage: { cpuPercent: 20 + (n % 60), peakRssBytes: (100 + (n % 40)) * 1_048_576 },
    updatedAt: iso((ended ?? started) + 10),
    ...o,
  });
}

/** A history page's batch of jobs, with the detail (config, stack) of the finished ones. */
function batch(jobs: Job[], removed: string[] = []): SyncBatch {
  const details: FinishedJobDetail[] = jobs
    .filter((j) => j.state === 'completed' || j.state === 'failed')
    .map((j) => ({ id: j.id, updatedAt: j.updatedAt, config: { strategy: `momentum-${j.id}`, lookback: 10 }, errorStack: j.errorMessage ? `Error: ${j.errorMessage}\n    at load (handlers/data.ts:12:3)` : null, result: null }));
  return { jobs, removed, details };
}

const rows = (db: SqliteDatabase, sql: string) => db.prepare(sql).raw().all().map((r) => JSON.stringify(r));

/** What the deferred triggers keep: roll-ups (rows above zero), user names, and the triggers themselves. */
function kept(db: SqliteDatabase) {
  return {
    created: rows(db, 'SELECT * FROM job_hours_created WHERE n > 0 ORDER BY 1, 2, 3, 4, 5'),
    finished: rows(db, 'SELECT cluster_id, hour, type, state, n, dur_n, run_ms, wait_n, wait_sum, cpu_n, round(cpu_ms, 3), round(cpu_sum, 3), rss_n, rss_sum, rss_max FROM job_hours_finished WHERE n > 0 ORDER BY 1, 2, 3, 4'),
    histograms: rows(db, 'SELECT * FROM job_hour_histograms WHERE n > 0 ORDER BY 1, 2, 3, 4, 5'),
    users: rows(db, 'SELECT user, n FROM job_users ORDER BY user'),
    triggers: rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
  };
}

/** The keys of every job the search finds, and what the LIKE scan over id, user, error and configuration finds. */
function searched(cache: JobCache, text: string): { found: string[]; scanned: string[] } {
  const found = [...cache.iterateJobs(undefined, { q: text }, '-created')].map((j) => `${j.clusterId}/${j.id}`).sort();
  const pattern = `%${text}%`;
  const scanned = cache.db
    .prepare(
      `SELECT cluster_id || '/' || job_id FROM jobs WHERE job_id LIKE ? OR user LIKE ? OR error_message LIKE ? OR config_json LIKE ? ORDER BY 1`,
    )
    .pluck()
    .all(pattern, pattern, pattern, pattern) as string[];
  return { found, scanned: scanned.sort() };
}

const TEXTS = ['job-12', 'trader3', 'ZQX5', 'momentum-job-4', 'no bars', 'ader1'];

function expectSearchAsScan(cache: JobCache): void {
  for (const text of TEXTS) {
    const { found, scanned } = searched(cache, text);
    expect(scanned.length, text).toBeGreaterThan(0);
    expect(found, text).toEqual(scanned);
  }
}

/** The roll-ups' job counts by GROUP BY over the jobs (the roll-up tests hold every other column to it). */
function expectCountsAsGroupBy(db: SqliteDatabase): void {
  expect(rows(db, 'SELECT cluster_id, hour, user, type, state, n FROM job_hours_created WHERE n > 0 ORDER BY 1, 2, 3, 4, 5')).toEqual(
    rows(db, 'SELECT cluster_id, substr(created_at, 1, 13), user, type, state, count(*) FROM jobs GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5'),
  );
  expect(rows(db, 'SELECT user, n FROM job_users ORDER BY user')).toEqual(rows(db, 'SELECT user, count(*) FROM jobs GROUP BY user ORDER BY user'));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('bulk load', () => {
  let dir: string;
  let cache: JobCache;
  let twin: JobCache;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bulk-'));
    cache = JobCache.open({ file: path.join(dir, 'cache.db') }).cache;
    twin = JobCache.open({ file: ':memory:' }).cache;
  });

  afterEach(() => {
    cache.close();
    twin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The same writes to the cache and to the twin, which keeps its triggers. */
  function write(clusterId: string, b: SyncBatch): void {
    cache.applyBatch(clusterId, b, '2026-11-02T00:00:00.000Z');
    twin.applyBatch(clusterId, b, '2026-11-02T00:00:00.000Z');
  }

  it('ends holding what the triggers would have: search as the LIKE scan, roll-ups and user names as GROUP BY, the triggers back', () => {
    write('c1', batch(range(0, 40).map((n) => job(n))));
    const before = kept(cache.db);
    const told: (string | null | undefined)[] = [];
    cache.health.onChange((state) => told.push(state.bulkLoadSince));
    cache.beginBulkLoad('c1');
    expect(cache.bulkLoading).toBe(true);
    expect(cache.health.state.bulkLoadSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(kept(cache.db).triggers.some((t) => t.includes('jobs_search_insert'))).toBe(false);
    write('c1', batch(range(40, 400).map((n) => job(n))));
    // Changes and deletes of rows written before the load and during it.
    write('c1', batch([job(3, { state: 'completed', errorMessage: null, updatedAt: iso(BASE + 30 * HOUR) }), job(50, { user: 'trader99', updatedAt: iso(BASE + 30 * HOUR) })], ['job-7', 'job-60']));
    // Another cluster's live events while the load is on.
    write('c2', { jobs: range(0, 30).map((n) => job(n, { user: `analyst${n % 3}` })), removed: [] });
    cache.endBulkLoad('c1');

    expect(cache.bulkLoading).toBe(false);
    // The cache's health said when the load began and that it ended (the UI hears of both).
    expect(told).toEqual([expect.stringMatching(/Z$/), null]);
    expect(cache.health.state.bulkLoadSince).toBeNull();
    expect(kept(cache.db)).toEqual(kept(twin.db));
    expect(kept(cache.db).triggers).toEqual(before.triggers);
    expectCountsAsGroupBy(cache.db);
    expectSearchAsScan(cache);
    expect(searched(cache, 'analyst1').found.length).toBe(10);

    // The triggers keep everything in step again.
    write('c1', batch([job(1000), job(12, { state: 'failed', errorMessage: 'Lookback 999 too long', updatedAt: iso(BASE + 40 * HOUR) })], ['job-20']));
    expect(kept(cache.db)).toEqual(kept(twin.db));
    expectSearchAsScan(cache);
    expect(searched(cache, 'Lookback 999').found).toEqual(['c1/job-12']);
  });

  it('is finished when the cache is opened again after the app stopped in the middle of it', () => {
    write('c1', batch(range(0, 20).map((n) => job(n))));
    const before = kept(cache.db);
    cache.beginBulkLoad('c1');
    write('c1', batch(range(20, 300).map((n) => job(n))));
    // The app stops: no end of the load, the file closed as a crash leaves it.
    cache.db.close();
    cache = JobCache.open({ file: path.join(dir, 'cache.db') }).cache;

    expect(bulkLoadActive(cache.db)).toBe(false);
    expect(kept(cache.db).triggers).toEqual(before.triggers);
    expect(kept(cache.db)).toEqual(kept(twin.db));
    expectCountsAsGroupBy(cache.db);
    expectSearchAsScan(cache);
    write('c1', batch([job(5000)]));
    expect(searched(cache, 'job-5000').found).toEqual(['c1/job-5000']);
    expect(kept(cache.db)).toEqual(kept(twin.db));
  });

  it('waits for every cluster pulling as part of it, and a load begun twice ends once', () => {
    cache.beginBulkLoad('c1');
    cache.beginBulkLoad('c2');
    write('c1', batch(range(0, 120).map((n) => job(n))));
    write('c2', batch(range(0, 120).map((n) => job(n))));
    cache.endBulkLoad('c1');
    expect(cache.bulkLoading).toBe(true);
    expect(searched(cache, 'job-12').found).toEqual([]);
    cache.endBulkLoad('c2');
    expect(cache.bulkLoading).toBe(false);
    expect(kept(cache.db)).toEqual(kept(twin.db));
    expectSearchAsScan(cache);
  });

  it('is finished once writing works again when the disk could not take its end', () => {
    cache.beginBulkLoad('c1');
    write('c1', batch(range(0, 200).map((n) => job(n))));
    // The file may not grow: SQLite answers SQLITE_FULL as on a full disk.
    cache.db.pragma(`max_page_count = ${cache.db.pragma('page_count', { simple: true }) as number}`);
    let failure: unknown = null;
    try {
      cache.endBulkLoad('c1');
    } catch (error) {
      failure = error;
    }
    expect(cache.health.report(failure)).toBe(true);
    expect(cache.bulkLoading).toBe(true);
    expect(cache.health.state.bulkLoadSince).not.toBeNull();

    cache.db.pragma('max_page_count = 1073741823');
    expect(cache.health.retryNow()).toBe(true);
    expect(cache.bulkLoading).toBe(false);
    expect(cache.health.state.bulkLoadSince).toBeNull();
    expect(kept(cache.db)).toEqual(kept(twin.db));
    expectSearchAsScan(cache);
  });

  it('is worth it only for many jobs the cache lacks, at least as many as it holds', () => {
    expect(cache.bulkLoadWorthIt('c1', 100_000)).toBe(true);
    expect(cache.bulkLoadWorthIt('c1', 1_000)).toBe(false);
    write('c1', batch(range(0, 300).map((n) => job(n))));
    // A second cluster bringing fewer jobs than the cache holds keeps the triggers.
    expect(cache.bulkLoadWorthIt('c2', 299, 100)).toBe(false);
    expect(cache.bulkLoadWorthIt('c2', 300, 100)).toBe(true);
    // Pulling again a cluster the cache already holds brings nothing new.
    expect(cache.bulkLoadWorthIt('c1', 700, 100)).toBe(true);
    expect(cache.bulkLoadWorthIt('c1', 450, 100)).toBe(false);
    expect(cache.bulkLoadWorthIt('c1', 390, 100)).toBe(false);
  });
});
