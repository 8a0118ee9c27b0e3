/**
 * The Jobs view's text search on the FTS5 index finds exactly what a substring scan of id, user,
 * error and configuration finds (ASCII case-insensitive, as SQLite's LIKE did), on both of its
 * plans, whether the text is in a job's own columns, its user's name or both, and the indexes
 * (jobs and user names) stay in step with every write to the jobs table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CachedJob } from '../../../contract/admin-api.ts';
import type { JobFilter, JobSort } from '../../../contract/api.ts';
import { SeededRandom } from '../../../contract/seeded-random.ts';
import { makeDetail, makeJob } from '../testing/job-fixtures.ts';
import { MIGRATIONS } from './cache-schema.ts';
import { JobCache } from './job-cache.ts';
import { pageSelect, totalSelect } from './job-query-sql.ts';
import { jobToRow, type JobRow } from './job-rows.ts';
import { planTextSearch, READ_MATCHES_UP_TO } from './job-text-search.ts';

let dir: string;
let cache: JobCache;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-search-'));
  cache = JobCache.open({ file: path.join(dir, 'cache.db') }).cache;
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

const USERS = ['alice', 'Bob', "o'brien", 'user_1', 'user%2', 'Zoë', 'ops-team', 'chén'];
const ERRORS = [
  'data not available for window 42',
  'Data not available: AAPL 2020-01-01..2020-12-31',
  'Timeout after 30000 ms (limit 30 s)',
  'invalid parameter "lags": must be ≤ 100',
  'C:\\data\\prices\\MSFT.csv not found',
  'NEAR(a b) AND c OR d* ^e: f-g',
  'worker lost — node n-3 missed 3 heartbeats',
  '100% of 5_000 rows rejected',
];

/**
 * 3,000 jobs over two clusters (every id has '-run-', so some texts match most of them): ids, users, errors and
 * configurations with punctuation, wildcards, quotes and non-ASCII. Most jobs belong to 'data-team', so a text in
 * that name matches more jobs than a page reads directly, and 'data' is in errors too.
 */
function fill(): void {
  const random = new SeededRandom(17);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)]!;
  for (const cluster of ['eu', 'us']) {
    const jobs = Array.from({ length: 1_500 }, (_, i) => {
      const n = cluster === 'eu' ? i : 1_500 + i;
      const user = random.next() < 0.7 ? 'data-team' : pick(USERS);
      const job = makeJob(n, { id: `${pick(['backtest', 'sweep', 'Report', 'x_y', 'a%b'])}-run-${(n * 7919).toString(36)}`, user });
      return job.state === 'failed' ? { ...job, errorMessage: pick(ERRORS) } : job;
    });
    cache.applyBatch(cluster, { jobs, removed: [] });
    for (const job of jobs.filter((_, i) => i % 5 === 0)) {
      cache.saveDetail(cluster, makeDetail(job, { config: { symbols: [pick(['AAPL', 'MSFT', 'BRK.B', '7203.T'])], note: pick(['', 'résumé', 'quote "x"', 'tab\there']) } }));
    }
  }
}

/** What the LIKE scan matched: the text anywhere in id, user, error or configuration, ASCII letters in any case. */
function likeMatches(row: { job_id: string; user: string; error_message: string | null; config_json: string | null }, text: string): boolean {
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const needle = fold(text.trim());
  return [row.job_id, row.user, row.error_message, row.config_json].some((v) => v !== null && fold(v).includes(needle));
}

function searchable(): Map<string, { job_id: string; user: string; error_message: string | null; config_json: string | null }> {
  const rows = cache.db.prepare('SELECT cluster_id, job_id, user, error_message, config_json FROM jobs').all() as {
    cluster_id: string;
    job_id: string;
    user: string;
    error_message: string | null;
    config_json: string | null;
  }[];
  return new Map(rows.map((r) => [`${r.cluster_id}/${r.job_id}`, r]));
}

const key = (j: CachedJob) => `${j.clusterId}/${j.id}`;

