// The per-hour roll-ups must always equal the same GROUP BY over the jobs table, whatever writes
// the rows: inserts, state changes (a retry that fails then completes, usage reported later),
// deletes by the sync, retention and a cluster's rebuild, and the upgrade of an existing cache.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../contract/jobs.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { MIGRATIONS } from './cache-schema.ts';
import { JobCache } from './job-cache.ts';
import { bucketSql } from './job-rollups.ts';
import { jobToRow } from './job-rows.ts';
import type { SqliteDatabase } from './open-cache-database.ts';

const ENDED = `state IN ('completed', 'failed', 'cancelled') AND finished_at IS NOT NULL`;
const SCORED = `state IN ('completed', 'failed') AND finished_at IS NOT NULL`;

/** The roll-ups as the tables hold them (rows that dropped to zero left out) and as SQL over the jobs gives them. */
function rollups(db: SqliteDatabase) {
  const rows = (sql: string) => db.prepare(sql).raw().all().map((r) => JSON.stringify(r));
  const histogram = (metric: string, when: string, hour: string, type: string, value: string) =>
    rows(`SELECT cluster_id, '${metric}', substr(${hour}, 1, 13), ${type}, ${bucketSql(value)} AS b, count(*), sum(${value}) FROM jobs WHERE ${when} GROUP BY 1, 3, 4, 5 ORDER BY 1, 3, 4, 5`);
  return {
    held: {
      created: rows('SELECT * FROM job_hours_created WHERE n > 0 ORDER BY 1, 2, 3, 4, 5'),
      finished: rows(
        'SELECT cluster_id, hour, type, state, n, dur_n, run_ms, wait_n, wait_sum, cpu_n, round(cpu_ms, 3), round(cpu_sum, 3), rss_n, rss_sum, rss_max FROM job_hours_finished WHERE n > 0 ORDER BY 1, 2, 3, 4',
      ),
      histograms: rows("SELECT * FROM job_hour_histograms WHERE n > 0 AND metric = 'run' ORDER BY 1, 3, 4, 5")
        .concat(rows("SELECT * FROM job_hour_histograms WHERE n > 0 AND metric = 'wait' ORDER BY 1, 3, 4, 5"))
        .concat(rows("SELECT * FROM job_hour_histograms WHERE n > 0 AND metric = 'wait_submitted' ORDER BY 1, 3, 4, 5")),
    },
    sql: {
      created: rows(
        `SELECT cluster_id, substr(created_at, 1, 13), user, type, state, count(*),
                sum(CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN ifnull(duration_ms, 0) ELSE 0 END), count(wait_ms), ifnull(sum(wait_ms), 0)
         FROM jobs GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      ),
      finished: rows(
        `SELECT cluster_id, substr(finished_at, 1, 13), type, state, count(*), count(duration_ms), ifnull(sum(duration_ms), 0), count(wait_ms), ifnull(sum(wait_ms), 0),
                count(cpu_percent), round(ifnull(sum(cpu_percent / 100.0 * ifnull(duration_ms, 0)), 0), 3), round(ifnull(sum(cpu_percent), 0), 3),
                count(peak_rss_bytes), ifnull(sum(peak_rss_bytes), 0), max(peak_rss_bytes)
         FROM jobs WHERE ${ENDED} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      ),
      histograms: histogram('run', `${SCORED} AND duration_ms IS NOT NULL`, 'finished_at', 'type', 'max(0, duration_ms)')
        .concat(histogram('wait', `${SCORED} AND wait_ms IS NOT NULL`, 'finished_at', 'type', 'max(0, wait_ms)'))
        .concat(histogram('wait_submitted', 'wait_ms IS NOT NULL', 'created_at', "''", 'max(0, wait_ms)')),
    },
  };
}

function expectRollupsMatchJobs(db: SqliteDatabase) {
  const { held, sql } = rollups(db);
  expect(held.created).toEqual(sql.created);
  expect(held.finished).toEqual(sql.finished);
  expect(held.histograms).toEqual(sql.histograms);
}

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A job created `h` hours after BASE that ran `runS` seconds after waiting `waitS`. */
function job(n: number, h: number, state: Job['state'], o: { waitS?: number; runS?: number; rssMb?: number; cpu?: number; updated?: number } = {}): Job {
  const created = BASE + h * HOUR + n * 7_000;
  const started = state === 'pending' ? null : created + (o.waitS ?? 30) * 1000;
  const ended = state === 'completed' || state === 'failed' || state === 'cancelled' ? (started ?? created) + (o.runS ?? 60) * 1000 : null;
  return makeJob(n, {
    state,
    createdAt: iso(created),
    startedAt: started === null ? null : iso(started),
    finishedAt: ended === null ? null : iso(ended),
    durationMs: ended !== null && started !== null ? ended - started : null,
    usage: started === null ? null : { cpuPercent: o.cpu ?? 50 + n, peakRssBytes: (o.rssMb ?? 100 + n) * 1_048_576 },
    updatedAt: iso((ended ?? started ?? created) + (o.updated ?? 0)),
  });
}

let cache: JobCache;
beforeEach(() => {
  cache = JobCache.open({ file: ':memory:' }).cache;
});
afterEach(() => cache.close());

