/**
 * Bulk load: writing many jobs into a cache that holds few (a new desktop's first sync of a big
 * cluster) without the triggers that keep the text search (`jobs_search`), the user names
 * (`job_users`) and the hourly roll-ups in step with `jobs`, then building those once from the table.
 * Per written row the triggers cost several times the row itself (the trigram index most: at
 * 100,000 jobs it took about 18 s of CPU of a 28 s pull, the roll-ups 3 s and the user names 1 s,
 * against 5 s for the rows and their indexes); building all three from 100,000 rows takes about 3 s.
 * The cheap triggers (job counts, stuck episodes, failure group counts) stay: what they keep cannot
 * be worked out again from the rows.
 *
 * Beginning records the deferred triggers' own SQL (as sqlite_master holds it) in
 * `bulk_load_triggers` and drops them, in one transaction; finishing rebuilds the index, the user
 * names and the roll-ups over every row (whichever cluster wrote it meanwhile), recreates the
 * triggers from the table and drops it, again in one transaction. The table is the marker: a cache
 * opened while it exists (the app stopped mid-load) is finished before anything else reads or
 * migrates it (open-cache-database.ts). While a load is on, searches and reports do not see the
 * rows it wrote yet; the job list, counts and failure patterns do.
 */
import { ROLLUP_BACKFILL } from './job-rollups.ts';
import type { SqliteDatabase } from './open-cache-database.ts';

const MARKER = 'bulk_load_triggers';

/** The triggers on `jobs` a bulk load drops: text index, user names, roll-ups. */
const DEFERRED_TRIGGERS = /^(jobs_search_|jobs_user_|jobs_rollup_)/;

/** True while a bulk load is on (its marker table exists). */
export function bulkLoadActive(db: SqliteDatabase): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${MARKER}'`).get() !== undefined;
}

/** Record and drop the deferred triggers; nothing to do when a load is already on. */
export function beginBulkLoad(db: SqliteDatabase, at = new Date().toISOString()): void {
  db.transaction(() => {
    if (bulkLoadActive(db)) return;
    db.exec(`CREATE TABLE ${MARKER} (name TEXT PRIMARY KEY, sql TEXT NOT NULL, dropped_at TEXT NOT NULL)`);
    const triggers = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'jobs' ORDER BY name`).all() as { name: string; sql: string }[];
    const record = db.prepare(`INSERT INTO ${MARKER} (name, sql, dropped_at) VALUES (?, ?, ?)`);
    for (const t of triggers.filter((t) => DEFERRED_TRIGGERS.test(t.name))) {
      record.run(t.name, t.sql, at);
      db.exec(`DROP TRIGGER "${t.name}"`);
    }
  })();
}

/** Build the index, user names and roll-ups from the rows, put the triggers back and end the load; nothing to do when none is on. */
export function finishBulkLoad(db: SqliteDatabase): void {
  db.transaction(() => {
    if (!bulkLoadActive(db)) return;
    db.exec(`INSERT INTO jobs_search (jobs_search) VALUES ('rebuild')`);
    // job_users' own triggers keep its name index in step.
    db.exec('DELETE FROM job_users');
    db.exec('INSERT INTO job_users (user, n) SELECT user, count(*) FROM jobs GROUP BY user');
    db.exec('DELETE FROM job_hours_created; DELETE FROM job_hours_finished; DELETE FROM job_hour_histograms;');
    db.exec(ROLLUP_BACKFILL);
    for (const t of db.prepare(`SELECT sql FROM ${MARKER} ORDER BY name`).all() as { sql: string }[]) db.exec(t.sql);
    db.exec(`DROP TABLE ${MARKER}`);
  })();
}
