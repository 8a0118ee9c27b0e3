// Reports read a month of jobs at a time. Every read of the jobs table must stay inside an index
// that holds all the columns it uses: a read that falls back to the table looks up each wide row
// (error text, configuration, detail) and is many times slower at a million jobs.
process.env.TZ = 'Asia/Kathmandu';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_KINDS } from '../../../contract/reports.ts';
import { JobCache } from '../cache/job-cache.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import { buildReport } from './build-report.ts';
import { LocalBuckets, resolvePeriod } from './report-period.ts';
import { fillReportCache } from './testing/report-fixture.ts';

const END = Date.parse('2026-12-02T10:00:00Z');

/** Every statement a report prepares, with the parameters it ran with. */
function recordStatements(db: SqliteDatabase): { sql: string; params: unknown[] }[] {
  const seen: { sql: string; params: unknown[] }[] = [];
  const prepare = db.prepare.bind(db);
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const statement = prepare(sql);
    for (const method of ['all', 'get', 'iterate', 'run'] as const) {
      const original = statement[method].bind(statement) as (...a: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
        seen.push({ sql, params });
        return original(...params);
      };
    }
    return statement;
  };
  return seen;
}

// Where local days begin on UTC hours, whole hours come from the roll-ups and the jobs are read
// for the part hours at the ends and the hours holding the longest waits.
describe.each(['Asia/Kathmandu', 'Europe/Berlin'])('report reads of the jobs table in %s', (zone) => {
  let cache: JobCache;
  beforeEach(() => {
    process.env.TZ = zone;
    cache = JobCache.open({ file: ':memory:' }).cache;
    fillReportCache(cache, { days: 3, jobsPerDay: 400, endMs: END, samples: false });
    // The planner's statistics, as the app's periodic optimize leaves them on a big cache.
    cache.db.exec('ANALYZE');
  });
  afterEach(() => {
    cache.close();
    process.env.TZ = 'Asia/Kathmandu';
  });

  it.each(REPORT_KINDS)('%s reads jobs through covering indexes only', (kind) => {
    const statements = recordStatements(cache.db);
    // Seven minutes past the hour: the period's ends are part hours.
    buildReport({ db: cache.db }, { kind, since: '30d' }, END + 7 * 60_000);
    const onJobs = statements.filter((s) => /\bFROM jobs\b/.test(s.sql));
    const plans = onJobs.map((s) => ({
      sql: s.sql.replace(/\s+/g, ' '),
      plan: (cache.db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[]).map((r) => r.detail).filter((d) => /\bjobs\b/.test(d) && !/\bjobs_fts\b/.test(d)),
    }));
    // Pending jobs may be read from the table: they are what waits now, bounded by the queues, not
    // by the length of the history.
    const fine = (line: string, sql: string) => /COVERING INDEX|INTEGER PRIMARY KEY/.test(line) || (/\(state=\?/.test(line) && /state = 'pending'/.test(sql));
    const tableReads = plans.filter((p) => p.plan.some((line) => !fine(line, p.sql)));
    expect(tableReads).toEqual([]);
  });
});

describe('local buckets', () => {
  it('group by quarter hour where the zone is not a whole number of hours off UTC', () => {
    const period = resolvePeriod({ since: '7d' }, END);
    const buckets = new LocalBuckets(period);
    expect(buckets.quarters).toBe(true);
    // 18:14 UTC is 23:59 in Kathmandu (UTC+5:45); 18:15 UTC is 00:00 the next day.
    expect(buckets.of('2026-12-01T18:00')).toEqual({ day: '2026-12-01', hour: 23 });
    expect(buckets.of('2026-12-01T18:15')).toEqual({ day: '2026-12-02', hour: 0 });
  });
});
