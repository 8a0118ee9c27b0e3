/**
 * Generated jobs for the benchmarks that need a big desktop cache: a realistic mix of states,
 * types, priorities and users, and a fast fill of a JobCache with them.
 */
import { JOB_TYPES, PRIORITIES, type JobState } from '../contract/domain.ts';
import type { Job } from '../contract/jobs.ts';
import type { JobCache } from '../main/core/cache/job-cache.ts';
import { jobToRow, UPSERT_JOB_SQL, type JobRow } from '../main/core/cache/job-rows.ts';

const USERS = Array.from({ length: 40 }, (_, i) => `user${i}`);

/** Job number `n` in `state`, created about a second after job n - 1. */
export function benchJob(n: number, state: JobState, base = Date.UTC(2026, 8, 1)): Job {
  const created = base + n * 997;
  const finished = state === 'completed' || state === 'failed' || state === 'cancelled';
  const started = state !== 'pending';
  return {
    id: `${JOB_TYPES[n % 6]}-${n.toString(36)}`,
    type: JOB_TYPES[n % 6]!,
    state,
    priority: PRIORITIES[(n >> 2) % 4]!,
    user: USERS[(n * 7) % USERS.length]!,
    createdAt: new Date(created).toISOString(),
    startedAt: started ? new Date(created + 5_000).toISOString() : null,
    finishedAt: finished ? new Date(created + 65_000).toISOString() : null,
    durationMs: finished ? 60_000 : null,
    attempts: started ? 1 : 0,
    maxAttempts: 3,
    progress: started ? { percent: finished ? 100 : 50, step: 'compute', stepIndex: 1, stepCount: 3, message: '' } : null,
    ...(state === 'pending' ? { position: (n % 300) + 1 } : {}),
    errorMessage: state === 'failed' ? `data not available for window ${n % 97}` : null,
    updatedAt: new Date(created + (finished ? 65_000 : 5_000)).toISOString(),
  };
}

/** A realistic state mix: mostly finished, some active and pending. */
export function benchState(n: number): JobState {
  const r = (n * 2654435761) % 100;
  if (r < 70) return 'completed';
  if (r < 80) return 'failed';
  if (r < 85) return 'cancelled';
  if (r < 93) return 'pending';
  if (r < 98) return 'running';
  return r < 99 ? 'paused' : 'stuck';
}

/**
 * Fills `cache` with `count` jobs spread over `clusterIds`, created in the last days (set-up
 * speed, not the sync path): the
 * jobs table's indexes and count triggers are dropped for the bulk insert and rebuilt after,
 * exactly as the migrations define them, with the text-search index and the counts.
 */
export function fillJobCache(cache: JobCache, clusterIds: readonly string[], count: number): void {
  const schema = cache.db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'jobs' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .all() as { type: string; name: string; sql: string }[];
  for (const s of schema) cache.db.exec(`DROP ${s.type.toUpperCase()} ${s.name}`);
  const upsert = cache.db.prepare(UPSERT_JOB_SQL);
  const write = cache.db.transaction((rows: JobRow[]) => {
    for (const row of rows) upsert.run(row);
  });
  const at = new Date().toISOString();
  // The newest job an hour old: recent enough that the cache's retention keeps every one.
  const base = Date.now() - 3_600_000 - count * 997;
  for (let start = 0; start < count; start += 5_000) {
    const rows: JobRow[] = [];
    for (let n = start; n < Math.min(count, start + 5_000); n++) rows.push(jobToRow(clusterIds[n % clusterIds.length]!, benchJob(n, benchState(n), base), at));
    write(rows);
  }
  for (const s of schema.filter((x) => x.type === 'index')) cache.db.exec(s.sql);
  cache.db.exec("INSERT INTO jobs_search (jobs_search) VALUES ('rebuild')");
  cache.db.exec('DELETE FROM job_users; INSERT INTO job_users (user, n) SELECT user, count(*) FROM jobs GROUP BY user');
  cache.db.exec(
    'DELETE FROM job_counts; INSERT INTO job_counts (cluster_id, state, type, priority, n) SELECT cluster_id, state, type, priority, count(*) FROM jobs GROUP BY 1, 2, 3, 4',
  );
  for (const s of schema.filter((x) => x.type === 'trigger')) cache.db.exec(s.sql);
  cache.db.exec('ANALYZE');
}
