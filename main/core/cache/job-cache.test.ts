import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB_STATES } from '../../../contract/domain.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './cache-schema.ts';
import { jobToRow, waitMsOf } from './job-rows.ts';
import { CacheQueryError, JobCache } from './job-cache.ts';

let dir: string;
let cache: JobCache;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-cache-'));
  cache = JobCache.open({ file: path.join(dir, 'cache.db') }).cache;
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('creates the schema at the latest version, in WAL mode, readable tables', () => {
    expect(cache.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(cache.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (cache.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tables).toEqual(expect.arrayContaining(['jobs', 'job_counts', 'sync_state', 'queue_samples', 'resource_samples', 'snapshots']));
    const columns = (cache.db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toEqual(
      expect.arrayContaining([
        'cluster_id', 'job_id', 'type', 'state', 'priority', 'user', 'created_at', 'started_at', 'finished_at',
        'duration_ms', 'attempts', 'progress', 'error_message', 'error_stack', 'config_json', 'result_json',
      ]),
    );
  });

  it('upgrades a file of an older schema version in place, keeping its data', () => {
    cache.close();
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    // The row as schema 1 had it: columns added by later migrations are not there yet.
    const { worker_lost: _added, cpu_percent: _cpu, peak_rss_bytes: _rss, wait_ms: _wait, ...v1 } = jobToRow('a', makeJob(1), '2026-11-01T00:00:00.000Z');
    old.prepare(`INSERT INTO jobs (${Object.keys(v1).join(', ')}) VALUES (${Object.keys(v1).map((c) => '@' + c).join(', ')})`).run(v1);
    old.close();
    const upgraded = JobCache.open({ file });
    cache = upgraded.cache;
    expect(upgraded.recovered).toBeNull();
    expect(cache.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(cache.getJob('a', 'job-1')?.id).toBe('job-1');
    expect(cache.countsByState().total).toBe(1);
    const indexes = (cache.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain('jobs_user_state');
    // Waits of rows written before the column existed are worked out by the migration.
    expect(cache.db.prepare('SELECT wait_ms FROM jobs').pluck().get()).toBe(500);
  });

  it("keeps each job's wait: from when it could run (created, or a later run-at time) to its start", () => {
    const created = '2026-11-01T10:00:00.000Z';
    expect(waitMsOf({ createdAt: created, runAt: null, startedAt: '2026-11-01T10:00:30.000Z' })).toBe(30_000);
    expect(waitMsOf({ createdAt: created, runAt: '2026-11-01T10:05:00.000Z', startedAt: '2026-11-01T10:05:02.500Z' })).toBe(2_500);
    expect(waitMsOf({ createdAt: created, runAt: '2026-11-01T10:05:00.000Z', startedAt: '2026-11-01T10:04:00.000Z' })).toBe(0);
    expect(waitMsOf({ createdAt: created, runAt: null, startedAt: null })).toBeNull();
  });

  it('is readable with the sqlite3 command-line tool (as admins use it)', () => {
    cache.applyBatch('a', { jobs: [makeJob(5, { state: 'failed' }), makeJob(6)], removed: [] });
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    const out = execFileSync('sqlite3', [path.join(dir, 'cache.db'), "SELECT job_id, state, error_message FROM jobs WHERE state = 'failed'"], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('job-5|failed|boom 5: data not available');
  });

  it('reopens an existing file without re-running migrations and keeps the data', () => {
    cache.applyBatch('a', { jobs: [makeJob(1)], removed: [], lastEventId: '7' });
    cache.close();
    const again = JobCache.open({ file: path.join(dir, 'cache.db') });
    expect(again.recovered).toBeNull();
    expect(again.cache.getJob('a', 'job-1')?.id).toBe('job-1');
    expect(again.cache.syncState('a').lastEventId).toBe('7');
    cache = again.cache;
  });
});

describe('corrupt file recovery', () => {
  it('moves a file that is not a database aside and starts a fresh cache, with a message', () => {
    cache.close();
    const file = path.join(dir, 'cache.db');
    rmSync(file);
    rmSync(file + '-wal', { force: true });
    rmSync(file + '-shm', { force: true });
    writeFileSync(file, 'this is not a database, just garbage bytes '.repeat(200));
    const opened = JobCache.open({ file });
    cache = opened.cache;
    expect(opened.recovered).toMatch(/damaged.*moved to cache\.db\.corrupt-.*rebuilt from the clusters/);
    expect(readdirSync(dir).some((f) => f.startsWith('cache.db.corrupt-'))).toBe(true);
    expect(cache.countsByState().total).toBe(0);
    cache.applyBatch('a', { jobs: [makeJob(1)], removed: [] });
    expect(cache.getJob('a', 'job-1')).not.toBeNull();
  });

  it('detects damaged pages with quick_check', () => {
    cache.applyBatch('a', { jobs: Array.from({ length: 3000 }, (_, i) => makeJob(i, { errorMessage: 'x'.repeat(200) })), removed: [] });
    cache.db.pragma('wal_checkpoint(TRUNCATE)');
    cache.close();
    const file = path.join(dir, 'cache.db');
    // Scribble over the middle of the file (index and table pages), leaving the header intact.
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(4096 * 20, 0x5a);
    writeSync(fd, junk, 0, junk.length, 4096 * 10);
    closeSync(fd);
    const opened = JobCache.open({ file });
    cache = opened.cache;
    expect(opened.recovered).toMatch(/damaged/);
    expect(cache.countsByState().total).toBe(0);
  });
});

describe('writing', () => {
  it('never lets an older record overwrite a newer one', () => {
    const newer = makeJob(1, { state: 'completed', updatedAt: '2026-11-02T00:00:00.000Z' });
    const older = makeJob(1, { state: 'running', updatedAt: '2026-11-01T00:00:00.000Z' });
    cache.applyBatch('a', { jobs: [newer], removed: [] });
    const changed = cache.applyBatch('a', { jobs: [older], removed: [] });
    expect(changed).toEqual([]);
    expect(cache.getJob('a', 'job-1')?.state).toBe('completed');
  });

  it('keeps counts per state in step with inserts, updates and deletes', () => {
    const jobs = Array.from({ length: 70 }, (_, i) => makeJob(i));
    cache.applyBatch('a', { jobs, removed: [] });
    cache.applyBatch('b', { jobs: jobs.slice(0, 7), removed: [] });
    expect(cache.countsByState().total).toBe(77);
    expect(cache.countsByState(['a']).counts.pending).toBe(10);
    cache.applyBatch('a', {
      jobs: [makeJob(0, { state: 'completed', updatedAt: '2027-01-01T00:00:00.000Z' })],
      removed: ['job-1', 'nope'],
    });
    const a = cache.countsByState(['a']);
    expect(a.total).toBe(69);
    expect(a.counts.pending).toBe(9);
    expect(a.counts.completed).toBe(11);
    expect(a.counts.running).toBe(9);
    // The counts table agrees with a real count.
    const real = cache.db.prepare("SELECT count(*) AS n FROM jobs WHERE cluster_id = 'a' AND state = 'completed'").get() as { n: number };
    expect(real.n).toBe(11);
  });

  it('stores the cursor in the same transaction as the jobs', () => {
    cache.applyBatch('a', { jobs: [makeJob(1)], removed: [], lastEventId: '5', historyCursor: 'c1', historyComplete: true });
    cache.applyBatch('a', { jobs: [makeJob(2)], removed: [], lastEventId: '9' });
    expect(cache.syncState('a')).toMatchObject({ lastEventId: '9', historyCursor: 'c1', historyComplete: true });
    expect(cache.syncState('zzz')).toEqual({ lastEventId: null, historyCursor: null, historyComplete: false, lastSyncAt: null });
  });

  it('round-trips a job record exactly', () => {
    const job = makeJob(3, { parentId: 'sweep-1', workerId: 'w1', eta: '2026-11-01T00:10:00.000Z' });
    cache.applyBatch('a', { jobs: [job], removed: [] });
    expect(cache.getJob('a', job.id)).toEqual({ ...job, clusterId: 'a', runAt: null, lastProgressAt: null });
  });
});

describe('queries', () => {
  beforeEach(() => {
    cache.applyBatch('a', { jobs: Array.from({ length: 500 }, (_, i) => makeJob(i)), removed: [] });
    cache.applyBatch('b', { jobs: Array.from({ length: 200 }, (_, i) => makeJob(i)), removed: [] });
  });

  it('pages through a filter with keyset cursors: no row missed or repeated, in order', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = cache.queryJobs({ filter: { state: ['failed', 'completed'] }, sort: '-created', cursor, limit: 17 });
      expect(page.total).toBe(198);
      seen.push(...page.items.map((j) => `${j.clusterId}/${j.id}/${j.createdAt}`));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(198);
    expect(new Set(seen).size).toBe(198);
    const times = seen.map((s) => s.split('/')[2]!);
    expect([...times].sort().reverse()).toEqual(times);
    expect(pages).toBe(Math.ceil(198 / 17));
  });

  it('filters by cluster, type, user, priority, text and dates', () => {
    expect(cache.queryJobs({ clusterIds: ['b'], filter: {}, sort: 'created', limit: 5 }).total).toBe(200);
    const typed = cache.queryJobs({ filter: { type: ['sweep'], user: ['alice'] }, sort: 'created', limit: 1000 });
    expect(typed.items.every((j) => j.type === 'sweep' && j.user === 'alice')).toBe(true);
    expect(typed.total).toBe(typed.items.length);
    const text = cache.queryJobs({ filter: { q: 'BOOM 12:' }, sort: 'created', limit: 10 });
    expect(text.items.map((j) => j.id)).toEqual(['job-12', 'job-12']);
    const wild = cache.queryJobs({ filter: { q: '%' }, sort: 'created', limit: 10 });
    expect(wild.total).toBe(0);
    const dated = cache.queryJobs({
      clusterIds: ['a'],
      filter: { createdAfter: '2026-11-01T00:01:00.000Z', createdBefore: '2026-11-01T00:02:00.000Z' },
      sort: 'created',
      limit: 100,
    });
    expect(dated.total).toBe(60);
    const prio = cache.queryJobs({ filter: { priority: ['critical'], state: ['pending'] }, sort: 'priority', limit: 100 });
    expect(prio.items.every((j) => j.priority === 'critical' && j.state === 'pending')).toBe(true);
  });

  it('sorts by priority then position for the queue table', () => {
    const page = cache.queryJobs({ clusterIds: ['a'], filter: { state: ['pending'] }, sort: 'priority', limit: 1000 });
    const ranks = page.items.map((j) => ['critical', 'high', 'normal', 'low'].indexOf(j.priority) * 1000 + (j.position ?? 999));
    expect([...ranks].sort((x, y) => x - y)).toEqual(ranks);
  });

  it('sorts by finished time across states', () => {
    let cursor: string | undefined;
    const all: string[] = [];
    do {
      const page = cache.queryJobs({ filter: { state: ['completed', 'failed', 'cancelled'] }, sort: '-finished', cursor, limit: 50 });
      all.push(...page.items.map((j) => j.finishedAt!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(297);
    expect([...all].sort().reverse()).toEqual(all);
  });

  it('refuses a cursor from another sort order or a damaged one, clearly', () => {
    const page = cache.queryJobs({ filter: {}, sort: 'created', limit: 5 });
    expect(() => cache.queryJobs({ filter: {}, sort: 'priority', cursor: page.nextCursor!, limit: 5 })).toThrow(CacheQueryError);
    expect(() => cache.queryJobs({ filter: {}, sort: 'created', cursor: 'garbage!!', limit: 5 })).toThrow(/start again/);
  });

  it('counts by state over all or some clusters', () => {
    const { counts, total } = cache.countsByState();
    expect(total).toBe(700);
    expect(Object.keys(counts).sort()).toEqual([...JOB_STATES].sort());
    expect(counts.pending).toBe(Math.ceil(500 / 7) + Math.ceil(200 / 7));
  });
});

describe('retention', () => {
  it('drops finished jobs older than the retention, keeps active and recent ones', () => {
    const now = Date.parse('2026-12-01T00:00:00.000Z');
    cache.applyBatch('a', {
      jobs: [
        makeJob(1, { state: 'completed', finishedAt: '2026-08-01T00:00:00.000Z' }),
        makeJob(2, { state: 'failed', finishedAt: '2026-11-20T00:00:00.000Z' }),
        makeJob(3, { state: 'running', createdAt: '2026-01-01T00:00:00.000Z', finishedAt: null }),
        makeJob(4, { state: 'cancelled', finishedAt: '2025-01-01T00:00:00.000Z' }),
      ],
      removed: [],
    });
    expect(cache.applyRetention(90, now)).toBe(2);
    expect(cache.allJobs('a').map((j) => j.id)).toEqual(['job-2', 'job-3']);
    expect(cache.countsByState(['a']).total).toBe(2);
  });
});

describe('activity and samples', () => {
  it('buckets finished and failed jobs and the sampled queue length', () => {
    const from = Date.parse('2026-11-01T00:00:00.000Z');
    cache.applyBatch('a', {
      jobs: [
        makeJob(1, { state: 'completed', finishedAt: '2026-11-01T00:00:30.000Z' }),
        makeJob(2, { state: 'failed', finishedAt: '2026-11-01T00:01:30.000Z' }),
        makeJob(3, { state: 'failed', finishedAt: '2026-11-01T00:01:40.000Z' }),
      ],
      removed: [],
    });
    const queue = (pending: number) => ({
      type: 'backtest' as const,
      paused: false,
      concurrency: 2,
      counts: { pending, running: 1, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 },
      queueLength: { value: pending, level: 'good' as const },
      readyCount: pending,
      waitTimeP50Ms: { value: null, level: 'good' as const },
      waitTimeP95Ms: { value: null, level: 'good' as const },
      processingRatePerMin: { value: 3, level: 'critical' as const },
      failureRate: { value: 0, level: 'good' as const },
      windowMs: 60_000,
    });
    cache.recordQueueSamples('a', '2026-11-01T00:01:10.000Z', [queue(4)]);
    cache.recordQueueSamples('a', '2026-11-01T00:01:50.000Z', [queue(6)]);
    const points = cache.activity(undefined, from, from + 180_000, 60_000);
    expect(points.map((p) => [p.finished, p.failed, p.queueLength])).toEqual([
      [1, 0, 0],
      [2, 2, 6],
      [0, 0, 0],
    ]);
  });

  it('a wide bucket keeps the peak queue length of each cluster, not its last sample', () => {
    const from = Date.parse('2026-11-01T00:00:00.000Z');
    const queue = (type: 'backtest' | 'report', pending: number) => ({
      type,
      paused: false,
      concurrency: 2,
      counts: { pending, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 },
      queueLength: { value: pending, level: 'good' as const },
      readyCount: pending,
      waitTimeP50Ms: { value: null, level: 'good' as const },
      waitTimeP95Ms: { value: null, level: 'good' as const },
      processingRatePerMin: { value: 0, level: 'good' as const },
      failureRate: { value: null, level: 'good' as const },
      windowMs: 60_000,
    });
    // Cluster a: 14 queued (two queues) at 00:10, drained by 01:50; cluster b: 3 at 01:00.
    cache.recordQueueSamples('a', '2026-11-01T00:10:00.000Z', [queue('backtest', 10), queue('report', 4)]);
    cache.recordQueueSamples('a', '2026-11-01T01:00:00.000Z', [queue('backtest', 5), queue('report', 0)]);
    cache.recordQueueSamples('a', '2026-11-01T01:50:00.000Z', [queue('backtest', 0), queue('report', 0)]);
    cache.recordQueueSamples('b', '2026-11-01T01:00:00.000Z', [queue('backtest', 3)]);
    const twoHours = cache.activity(undefined, from, from + 4 * 3_600_000, 2 * 3_600_000);
    expect(twoHours.map((p) => p.queueLength)).toEqual([17, 0]);
    expect(cache.activity(['a'], from, from + 2 * 3_600_000, 2 * 3_600_000)[0]!.queueLength).toBe(14);
  });

  it('keeps snapshots with their time', () => {
    cache.saveSnapshot('a', 'summary', { total: 3 }, '2026-11-01T00:00:00.000Z');
    expect(cache.snapshot('a', 'summary')).toEqual({ at: '2026-11-01T00:00:00.000Z', body: { total: 3 } });
    expect(cache.snapshot('a', 'queues')).toBeNull();
    cache.forgetCluster('a');
    expect(cache.snapshot('a', 'summary')).toBeNull();
  });
});