/** Every page of a query, with the total the first page gave. */
function all(clusterIds: string[] | undefined, filter: JobFilter, sort: JobSort): { keys: string[]; total: number } {
  const keys: string[] = [];
  let cursor: string | undefined;
  let total = -1;
  do {
    const page = cache.queryJobs({ clusterIds, filter, sort, cursor, limit: 293 });
    if (total < 0) total = page.total;
    keys.push(...page.items.map(key));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { keys, total };
}

/** Texts to search for: pieces of the stored values in other letter cases, and texts with FTS5 syntax and LIKE wildcards. */
function queries(rows: ReturnType<typeof searchable>): string[] {
  const random = new SeededRandom(42);
  const values = [...rows.values()].flatMap((r) => [r.job_id, r.user, r.error_message, r.config_json]).filter((v): v is string => v !== null);
  const texts = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const v = values[Math.floor(random.next() * values.length)]!;
    const len = 1 + Math.floor(random.next() * 14);
    const start = Math.floor(random.next() * Math.max(1, v.length - len));
    const piece = [...v].slice(start, start + len).join('');
    const recased = [...piece].map((c) => (/[a-z]/i.test(c) && random.next() < 0.5 ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');
    texts.add(recased);
  }
  for (const t of ['a', 'Zo', '%', '_', '"', "'", '\\', '*', 'AND', 'OR c', 'NEAR(', '^e', 'd*', '100%', '5_0', 'x_y', 'a%b', '"x"', ' window 42 ', 'backtest-', '-RUN-', 'un-', 'not-there', 'data', 'DATA-T', 'team', 'ata n', 'a-t', '≤ 100', 'ë', 'chén', 'SWEEP', 'zzz']) texts.add(t);
  return [...texts];
}

describe('text search', () => {
  it('finds exactly what the substring scan found, in sort order, with the same totals, on both plans', () => {
    fill();
    const rows = searchable();
    const filters: { clusterIds?: string[]; filter: Omit<JobFilter, 'q'>; sort: JobSort }[] = [
      { filter: {}, sort: '-created' },
      { clusterIds: ['us'], filter: {}, sort: 'created' },
      { filter: { state: ['failed', 'completed'] }, sort: '-finished' },
      { filter: { state: ['pending'], priority: ['critical', 'high'] }, sort: 'priority' },
    ];
    const unfiltered = filters.map((f) => all(f.clusterIds, f.filter, f.sort).keys);
    let walked = 0;
    let compared = 0;
    for (const text of queries(rows)) {
      for (const [i, f] of filters.entries()) {
        const expected = unfiltered[i]!.filter((k) => likeMatches(rows.get(k)!, text));
        const found = all(f.clusterIds, { ...f.filter, q: text }, f.sort);
        expect(found.keys, `'${text}' ${JSON.stringify(f)}`).toEqual(expected);
        expect(found.total, `'${text}' ${JSON.stringify(f)}`).toBe(expected.length);
        compared++;
      }
      if ([...rows.values()].filter((r) => likeMatches(r, text)).length > READ_MATCHES_UP_TO && text.trim().length >= 3) walked++;
    }
    expect(compared).toBeGreaterThan(250);
    // Some texts match more jobs than a page reads directly, so the sort-order walk is compared too,
    // on the jobs' own index, on the users' and on both.
    expect(walked).toBeGreaterThan(0);
    const plan = (text: string) => planTextSearch((sql) => cache.db.prepare(sql), text);
    const everyJob = plan('-run-');
    expect(everyJob).toMatchObject({ users: [], rowids: null });
    expect(everyJob.kind === 'index' && everyJob.textRowids!.length).toBe(3_000);
    expect(plan('a-tea')).toMatchObject({ users: ['data-team'], textRowids: [], rowids: null });
    const both = plan('data');
    expect(both).toMatchObject({ users: ['data-team'], rowids: null });
    expect(both.kind === 'index' && both.textRowids!.length).toBeGreaterThan(0);
    // Beyond the rowids a search keeps, the page walks with the phrase itself and the total counts it.
    for (const text of ['-run-', 'data', 'UN-1']) {
      const planned = plan(text);
      if (planned.kind !== 'index') throw new Error(`'${text}' should run on the index`);
      const search = { ...planned, textRowids: null, rowids: null };
      for (const [i, f] of filters.entries()) {
        const filter = { ...f.filter, q: text };
        const expected = unfiltered[i]!.filter((k) => likeMatches(rows.get(k)!, text));
        const select = pageSelect(f.clusterIds, filter, f.sort, null, 293, search);
        const page = cache.db.prepare(select.sql).all(...select.params) as { cluster_id: string; job_id: string }[];
        expect(page.slice(0, 293).map((r) => `${r.cluster_id}/${r.job_id}`), `'${text}' ${JSON.stringify(f)}`).toEqual(expected.slice(0, 293));
        const total = totalSelect(f.clusterIds, filter, search);
        expect((cache.db.prepare(total.sql).get(...total.params) as { total: number }).total, `'${text}' ${JSON.stringify(f)}`).toBe(expected.length);
      }
    }
  }, 120_000);

  it('folds the case of every letter, not just ASCII ones', () => {
    cache.applyBatch('eu', { jobs: [makeJob(1, { state: 'failed', errorMessage: 'Ärger im Überblick', user: 'chén' })], removed: [] });
    expect(cache.queryJobs({ filter: { q: 'ÄRGER' }, sort: 'created', limit: 10 }).total).toBe(1);
    expect(cache.queryJobs({ filter: { q: 'überblick' }, sort: 'created', limit: 10 }).total).toBe(1);
    expect(cache.queryJobs({ filter: { q: 'CHÉN' }, sort: 'created', limit: 10 }).total).toBe(1);
  });

  it('folds ASCII text as the index does when it tests the jobs of rare trigrams itself', () => {
    // The long s and the Kelvin sign fold to ASCII letters; a dotted capital I folds to no ASCII letter.
    const texts = ['ſome ſeries', 'Kelvin scale', 'İstanbul desk', 'Kilo ſeries'];
    cache.applyBatch('eu', { jobs: texts.map((errorMessage, n) => makeJob(n, { id: `job-${n}`, state: 'failed', errorMessage })), removed: [] });
    const found = (q: string) => cache.queryJobs({ filter: { q }, sort: 'created', limit: 10 }).items.map((j) => j.id);
    const phrase = (q: string) =>
      (cache.db.prepare('SELECT jobs.job_id FROM jobs_search JOIN jobs ON jobs.rowid = jobs_search.rowid WHERE jobs_search MATCH ? ORDER BY jobs.created_at').pluck().all(`"${q}"`) as string[]);
    for (const q of ['some series', 'SERIES', 'kelvin', 'KELVIN SC', 'istanbul', 'stanbul', 'ilo s', 'o se']) {
      expect(found(q), q).toEqual(phrase(q));
    }
    expect(found('some series')).toEqual(['job-0']);
    expect(found('kelvin')).toEqual(['job-1']);
    expect(found('istanbul')).toEqual([]);
  });

  it('keeps the index in step with inserts, updates, details, deletes, retention and forgotten clusters', () => {
    const q = (text: string) => cache.queryJobs({ filter: { q: text }, sort: 'created', limit: 10 }).items.map(key);
    const running = makeJob(1, { id: 'backtest-12345', state: 'running', user: 'alice', errorMessage: null, updatedAt: '2026-11-01T00:00:01.000Z' });
    cache.applyBatch('eu', { jobs: [running], removed: [] });
    expect(q('st-123')).toEqual(['eu/backtest-12345']);
    // It fails: the new error is found, and the user is found once, not twice.
    const failed = { ...running, state: 'failed' as const, errorMessage: 'Data not available for MSFT', finishedAt: '2026-11-01T00:00:05.000Z', updatedAt: '2026-11-01T00:00:05.000Z' };
    cache.applyBatch('eu', { jobs: [failed], removed: [] });
    expect(q('available for msft')).toEqual(['eu/backtest-12345']);
    expect(q('alice')).toEqual(['eu/backtest-12345']);
    // A retry clears the error: the old words no longer find it.
    cache.applyBatch('eu', { jobs: [{ ...failed, state: 'pending', errorMessage: null, updatedAt: '2026-11-01T00:00:09.000Z' }], removed: [] });
    expect(q('available for msft')).toEqual([]);
    // The detail brings the configuration.
    cache.saveDetail('eu', makeDetail({ ...failed, state: 'pending', errorMessage: null, updatedAt: '2026-11-01T00:00:09.000Z' }, { config: { symbols: ['BRK.B'] } }));
    expect(q('brk.b')).toEqual(['eu/backtest-12345']);
    // A stale record (older than the row) changes nothing.
    cache.applyBatch('eu', { jobs: [{ ...running, user: 'mallory' }], removed: [] });
    expect(q('mallory')).toEqual([]);
    cache.applyBatch('eu', { jobs: [], removed: ['backtest-12345'] });
    expect(q('st-123')).toEqual([]);

    cache.applyBatch('eu', { jobs: [makeJob(2, { id: 'old-one', state: 'completed', finishedAt: '2020-01-01T00:00:00.000Z' })], removed: [] });
    cache.applyBatch('us', { jobs: [makeJob(3, { id: 'us-one' })], removed: [] });
    cache.applyBatch('ap', { jobs: [makeJob(4, { id: 'ap-one' })], removed: [] });
    expect(cache.applyRetention(30, Date.UTC(2026, 10, 15))).toBe(1);
    expect(q('old-one')).toEqual([]);
    cache.forgetCluster('us');
    expect(q('us-one')).toEqual([]);
    cache.dropClusterJobs('ap');
    expect(q('ap-one')).toEqual([]);
    // FTS5's own check against the jobs table: the index holds exactly the table's rows.
    expect(() => cache.db.prepare("INSERT INTO jobs_search (jobs_search, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
  });

  it('keeps the user names and their job counts in step with inserts, user changes, deletes, retention and forgotten clusters', () => {
    const q = (text: string) => cache.queryJobs({ filter: { q: text }, sort: 'created', limit: 10 });
    const names = () => cache.db.prepare('SELECT user, n FROM job_users ORDER BY user').all();
    const counted = () => cache.db.prepare('SELECT user, count(*) AS n FROM jobs GROUP BY user ORDER BY user').all();
    cache.applyBatch('eu', { jobs: [1, 2, 3].map((n) => makeJob(n, { id: `sweep-${n}`, user: 'Grace Hopper', updatedAt: '2026-11-01T00:00:01.000Z' })), removed: [] });
    cache.applyBatch('us', { jobs: [makeJob(4, { id: 'sweep-4', user: 'ada' })], removed: [] });
    expect(names()).toEqual([{ user: 'Grace Hopper', n: 3 }, { user: 'ada', n: 1 }]);
    expect(q('ce hop').total).toBe(3);
    // A job handed to another user: counted there, and found by its new user's name only.
    cache.applyBatch('eu', { jobs: [makeJob(1, { id: 'sweep-1', user: 'ada', updatedAt: '2026-11-01T00:00:02.000Z' })], removed: [] });
    expect(names()).toEqual(counted());
    expect(q('ce hop').items.map(key)).toEqual(['eu/sweep-2', 'eu/sweep-3']);
    expect(q('ADA').items.map(key)).toEqual(['eu/sweep-1', 'us/sweep-4']);
    // A name goes with its last job.
    cache.applyBatch('eu', { jobs: [], removed: ['sweep-2', 'sweep-3'] });
    expect(names()).toEqual([{ user: 'ada', n: 2 }]);
    expect(q('hopper').total).toBe(0);
    cache.forgetCluster('us');
    expect(names()).toEqual([{ user: 'ada', n: 1 }]);
    cache.applyBatch('eu', { jobs: [makeJob(5, { id: 'old-one', user: 'linus', state: 'completed', finishedAt: '2020-01-01T00:00:00.000Z' })], removed: [] });
    expect(cache.applyRetention(30, Date.UTC(2026, 10, 15))).toBe(1);
    expect(names()).toEqual(counted());
    expect(q('linus').total).toBe(0);
    cache.dropClusterJobs('eu');
    expect(names()).toEqual([]);
    expect(() => cache.db.prepare("INSERT INTO job_users_search (job_users_search, rank) VALUES ('integrity-check', 1)").run()).not.toThrow();
  });

  it('is built for the jobs of a cache written before the index existed', () => {
    cache.close();
    const file = path.join(dir, 'before-search.db');
    const old = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('jobs_search'));
    expect(before).toBeGreaterThan(0);
    for (const m of MIGRATIONS.slice(0, before)) old.exec(m);
    old.pragma(`user_version = ${before}`);
    // The row as that schema had it: columns added by later migrations are not there yet.
    const { cpu_percent: _cpu, peak_rss_bytes: _rss, wait_ms: _wait, ...row } = jobToRow('eu', makeJob(7, { id: 'sweep-77aa', state: 'failed', errorMessage: 'quota exceeded' }), '2026-11-01T00:00:00.000Z');
    old.prepare(`INSERT INTO jobs (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((c) => '@' + c).join(', ')})`).run(row);
    old.close();
    cache = JobCache.open({ file }).cache;
    expect(cache.queryJobs({ filter: { q: 'QUOTA EXC' }, sort: 'created', limit: 10 }).items.map(key)).toEqual(['eu/sweep-77aa']);
    expect(cache.queryJobs({ filter: { q: '77a' }, sort: 'created', limit: 10 }).total).toBe(1);
  });

  it('moves the users of a cache searched before user names had their own index to it', () => {
    cache.close();
    const file = path.join(dir, 'users-in-jobs-index.db');
    const old = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE job_users'));
    expect(before).toBeGreaterThan(MIGRATIONS.findIndex((m) => m.includes('jobs_search')));
    for (const m of MIGRATIONS.slice(0, before)) old.exec(m);
    old.pragma(`user_version = ${before}`);
    const insert = (row: JobRow) =>
      old.prepare(`INSERT INTO jobs (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((c) => '@' + c).join(', ')})`).run(row);
    insert(jobToRow('eu', makeJob(1, { id: 'sweep-1', user: 'Grace Hopper', state: 'failed', errorMessage: 'quota exceeded' }), '2026-11-01T00:00:00.000Z'));
    insert(jobToRow('eu', makeJob(2, { id: 'sweep-2', user: 'Grace Hopper' }), '2026-11-01T00:00:00.000Z'));
    insert(jobToRow('us', makeJob(3, { id: 'sweep-3', user: 'ada' }), '2026-11-01T00:00:00.000Z'));
    // That index held the users' names.
    expect(old.prepare("SELECT count(*) FROM jobs_search WHERE jobs_search MATCH '\"hopper\"'").pluck().get()).toBe(2);
    old.close();
    cache = JobCache.open({ file }).cache;
    expect(cache.db.prepare('SELECT user, n FROM job_users ORDER BY user').all()).toEqual([{ user: 'Grace Hopper', n: 2 }, { user: 'ada', n: 1 }]);
    expect(cache.db.prepare("SELECT count(*) FROM jobs_search WHERE jobs_search MATCH '\"hopper\"'").pluck().get()).toBe(0);
    expect(cache.queryJobs({ filter: { q: 'HOPPER' }, sort: 'created', limit: 10 }).items.map(key)).toEqual(['eu/sweep-1', 'eu/sweep-2']);
    expect(cache.queryJobs({ filter: { q: 'quota' }, sort: 'created', limit: 10 }).items.map(key)).toEqual(['eu/sweep-1']);
    expect(cache.queryJobs({ filter: { q: 'eep-3' }, sort: 'created', limit: 10 }).total).toBe(1);
    for (const index of ['jobs_search', 'job_users_search']) {
      expect(() => cache.db.prepare(`INSERT INTO ${index} (${index}, rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
    }
  });
});
