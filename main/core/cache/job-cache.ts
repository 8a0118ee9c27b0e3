/**
 * JobCache: the local SQLite copy of every cluster's jobs, metrics samples and sync cursors.
 * Writers (the sync) apply batches in one transaction together with the cursor they reach, so the
 * cache and its cursor never disagree; readers (the UI's tables, charts, exports) work offline.
 */
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { CachedJob, CachedJobDetail, CachedJobPage } from '../../../contract/admin-api.ts';
import type { JobFilter, JobSort } from '../../../contract/api.ts';
import { JOB_STATES, type JobState, type JobType } from '../../../contract/domain.ts';
import type { FinishedJobDetail } from '../../../contract/events.ts';
import type { Job, JobDetail } from '../../../contract/jobs.ts';
import type { QueueMetrics, ResourceSample, StateCounts } from '../../../contract/metrics.ts';
import { finishedJobToRow, JOB_ROW_COLUMNS, jobToRow, normaliseInstant, rowToJob, UPSERT_FINISHED_JOB_SQL, UPSERT_JOB_SQL, type JobRow } from './job-rows.ts';
import { decodeCursor, encodeCursor, pageSelect, totalSelect, filterWhere } from './job-query-sql.ts';
import { matchesNothing, planTextSearch, searchInState } from './job-text-search.ts';
import { CacheHealth } from './cache-health.ts';
import { beginBulkLoad, bulkLoadActive, finishBulkLoad } from './bulk-load.ts';
import { openCacheDatabase, type OpenCacheOptions, type SqliteDatabase } from './open-cache-database.ts';
import { FailureStore, type FailureArrival } from '../failures/failure-store.ts';

/** Where one cluster's sync stands. */
export interface SyncState {
  lastEventId: string | null;
  historyCursor: string | null;
  historyComplete: boolean;
  lastSyncAt: string | null;
}

/** A batch for one cluster: job records to upsert, ids to delete, and the cursor it reaches. */
export interface SyncBatch {
  jobs: readonly Job[];
  removed: readonly string[];
  lastEventId?: string | null;
  historyCursor?: string | null;
  historyComplete?: boolean;
  /** Config, stacks and results of finished jobs of this batch (history pages carry them). */
  details?: readonly FinishedJobDetail[];
}

export interface CacheQuery {
  clusterIds?: readonly string[];
  filter: JobFilter;
  sort: JobSort;
  cursor?: string;
  limit: number;
}

/** Thrown for a query the cache cannot answer as asked (bad cursor); the message is for the admin. */
export class CacheQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheQueryError';
  }
}

export type SnapshotKind = 'summary' | 'queues' | 'workers' | 'info' | 'thresholds';

/**
 * Below this many jobs to write, a pull keeps the triggers: they cost about a second per 5,000
 * jobs, and a bulk load's rebuild of a cache that size costs little less.
 */
export const BULK_LOAD_MIN_JOBS = 5_000;

export class JobCache {
  private readonly statements = new Map<string, Statement>();
  private readonly upsert: Statement;
  private readonly remove: Statement;
  private readonly writeBatch: (clusterId: string, batch: SyncBatch, at: string) => string[];
  /** The clusters whose pulls write as the current bulk load; it is finished when the last one ends. */
  private readonly bulkLoaders = new Set<string>();
  /** Whether the file can be written; writes pause (and are retried) while it cannot. */
  readonly health: CacheHealth;
  /** Failure patterns: failed jobs are grouped as their detail is saved here. */
  readonly failures: FailureStore;

  /** Open `file` (repairing a corrupt one); `recovered` tells what was repaired. */
  static open(options: OpenCacheOptions): { cache: JobCache; recovered: string | null } {
    const { db, recovered, degraded } = openCacheDatabase(options);
    const cache = new JobCache(db, { folder: options.file === ':memory:' ? '(memory)' : path.dirname(options.file), log: options.log, retryMs: options.retryWriteMs });
    if (degraded) cache.health.startDegraded(degraded.problem, degraded.message, degraded.writesPaused);
    return { cache, recovered };
  }