describe('per-hour roll-ups of the jobs', () => {
  it('count every inserted job, finished or not, in its hours', () => {
    const jobs = Array.from({ length: 60 }, (_, n) => job(n, n % 5, (['pending', 'running', 'completed', 'failed', 'cancelled', 'stuck'] as const)[n % 6]!, { waitS: n * 13, runS: 1 + n * 37 }));
    cache.applyBatch('east', { jobs, removed: [] });
    cache.applyBatch('west', { jobs: jobs.slice(0, 10), removed: [] });
    expectRollupsMatchJobs(cache.db);
    // Not trivially equal: the roll-ups hold hours of both clusters, several states and histogram buckets.
    const { held } = rollups(cache.db);
    expect(held.created.length).toBeGreaterThan(20);
    expect(held.finished.length).toBeGreaterThan(5);
    expect(held.histograms.length).toBeGreaterThan(30);
  });

  it('move a job as it changes: pending, running, failed, retried, completed in a later hour', () => {
    const first = job(1, 0, 'pending');
    cache.applyBatch('east', { jobs: [first, job(2, 0, 'completed', { rssMb: 900 })], removed: [] });
    const running = job(1, 0, 'running', { waitS: 40 });
    cache.applyBatch('east', { jobs: [running], removed: [] });
    expectRollupsMatchJobs(cache.db);
    const failed = job(1, 0, 'failed', { waitS: 40, runS: 100 });
    cache.applyBatch('east', { jobs: [failed], removed: [] });
    expectRollupsMatchJobs(cache.db);
    // Retried: pending again, then it completes two hours later with other usage.
    cache.applyBatch('east', { jobs: [{ ...failed, state: 'pending', startedAt: null, finishedAt: null, durationMs: null, usage: null, updatedAt: iso(BASE + 1.5 * HOUR) }], removed: [] });
    expectRollupsMatchJobs(cache.db);
    const done = job(1, 0, 'completed', { waitS: 2 * 3600, runS: 50, rssMb: 2000, updated: HOUR });
    cache.applyBatch('east', { jobs: [done], removed: [] });
    expectRollupsMatchJobs(cache.db);
    const hourOf = (j: Job) => j.finishedAt!.slice(0, 13);
    expect(cache.db.prepare("SELECT state, n FROM job_hours_finished WHERE hour = ? AND type = ? AND n > 0").raw().all(hourOf(done), done.type)).toEqual([['completed', 1]]);
    // The failed attempt's hour no longer counts it.
    expect(cache.db.prepare("SELECT ifnull(sum(n), 0) FROM job_hours_finished WHERE hour = ? AND state = 'failed'").pluck().get(hourOf(failed))).toBe(0);
  });

  it('take a deleted job out, and read the largest memory of its hour again when it held it', () => {
    const big = job(3, 0, 'completed', { rssMb: 4000 });
    const small = job(4, 0, 'completed', { rssMb: 300 });
    const same = { ...small, id: 'job-5', type: big.type };
    cache.applyBatch('east', { jobs: [{ ...big }, { ...small, type: big.type }, same, job(6, 1, 'failed')], removed: [] });
    const maxOf = () => cache.db.prepare('SELECT rss_max FROM job_hours_finished WHERE type = ? AND state = ? AND hour = ?').pluck().get(big.type, 'completed', big.finishedAt!.slice(0, 13));
    expect(maxOf()).toBe(4000 * 1_048_576);
    cache.applyBatch('east', { jobs: [], removed: [big.id] });
    expectRollupsMatchJobs(cache.db);
    expect(maxOf()).toBe(same.usage!.peakRssBytes);
    // Retention deletes finished jobs in chunks; a cluster's rebuild drops all of its jobs.
    cache.applyRetention(1, BASE + 3 * 86_400_000);
    expectRollupsMatchJobs(cache.db);
    expect(cache.db.prepare('SELECT count(*) FROM job_hours_finished').pluck().get()).toBe(0);
    cache.applyBatch('east', { jobs: [job(7, 2, 'running'), job(8, 2, 'completed')], removed: [] });
    cache.applyBatch('west', { jobs: [job(9, 2, 'completed')], removed: [] });
    cache.dropClusterJobs('east');
    expectRollupsMatchJobs(cache.db);
    expect(cache.db.prepare("SELECT sum(n) FROM job_hours_created WHERE cluster_id = 'west'").pluck().get()).toBe(1);
  });

  it('are built for the jobs of a cache made before them', () => {
    cache.close();
    const old = new Database(':memory:');
    MIGRATIONS.slice(0, 10).forEach((sql) => old.exec(sql));
    old.pragma('user_version = 10');
    const jobs = Array.from({ length: 40 }, (_, n) => job(n, n % 4, (['pending', 'running', 'completed', 'failed', 'cancelled'] as const)[n % 5]!, { waitS: n * 11, runS: n * 29 }));
    const rows = jobs.map((j) => jobToRow('east', j, iso(BASE)));
    const columns = Object.keys(rows[0]!);
    const insert = old.prepare(`INSERT INTO jobs (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`);
    rows.forEach((r) => insert.run(r));
    expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'job_hours_created'").pluck().get()).toBe(0);
    MIGRATIONS.slice(10).forEach((sql) => old.exec(sql));
    expectRollupsMatchJobs(old as unknown as SqliteDatabase);
    expect(old.prepare('SELECT sum(n) FROM job_hours_created').pluck().get()).toBe(40);
    old.close();
    cache = JobCache.open({ file: ':memory:' }).cache;
  });
});