  constructor(
    readonly db: SqliteDatabase,
    health: { folder: string; log?: (line: string) => void; retryMs?: number } = { folder: '(memory)' },
  ) {
    this.health = new CacheHealth({ ...health, probe: () => this.probeWrite() });
    // A load whose end the file could not take (full disk) is finished once writing works again.
    this.health.onChange((state) => {
      if (state.writesPaused || !state.bulkLoadSince || this.bulkLoaders.size > 0 || !this.db.open) return;
      try {
        this.finishBulkLoadNow();
      } catch (error) {
        if (!this.health.report(error)) health.log?.(`the job cache could not finish its bulk load: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.failures = new FailureStore(db, health.log);
    this.upsert = db.prepare(UPSERT_JOB_SQL);
    this.remove = db.prepare('DELETE FROM jobs WHERE cluster_id = ? AND job_id = ?');
    const upsertFinished = db.prepare(UPSERT_FINISHED_JOB_SQL);
    this.writeBatch = db.transaction((clusterId: string, batch: SyncBatch, at: string) => {
      const changed: string[] = [];
      // A finished job's detail that came with its record is written with the row, for that record
      // only, and a failed one goes into its failure group: the detail reads have nothing left to ask.
      const details = batch.details?.length ? new Map(batch.details.map((d) => [d.id, d])) : null;
      const failed: FailureArrival[] = [];
      for (const job of batch.jobs) {
        const detail = details?.get(job.id);
        if (detail && normaliseInstant(detail.updatedAt) === normaliseInstant(job.updatedAt)) {
          if (upsertFinished.run(finishedJobToRow(clusterId, job, detail, at)).changes === 0) continue;
          changed.push(job.id);
          if (job.state === 'failed') failed.push({ clusterId, job, errorStack: detail.errorStack });
        } else if (this.upsert.run(jobToRow(clusterId, job, at)).changes > 0) changed.push(job.id);
      }
      this.failures.record(failed, at);
      for (const id of batch.removed) {
        if (this.remove.run(clusterId, id).changes > 0) changed.push(id);
      }
      this.writeSyncState(clusterId, batch, at);
      return changed;
    });
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > 500) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // ------------------------------------------------------------ writing

  /**
   * Keep a copy of live data (snapshots, samples, details): skipped while writing is paused, and a
   * storage failure pauses writing instead of failing the caller, which has the live data anyway.
   */
  private bestEffort<T>(write: () => T, otherwise: T): T {
    if (!this.health.writable) return otherwise;
    try {
      return write();
    } catch (error) {
      if (!this.health.report(error)) throw error;
      return otherwise;
    }
  }

  /** A write of about a sync batch's size, undone in the same transaction (the health's retry). */
  private probeWrite(): void {
    this.db.transaction(() => {
      this.stmt(`INSERT OR REPLACE INTO snapshots (cluster_id, kind, at, body_json) VALUES ('', 'write-probe', ?, ?)`).run(
        new Date().toISOString(),
        'x'.repeat(256 * 1024),
      );
      this.stmt(`DELETE FROM snapshots WHERE cluster_id = '' AND kind = 'write-probe'`).run();
    })();
  }

  /** Apply one sync batch atomically with its cursor; returns the ids of jobs that changed. */
  applyBatch(clusterId: string, batch: SyncBatch, at = new Date().toISOString()): string[] {
    return this.writeBatch(clusterId, batch, at);
  }

  private writeSyncState(clusterId: string, batch: SyncBatch, at: string): void {
    this.stmt(
      `INSERT INTO sync_state (cluster_id, last_event_id, history_cursor, history_complete, last_sync_at)
       VALUES (@cluster_id, @last_event_id, @history_cursor, @history_complete, @at)
       ON CONFLICT (cluster_id) DO UPDATE SET
         last_event_id = CASE WHEN @set_event THEN @last_event_id ELSE last_event_id END,
         history_cursor = CASE WHEN @set_cursor THEN @history_cursor ELSE history_cursor END,
         history_complete = CASE WHEN @set_complete THEN @history_complete ELSE history_complete END,
         last_sync_at = @at`,
    ).run({
      cluster_id: clusterId,
      last_event_id: batch.lastEventId ?? null,
      history_cursor: batch.historyCursor ?? null,
      history_complete: batch.historyComplete ? 1 : 0,
      set_event: batch.lastEventId !== undefined ? 1 : 0,
      set_cursor: batch.historyCursor !== undefined ? 1 : 0,
      set_complete: batch.historyComplete !== undefined ? 1 : 0,
      at,
    });
  }

  /**
   * Update rows from a live snapshot (active and pending jobs: positions, ETAs, progress). Only
   * rows already cached are touched — a snapshot never resurrects a job whose removal the event
   * stream has already applied — and only when the snapshot is not older than the row.
   */
  refreshLive(clusterId: string, jobs: readonly Job[], at = new Date().toISOString()): string[] {
    const update = this.stmt(
      `UPDATE jobs SET ${JOB_ROW_COLUMNS.filter((c) => c !== 'cluster_id' && c !== 'job_id')
        .map((c) => `${c} = @${c}`)
        .join(', ')}
       WHERE cluster_id = @cluster_id AND job_id = @job_id AND updated_at <= @updated_at
         AND (updated_at < @updated_at OR position IS NOT @position OR eta IS NOT @eta
              OR progress_json IS NOT @progress_json OR last_progress_at IS NOT @last_progress_at)`,
    );
    return this.bestEffort(() => this.db.transaction(() => jobs.filter((job) => update.run(jobToRow(clusterId, job, at)).changes > 0).map((j) => j.id))(), []);
  }

  /** Note that a cluster answered (for "synced N s ago"). */
  touch(clusterId: string, at = new Date().toISOString()): void {
    this.bestEffort(() => this.writeSyncState(clusterId, { jobs: [], removed: [] }, at), undefined);
  }

  /** Keep the last fetched job detail (config, result, error stack…) for offline viewing. */
  saveDetail(clusterId: string, detail: JobDetail, at = new Date().toISOString()): void {
    this.bestEffort(() => this.saveDetailNow(clusterId, detail, at), undefined);
  }

  private saveDetailNow(clusterId: string, detail: JobDetail, at: string): void {
    this.db.transaction(() => {
      this.upsert.run(jobToRow(clusterId, detail, at));
      this.stmt(
        `UPDATE jobs SET config_json = ?, result_json = ?, error_stack = ?, detail_json = ?
         WHERE cluster_id = ? AND job_id = ?`,
      ).run(
        JSON.stringify(detail.config),
        detail.result ? JSON.stringify(detail.result) : null,
        detail.errorStack,
        JSON.stringify(detail),
        clusterId,
        detail.id,
      );
      this.stmt('UPDATE jobs SET detail_updated_at = ? WHERE cluster_id = ? AND job_id = ?').run(normaliseInstant(detail.updatedAt), clusterId, detail.id);
      if (detail.state === 'failed') this.failures.record([{ clusterId, job: detail, errorStack: detail.errorStack }], at);
    })();
  }

  /**
   * Finished jobs whose detail (config, stack, result) the cache does not hold for their current
   * record: failed ones first, newest first. The sync reads them from the cluster in small batches.
   */
  detailsWanted(clusterId: string, limit: number): { id: string; state: string }[] {
    return this.stmt(
      `SELECT job_id AS id, state FROM jobs INDEXED BY jobs_detail_wanted
       WHERE cluster_id = ? AND state IN ('failed', 'completed') AND detail_updated_at IS NOT updated_at
       ORDER BY state DESC, finished_at DESC LIMIT ?`,
    ).all(clusterId, limit) as { id: string; state: string }[];
  }

  /**
   * The cluster no longer has this job's detail (removed from its queue): stop asking, and group a
   * failed one by its message alone.
   */
  detailUnavailable(clusterId: string, jobId: string, at = new Date().toISOString()): void {
    this.bestEffort(
      () =>
        this.db.transaction(() => {
          this.stmt('UPDATE jobs SET detail_updated_at = updated_at WHERE cluster_id = ? AND job_id = ?').run(clusterId, jobId);
          const row = this.stmt('SELECT * FROM jobs WHERE cluster_id = ? AND job_id = ?').get(clusterId, jobId) as (JobRow & { error_stack: string | null }) | undefined;
          if (row?.state === 'failed') this.failures.record([{ clusterId, job: rowToJob(row), errorStack: row.error_stack }], at);
        })(),
      undefined,
    );
  }

  /**
   * Whether a pull that will bring a cluster's `clusterTotal` jobs should write as a bulk load
   * (bulk-load.ts): the jobs it lacks are at least `minJobs` and at least as many as the whole cache
   * holds, so the rebuild at its end (over every cached job) costs well under the triggers it saves
   * (a rebuild costs about a seventh of the triggers per row). A second cluster pulled into a cache
   * holding more jobs than it brings keeps the triggers.
   */
  bulkLoadWorthIt(clusterId: string, clusterTotal: number, minJobs = BULK_LOAD_MIN_JOBS): boolean {
    const cached = this.stmt('SELECT ifnull(sum(n), 0) AS n FROM job_counts').pluck().get() as number;
    const own = this.stmt('SELECT ifnull(sum(n), 0) AS n FROM job_counts WHERE cluster_id = ?').pluck().get(clusterId) as number;
    const missing = clusterTotal - own;
    return missing >= minJobs && missing >= cached;
  }

  /** A cluster's pull starts writing as a bulk load (or joins the one on). */
  beginBulkLoad(clusterId: string): void {
    beginBulkLoad(this.db);
    this.bulkLoaders.add(clusterId);
    this.health.bulkLoad(this.health.state.bulkLoadSince ?? new Date().toISOString());
  }

  /**
   * A cluster's pull that wrote as a bulk load ended (done or not): when it was the last, the
   * search index, user names and roll-ups are built and the triggers put back. A cache closed
   * meanwhile finishes the load when it is next opened; one that cannot be written now, once it can.
   */
  endBulkLoad(clusterId: string): void {
    if (!this.bulkLoaders.delete(clusterId) || this.bulkLoaders.size > 0 || !this.db.open) return;
    this.finishBulkLoadNow();
  }

  private finishBulkLoadNow(): void {
    finishBulkLoad(this.db);
    this.health.bulkLoad(null);
  }

  /** True while a bulk load is on: searches and reports do not see the jobs it wrote until it ends. */
  get bulkLoading(): boolean {
    return bulkLoadActive(this.db);
  }

  /** Drop a cluster's jobs and sync cursors (before a full rebuild from its history). */
  dropClusterJobs(clusterId: string): void {
    this.db.transaction(() => {
      // A rebuild is not a deletion: jobs stuck now start their episode again as they come back.
      this.stmt('DELETE FROM stuck_episodes WHERE cluster_id = ? AND ended_at IS NULL').run(clusterId);
      this.stmt('DELETE FROM jobs WHERE cluster_id = ?').run(clusterId);
      this.stmt('DELETE FROM sync_state WHERE cluster_id = ?').run(clusterId);
      this.stmt('DELETE FROM job_counts WHERE cluster_id = ?').run(clusterId);
    })();
  }

  /** Forget a cluster entirely (it was removed from the app). */
  forgetCluster(clusterId: string): void {
    this.db.transaction(() => {
      for (const table of ['jobs', 'sync_state', 'queue_samples', 'resource_samples', 'snapshots', 'stuck_episodes']) {
        this.stmt(`DELETE FROM ${table} WHERE cluster_id = ?`).run(clusterId);
      }
      this.stmt('DELETE FROM job_counts WHERE cluster_id = ?').run(clusterId);
      this.failures.forgetCluster(clusterId);
    })();
  }

  /**
   * Drop finished jobs and samples older than `days`; returns how many jobs went. Deleting in
   * chunks keeps each write transaction short so the sync is never held up for long.
   */
  applyRetention(days: number, now = Date.now()): number {
    const cutoff = new Date(now - days * 86_400_000).toISOString();
    const chunk = this.stmt(
      `DELETE FROM jobs WHERE rowid IN (
         SELECT rowid FROM jobs WHERE state IN ('completed', 'failed', 'cancelled') AND ifnull(finished_at, '') < ?
         AND finished_at IS NOT NULL LIMIT 5000)`,
    );
    let total = 0;
    for (;;) {
      const n = chunk.run(cutoff).changes;
      total += n;
      if (n < 5000) break;
    }
    this.stmt('DELETE FROM queue_samples WHERE at < ?').run(cutoff);
    this.stmt('DELETE FROM resource_samples WHERE at < ?').run(cutoff);
    this.stmt('DELETE FROM stuck_episodes WHERE ended_at < ?').run(cutoff);
    this.stmt('DELETE FROM job_counts WHERE n <= 0').run();
    // The roll-ups' triggers leave a row at zero when its last job moves or goes.
    for (const table of ['job_hours_created', 'job_hours_finished', 'job_hour_histograms']) this.stmt(`DELETE FROM ${table} WHERE n <= 0`).run();
    this.failures.afterRetention(cutoff);
    return total;
  }

  // ------------------------------------------------------------ sync state

  syncState(clusterId: string): SyncState {
    const row = this.stmt('SELECT * FROM sync_state WHERE cluster_id = ?').get(clusterId) as
      | { last_event_id: string | null; history_cursor: string | null; history_complete: number; last_sync_at: string | null }
      | undefined;
    return {
      lastEventId: row?.last_event_id ?? null,
      historyCursor: row?.history_cursor ?? null,
      historyComplete: row?.history_complete === 1,
      lastSyncAt: row?.last_sync_at ?? null,
    };
  }

  // ------------------------------------------------------------ reading

  getJob(clusterId: string, jobId: string): CachedJob | null {
    const row = this.stmt('SELECT * FROM jobs WHERE cluster_id = ? AND job_id = ?').get(clusterId, jobId) as JobRow | undefined;
    return row ? rowToJob(row) : null;
  }

  /** The last fetched detail of a job, brought up to date with its current row; null when unknown. */
  getDetail(clusterId: string, jobId: string): CachedJobDetail | null {
    const row = this.stmt('SELECT * FROM jobs WHERE cluster_id = ? AND job_id = ?').get(clusterId, jobId) as
      | (JobRow & { detail_json: string | null; config_json: string | null; result_json: string | null; error_stack: string | null })
      | undefined;
    if (!row) return null;
    const job = rowToJob(row);
    const saved = row.detail_json ? (JSON.parse(row.detail_json) as JobDetail) : null;
    return {
      config: row.config_json ? (JSON.parse(row.config_json) as Record<string, unknown>) : {},
      steps: saved?.steps ?? [],
      logsTail: saved?.logsTail ?? [],
      logCount: saved?.logCount ?? 0,
      errorStack: row.error_stack,
      result: row.result_json ? (JSON.parse(row.result_json) as JobDetail['result']) : null,
      resources: saved?.resources ?? { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
      children: saved?.children ?? [],
      dependsOn: saved?.dependsOn ?? [],
      cancelReason: saved?.cancelReason ?? null,
      ...job,
      fromCache: true,
    };
  }

  /** One keyset page of the UI's job tables, with the filter's total. */
  queryJobs(query: CacheQuery): Omit<CachedJobPage, 'syncedAt'> {
    const after = query.cursor ? decodeCursor(query.sort, query.cursor) : null;
    if (after instanceof Error) throw new CacheQueryError(after.message);
    const search = planTextSearch((sql) => this.stmt(sql), query.filter.q);
    if (matchesNothing(search)) return { items: [], nextCursor: null, total: 0 };
    const byState = new Map((query.filter.state ?? []).map((s) => [s, searchInState((sql) => this.stmt(sql), search, s)]));
    const select = pageSelect(query.clusterIds, query.filter, query.sort, after, query.limit, search, byState);
    const rows = this.stmt(select.sql).all(...select.params) as (JobRow & Record<string, string | number | null>)[];
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page.at(-1);
    const nextCursor =
      more && last ? encodeCursor(query.sort, Array.from({ length: select.keyCount }, (_, i) => last[`_k${i}`] ?? null)) : null;
    const totalQuery = totalSelect(query.clusterIds, query.filter, search);
    const total = this.stmt(totalQuery.sql).get(...totalQuery.params) as { total: number };
    return { items: page.map(rowToJob), nextCursor, total: total.total };
  }

  /** Every job matching a filter, in sort order, without paging (exports). */
  *iterateJobs(clusterIds: readonly string[] | undefined, filter: JobFilter, sort: JobSort): Generator<CachedJob> {
    let cursor: string | undefined;
    for (;;) {
      const page = this.queryJobs({ clusterIds, filter, sort, cursor, limit: 1000 });
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** Jobs per state (over the given clusters, or all). */
  countsByState(clusterIds?: readonly string[]): { counts: StateCounts; total: number } {
    const where = filterWhere(clusterIds, {});
    const rows = this.stmt(`SELECT state, sum(n) AS n FROM job_counts WHERE ${where.sql} GROUP BY state`).all(
      ...where.params,
    ) as { state: JobState; n: number }[];
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StateCounts;
    let total = 0;
    for (const r of rows) {
      if (r.state in counts) counts[r.state] = Math.max(0, r.n);
      total += Math.max(0, r.n);
    }
    return { counts, total };
  }

  /** Ids and states of every cached job of a cluster (for comparisons and repair). */
  allJobs(clusterId: string): CachedJob[] {
    return (this.stmt('SELECT * FROM jobs WHERE cluster_id = ? ORDER BY job_id').all(clusterId) as JobRow[]).map(rowToJob);
  }

  /**
   * Finished and failed jobs per time bucket, and the peak queue length sampled in each bucket.
   * Buckets are `bucketMs` wide, from `from` to `to`.
   */
  activity(
    clusterIds: readonly string[] | undefined,
    from: number,
    to: number,
    bucketMs: number,
  ): { at: string; finished: number; failed: number; queueLength: number }[] {
    const where = filterWhere(clusterIds, {});
    const fromIso = new Date(from).toISOString();
    const toIso = new Date(to).toISOString();
    const finishedRows = this.stmt(
      `SELECT finished_at AS at, state FROM jobs
       WHERE state IN ('completed', 'failed', 'cancelled') AND ifnull(finished_at, '') >= ? AND ifnull(finished_at, '') < ?
       AND ${where.sql}`,
    ).all(fromIso, toIso, ...where.params) as { at: string; state: string }[];
    const queueRows = this.stmt(
      `SELECT cluster_id, at, sum(queue_length) AS len FROM queue_samples
       WHERE at >= ? AND at < ? AND ${where.sql} GROUP BY cluster_id, at`,
    ).all(fromIso, toIso, ...where.params) as { cluster_id: string; at: string; len: number }[];

    const count = Math.max(1, Math.ceil((to - from) / bucketMs));
    const points = Array.from({ length: count }, (_, i) => ({
      at: new Date(from + i * bucketMs).toISOString(),
      finished: 0,
      failed: 0,
      queueLength: 0,
    }));
    const bucketOf = (iso: string) => Math.min(count - 1, Math.floor((Date.parse(iso) - from) / bucketMs));
    for (const r of finishedRows) {
      const p = points[bucketOf(r.at)]!;
      p.finished++;
      if (r.state === 'failed') p.failed++;
    }
    // Queue length per bucket: the peak of each cluster in the bucket, summed over clusters. A wide
    // bucket (2 h on the 7-day chart) holds hundreds of samples; its last one says nothing of a
    // backlog that came and went inside it, so charts of different ranges would disagree.
    const peakPerCluster = new Map<string, number>();
    for (const r of queueRows) {
      const key = `${bucketOf(r.at)}|${r.cluster_id}`;
      peakPerCluster.set(key, Math.max(peakPerCluster.get(key) ?? 0, r.len));
    }
    for (const [key, len] of peakPerCluster) points[Number(key.split('|')[0])]!.queueLength += len;
    return points;
  }

  // ------------------------------------------------------------ samples and snapshots

  recordQueueSamples(clusterId: string, at: string, queues: readonly QueueMetrics[]): void {
    const insert = this.stmt(
      `INSERT OR REPLACE INTO queue_samples (cluster_id, at, type, queue_length, running, wait_p95_ms, rate_per_min, failure_rate, paused, ready)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bestEffort(() => this.db.transaction(() => {
      for (const q of queues) {
        insert.run(
          clusterId,
          at,
          q.type,
          q.counts.pending,
          q.counts.running,
          q.waitTimeP95Ms.value,
          q.processingRatePerMin.value,
          q.failureRate.value,
          q.paused ? 1 : 0,
          q.readyCount,
        );
      }
    })(), undefined);
  }

  /** A queue's sampled backlog (jobs ready to run) since an instant, oldest first; samples without it are left out. */
  backlogSamples(clusterId: string, type: JobType, since: number): { at: string; backlog: number }[] {
    return this.stmt(
      `SELECT at, ready AS backlog FROM queue_samples WHERE cluster_id = ? AND at >= ? AND type = ? AND ready IS NOT NULL ORDER BY at`,
    ).all(clusterId, new Date(since).toISOString(), type) as { at: string; backlog: number }[];
  }

  recordResourceSamples(clusterId: string, samples: readonly ResourceSample[]): void {
    const insert = this.stmt(
      `INSERT OR REPLACE INTO resource_samples (cluster_id, node_id, host, at, cpu_percent, memory_percent, disk_io_percent, network_percent, sample_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bestEffort(() => this.db.transaction(() => {
      for (const s of samples) {
        insert.run(
          clusterId,
          s.nodeId,
          s.host,
          new Date(s.at).toISOString(),
          s.cpuPercent,
          s.memoryPercent,
          s.diskIoPercent,
          s.networkPercent,
          JSON.stringify(s),
        );
      }
    })(), undefined);
  }

  resourceSamples(clusterId: string, since: number): ResourceSample[] {
    const rows = this.stmt('SELECT sample_json FROM resource_samples WHERE cluster_id = ? AND at >= ? ORDER BY at').all(
      clusterId,
      new Date(since).toISOString(),
    ) as { sample_json: string }[];
    return rows.map((r) => JSON.parse(r.sample_json) as ResourceSample);
  }

  saveSnapshot(clusterId: string, kind: SnapshotKind, body: unknown, at = new Date().toISOString()): void {
    this.bestEffort(
      () => this.stmt('INSERT OR REPLACE INTO snapshots (cluster_id, kind, at, body_json) VALUES (?, ?, ?, ?)').run(clusterId, kind, at, JSON.stringify(body)),
      undefined,
    );
  }

  snapshot<T>(clusterId: string, kind: SnapshotKind): { at: string; body: T } | null {
    const row = this.stmt('SELECT at, body_json FROM snapshots WHERE cluster_id = ? AND kind = ?').get(clusterId, kind) as
      | { at: string; body_json: string }
      | undefined;
    return row ? { at: row.at, body: JSON.parse(row.body_json) as T } : null;
  }

  /** Refresh the planner's statistics (cheap; run now and then so filters pick the right index). */
  optimize(): void {
    this.db.pragma('optimize');
  }

  close(): void {
    this.health.close();
    if (this.db.open) {
      try {
        this.optimize();
      } catch {
        // A full or failing disk: the planner's statistics are refreshed at the next close.
      }
      this.db.close();
    }
  }
}
