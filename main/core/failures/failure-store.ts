/**
 * FailureStore: failure patterns in the cache. Failed jobs are put in their group as their detail
 * (message, stack) arrives — one FailureGrouping in memory, its state saved in the same
 * transaction — never by rescanning the jobs. What the screens read is kept beside it:
 * `failure_groups` (one row per pattern, `job_count` of cached jobs naming it), `jobs.failure_group_id`,
 * and `failure_group_hours` (arrivals per hour, cluster and user), from which the groups page, its
 * trend and its filters are answered without touching the jobs table.
 */
import type { CachedJob, CachedJobPage } from '../../../contract/admin-api.ts';
import {
  FAILURE_CAUSE_LABELS,
  FAILURE_CAUSE_STEPS,
  FAILURE_PERIOD_MS,
  FAILURE_TREND_HOURS,
  type CountBy,
  type FailureCause,
  type FailureGroup,
  type FailureGroupDetail,
  type FailureGroupPage,
  type FailureGroupRow,
  type FailurePeriod,
  type FailureSample,
} from '../../../contract/failures.ts';
import type { Job } from '../../../contract/jobs.ts';
import { rowToJob, type JobRow } from '../cache/job-rows.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import { FailureGrouping } from './failure-grouping.ts';
import { isSpikingHourly, NEW_GROUP_MS } from './group-stats.ts';
import { findInCommon, type JobFacts } from './in-common.ts';
import { attemptReasons } from './stack-frames.ts';

const HOUR = 3_600_000;
/** Jobs a group's "in common" compares (the latest of the group, and of the type's completed ones). */
const COMPARE_LIMIT = 2_000;

/** A failed job whose message (and stack, when known) is ready to be grouped. */
export interface FailureArrival {
  clusterId: string;
  job: Pick<Job, 'id' | 'type' | 'user' | 'errorMessage' | 'finishedAt' | 'updatedAt'>;
  errorStack: string | null;
}

export interface FailureListFilter {
  clusterIds?: readonly string[];
  types?: readonly string[];
  users?: readonly string[];
  period: FailurePeriod;
  limit: number;
}

/** What a group's row shows within a filter besides its own fields. */
interface Slice {
  users: CountBy[];
  clusters: CountBy[];
  hourly: number[];
}

interface GroupRowDb {
  group_id: string;
  signature: string;
  category: string;
  job_type: string;
  error_kind: string;
  top_frames_json: string;
  job_count: number;
  first_seen_at: string;
  last_seen_at: string;
  merged_into: string | null;
}

function hourStart(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

function inList(column: string, values: readonly string[] | undefined, params: unknown[]): string {
  if (!values || values.length === 0) return '';
  params.push(...values);
  return ` AND ${column} IN (${values.map(() => '?').join(', ')})`;
}

export class FailureStore {
  private grouping: FailureGrouping;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly log?: (line: string) => void,
  ) {
    this.grouping = this.load();
  }

  private load(): FailureGrouping {
    const row = this.db.prepare('SELECT state_json FROM failure_grouping WHERE id = 1').get() as { state_json: string } | undefined;
    if (!row) return new FailureGrouping();
    try {
      return FailureGrouping.fromJSON(JSON.parse(row.state_json));
    } catch (error) {
      // A state this version cannot read: later failures start new groups; the rows stay for sqlite3.
      this.log?.(`failure groups: ${error instanceof Error ? error.message : String(error)}`);
      return new FailureGrouping();
    }
  }

  private save(at: string): void {
    this.db
      .prepare('INSERT INTO failure_grouping (id, state_json, saved_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET state_json = excluded.state_json, saved_at = excluded.saved_at')
      .run(JSON.stringify(this.grouping.toJSON()), at);
  }

  /**
   * Group these failures and count them (in one transaction, nested in the caller's when there is
   * one). A job already counted for the same failure (same finish time) is left as it is; a job
   * that failed again is counted again, in the group its new failure belongs to. Returns the ids
   * of the groups that changed.
   */
  record(arrivals: readonly FailureArrival[], at = new Date().toISOString()): string[] {
    if (arrivals.length === 0) return [];
    const current = this.db.prepare('SELECT failure_group_id AS g, failure_seen_at AS s FROM jobs WHERE cluster_id = ? AND job_id = ?');
    const upsertGroup = this.db.prepare(
      `INSERT INTO failure_groups (group_id, signature, category, job_type, error_kind, top_frames_json, job_count, first_seen_at, last_seen_at)
       VALUES (@group_id, @signature, @category, @job_type, @error_kind, @top_frames_json, 0, @first_seen_at, @last_seen_at)
       ON CONFLICT (group_id) DO UPDATE SET signature = excluded.signature,
         first_seen_at = min(first_seen_at, excluded.first_seen_at), last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
    );
    const addCount = this.db.prepare('UPDATE failure_groups SET job_count = job_count + ? WHERE group_id = ?');
    const addHour = this.db.prepare(
      `INSERT INTO failure_group_hours (group_id, hour, cluster_id, user, n) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT DO UPDATE SET n = n + 1`,
    );
    const addTrend = this.db.prepare(
      `INSERT INTO failure_group_trend (group_id, hour, cluster_id, n) VALUES (?, ?, ?, 1)
       ON CONFLICT DO UPDATE SET n = n + 1`,
    );
    const addUserDay = this.db.prepare(
      `INSERT INTO failure_group_users (group_id, day, cluster_id, user, n) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT DO UPDATE SET n = n + 1`,
    );
    const markJob = this.db.prepare('UPDATE jobs SET failure_group_id = ?, failure_seen_at = ? WHERE cluster_id = ? AND job_id = ?');
    const touched = new Set<string>();
    this.db.transaction(() => {
      for (const { clusterId, job, errorStack } of arrivals) {
        const failedAt = job.finishedAt ?? job.updatedAt;
        const before = current.get(clusterId, job.id) as { g: string | null; s: string | null } | undefined;
        if (!before) continue;
        if (before.g !== null && before.s === failedAt) continue;
        const { group } = this.grouping.assign({ jobType: job.type, errorMessage: job.errorMessage ?? '', errorStack, failedAt });
        upsertGroup.run(groupParams(group));
        if (before.g !== group.id) {
          addCount.run(1, group.id);
          if (before.g !== null) addCount.run(-1, before.g);
        }
        const hour = new Date(hourStart(Date.parse(failedAt))).toISOString();
        addHour.run(group.id, hour, clusterId, job.user);
        addTrend.run(group.id, hour, clusterId);
        addUserDay.run(group.id, hour.slice(0, 10), clusterId, job.user);
        markJob.run(group.id, failedAt, clusterId, job.id);
        touched.add(group.id);
      }
      if (touched.size > 0) this.save(at);
    })();
    return [...touched];
  }

  /**
   * Make `fromId` part of `intoId`: its jobs, counts and hours move over and later failures of its
   * templates count for `intoId` (the merge is in the saved grouping state, so it holds across
   * restarts). Throws with words for an unknown id or a group merged with itself.
   */
  merge(fromId: string, intoId: string, at = new Date().toISOString()): string {
    const from = this.grouping.resolve(fromId);
    const into = this.grouping.resolve(intoId);
    this.db.transaction(() => {
      const merged = this.grouping.merge(from, into);
      this.db.prepare('UPDATE jobs SET failure_group_id = ? WHERE failure_group_id = ?').run(merged.id, from);
      this.db
        .prepare(
          `INSERT INTO failure_group_hours (group_id, hour, cluster_id, user, n)
           SELECT ?, hour, cluster_id, user, n FROM failure_group_hours WHERE group_id = ?
           ON CONFLICT DO UPDATE SET n = n + excluded.n`,
        )
        .run(merged.id, from);
      this.db.prepare('DELETE FROM failure_group_hours WHERE group_id = ?').run(from);
      this.db
        .prepare(
          `INSERT INTO failure_group_trend (group_id, hour, cluster_id, n)
           SELECT ?, hour, cluster_id, n FROM failure_group_trend WHERE group_id = ?
           ON CONFLICT DO UPDATE SET n = n + excluded.n`,
        )
        .run(merged.id, from);
      this.db.prepare('DELETE FROM failure_group_trend WHERE group_id = ?').run(from);
      this.db
        .prepare(
          `INSERT INTO failure_group_users (group_id, day, cluster_id, user, n)
           SELECT ?, day, cluster_id, user, n FROM failure_group_users WHERE group_id = ?
           ON CONFLICT DO UPDATE SET n = n + excluded.n`,
        )
        .run(merged.id, from);
      this.db.prepare('DELETE FROM failure_group_users WHERE group_id = ?').run(from);
      const fromRow = this.db.prepare('SELECT job_count FROM failure_groups WHERE group_id = ?').get(from) as { job_count: number } | undefined;
      this.db.prepare('UPDATE failure_groups SET job_count = 0, merged_into = ? WHERE group_id = ?').run(merged.id, from);
      this.db.prepare('UPDATE failure_groups SET merged_into = ? WHERE merged_into = ?').run(merged.id, from);
      this.db
        .prepare('UPDATE failure_groups SET job_count = job_count + ?, first_seen_at = ?, last_seen_at = ? WHERE group_id = ?')
        .run(fromRow?.job_count ?? 0, merged.firstSeenAt, merged.lastSeenAt, merged.id);
      this.save(at);
    })();
    return into;
  }

  /** The id a (possibly merged) group id stands for now, or null when there is no such group. */
  resolve(id: string): string | null {
    const resolved = this.grouping.resolve(id);
    return this.db.prepare('SELECT 1 FROM failure_groups WHERE group_id = ? AND merged_into IS NULL').get(resolved) ? resolved : null;
  }

  /** After retention removed old jobs: drop the hours it no longer covers and groups with nothing left. */
  afterRetention(cutoff: string): void {
    const hour = new Date(hourStart(Date.parse(cutoff))).toISOString();
    this.db.prepare('DELETE FROM failure_group_hours WHERE hour < ?').run(hour);
    this.db.prepare('DELETE FROM failure_group_trend WHERE hour < ?').run(hour);
    this.db.prepare('DELETE FROM failure_group_users WHERE day < ?').run(hour.slice(0, 10));
  }

  /** Forget what a removed cluster contributed to the counts. */
  forgetCluster(clusterId: string): void {
    for (const table of ['failure_group_hours', 'failure_group_trend', 'failure_group_users']) this.db.prepare(`DELETE FROM ${table} WHERE cluster_id = ?`).run(clusterId);
  }

  // ------------------------------------------------------------ reading

  list(filter: FailureListFilter, now = Date.now()): FailureGroupPage {
    const periodMs = FAILURE_PERIOD_MS[filter.period];
    const from = periodMs === null ? '' : new Date(hourStart(now - periodMs)).toISOString();
    const params: unknown[] = [from];
    let where = 'h.hour >= ?';
    where += inList('h.cluster_id', filter.clusterIds, params);
    where += inList('h.user', filter.users, params);
    where += inList('g.job_type', filter.types, params);
    // Without a user filter the coarser table (no user column) holds the same counts.
    const table = filter.users?.length ? 'failure_group_hours' : 'failure_group_trend';
    const rows = this.db
      .prepare(
        `SELECT g.*, sum(h.n) AS period_count FROM ${table} h JOIN failure_groups g ON g.group_id = h.group_id
         WHERE ${where} AND g.merged_into IS NULL
         GROUP BY g.group_id ORDER BY period_count DESC, g.last_seen_at DESC`,
      )
      .all(...params) as (GroupRowDb & { period_count: number })[];
    const failures = rows.reduce((sum, r) => sum + r.period_count, 0);
    const shown = rows.slice(0, filter.limit);
    const slices = this.slicesOf(
      shown.map((r) => r.group_id),
      filter,
      from,
      now,
    );
    const items = shown.map((r) => this.rowOf(r, r.period_count, now, slices.get(r.group_id)));
    return { items, failures };
  }

  /**
   * Users, clusters and the hourly trend of several groups within a filter, in three queries for
   * all of them (the groups page shows up to a few hundred).
   */
  private slicesOf(ids: readonly string[], filter: FailureListFilter, from: string, now: number): Map<string, Slice> {
    const out = new Map<string, Slice>();
    if (ids.length === 0) return out;
    const trendStart = hourStart(now) - (FAILURE_TREND_HOURS - 1) * HOUR;
    for (const id of ids) out.set(id, { users: [], clusters: [], hourly: new Array<number>(FAILURE_TREND_HOURS).fill(0) });
    const byUser = (filter.users?.length ?? 0) > 0;
    const where = (time: 'hour' | 'day', since: string) => {
      const params: unknown[] = [...ids, since];
      let sql = `group_id IN (${ids.map(() => '?').join(', ')}) AND ${time} >= ?`;
      sql += inList('cluster_id', filter.clusterIds, params);
      if (byUser || time === 'day') sql += inList('user', filter.users, params);
      return { sql, params };
    };
    // Users by day (their table's grain), clusters and the trend by hour.
    const fineTable = byUser ? 'failure_group_hours' : 'failure_group_trend';
    for (const column of ['user', 'cluster_id'] as const) {
      const period = column === 'user' ? where('day', from.slice(0, 10)) : where('hour', from);
      const table = column === 'user' ? 'failure_group_users' : fineTable;
      const rows = this.db
        .prepare(`SELECT group_id, ${column} AS value, sum(n) AS count FROM ${table} WHERE ${period.sql} GROUP BY group_id, ${column} ORDER BY count DESC, value`)
        .all(...period.params) as { group_id: string; value: string; count: number }[];
      for (const r of rows) {
        const list = column === 'user' ? out.get(r.group_id)!.users : out.get(r.group_id)!.clusters;
        if (list.length < 10) list.push({ value: r.value, count: r.count });
      }
    }
    const trend = where('hour', new Date(trendStart).toISOString());
    const hours = this.db.prepare(`SELECT group_id, hour, sum(n) AS n FROM ${fineTable} WHERE ${trend.sql} GROUP BY group_id, hour`).all(...trend.params) as {
      group_id: string;
      hour: string;
      n: number;
    }[];
    for (const h of hours) {
      const i = Math.floor((Date.parse(h.hour) - trendStart) / HOUR);
      const hourly = out.get(h.group_id)!.hourly;
      if (i >= 0 && i < FAILURE_TREND_HOURS) hourly[i] = hourly[i]! + h.n;
    }
    return out;
  }

  /** One group's row (all clusters and users, the whole retention window). */
  groupRow(id: string, now = Date.now()): FailureGroupRow | null {
    const resolved = this.resolve(id);
    if (!resolved) return null;
    const r = this.db.prepare('SELECT * FROM failure_groups WHERE group_id = ?').get(resolved) as GroupRowDb;
    const count = (this.db.prepare('SELECT ifnull(sum(n), 0) AS n FROM failure_group_trend WHERE group_id = ?').get(resolved) as { n: number }).n;
    return this.rowOf(r, count, now, this.slicesOf([resolved], { period: 'all', limit: 1 }, '', now).get(resolved));
  }

  private rowOf(r: GroupRowDb, count: number, now: number, slice: Slice | undefined): FailureGroupRow {
    const group = groupOf(r);
    const hourly = slice?.hourly ?? new Array<number>(FAILURE_TREND_HOURS).fill(0);
    return {
      ...group,
      causeLabel: FAILURE_CAUSE_LABELS[group.category],
      count,
      users: slice?.users ?? [],
      clusters: slice?.clusters ?? [],
      hourly,
      isNew: now - Date.parse(r.first_seen_at) < NEW_GROUP_MS,
      isSpiking: isSpikingHourly(hourly),
    };
  }

  /** A group's page: its row, the cause's steps, templates, what it has in common and a sample. */
  detail(id: string, now = Date.now(), hourOf: (ms: number) => number = (ms) => new Date(ms).getHours()): FailureGroupDetail | null {
    const row = this.groupRow(id, now);
    if (!row) return null;
    type FactRow = { config_json: string | null; user: string; worker_id: string | null; finished_at: string | null; type: string };
    const facts = (r: FactRow): JobFacts => ({
      config: r.config_json ? (JSON.parse(r.config_json) as Record<string, unknown>) : {},
      user: r.user,
      node: r.worker_id,
      hour: r.finished_at ? hourOf(Date.parse(r.finished_at)) : null,
    });
    const failed = this.db
      .prepare(
        `SELECT config_json, user, worker_id, finished_at, type FROM jobs
         WHERE failure_group_id = ? AND state = 'failed' AND config_json IS NOT NULL ORDER BY finished_at DESC LIMIT ${COMPARE_LIMIT}`,
      )
      .all(row.id) as FactRow[];
    const types = [...new Set(failed.map((f) => f.type))];
    const completed = types.flatMap(
      (type) =>
        this.db
          .prepare(
            `SELECT config_json, user, worker_id, finished_at, type FROM jobs INDEXED BY jobs_state_finished
             WHERE state = 'completed' AND ifnull(finished_at, '') > '' AND type = ? AND config_json IS NOT NULL
             ORDER BY ifnull(finished_at, '') DESC LIMIT ${COMPARE_LIMIT}`,
          )
          .all(type) as FactRow[],
    );
    const baselineName = types.length === 1 ? `completed ${types[0]} jobs` : 'completed jobs of these types';
    const inCommon = findInCommon(failed.map(facts), completed.map(facts), { baselineName });
    const withoutDetail = (
      this.db.prepare(`SELECT count(*) AS n FROM jobs WHERE failure_group_id = ? AND state = 'failed' AND config_json IS NULL`).get(row.id) as { n: number }
    ).n;
    const sampleRow = this.db
      .prepare(
        `SELECT cluster_id, job_id, error_message, error_stack, config_json, worker_id FROM jobs
         WHERE failure_group_id = ? AND state = 'failed' ORDER BY error_stack IS NULL, finished_at DESC LIMIT 1`,
      )
      .get(row.id) as
      | { cluster_id: string; job_id: string; error_message: string | null; error_stack: string | null; config_json: string | null; worker_id: string | null }
      | undefined;
    const sample: FailureSample | null = sampleRow
      ? {
          clusterId: sampleRow.cluster_id,
          jobId: sampleRow.job_id,
          errorMessage: sampleRow.error_message ?? '',
          errorStack: sampleRow.error_stack,
          attemptReasons: attemptReasons(sampleRow.error_stack),
          config: sampleRow.config_json ? (JSON.parse(sampleRow.config_json) as Record<string, unknown>) : null,
          workerId: sampleRow.worker_id,
        }
      : null;
    const templates = this.grouping.templatesOf(row.id).map((t) => t.tokens.join(' '));
    templates.sort((a, b) => (a === row.signature ? -1 : b === row.signature ? 1 : 0));
    return {
      group: row,
      steps: [...FAILURE_CAUSE_STEPS[row.category]],
      templates,
      inCommon,
      compared: { failed: failed.length, completed: completed.length },
      sample,
      withoutDetail,
    };
  }

  /** A keyset page of a group's failed jobs, newest failure first, with the group's total. */
  jobs(id: string, cursor: string | undefined, limit: number): Omit<CachedJobPage, 'syncedAt'> | null {
    const resolved = this.resolve(id);
    if (!resolved) return null;
    const after = cursor ? decodeJobCursor(cursor) : null;
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE failure_group_id = ? AND state = 'failed'
         ${after ? 'AND (ifnull(finished_at, \'\'), cluster_id, job_id) < (?, ?, ?)' : ''}
         ORDER BY ifnull(finished_at, '') DESC, cluster_id DESC, job_id DESC LIMIT ?`,
      )
      .all(resolved, ...(after ?? []), limit + 1) as JobRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM jobs WHERE failure_group_id = ? AND state = 'failed'`).get(resolved) as { n: number }).n;
    return {
      items: page.map(rowToJob),
      nextCursor: more && last ? Buffer.from(JSON.stringify([last.finished_at ?? '', last.cluster_id, last.job_id])).toString('base64url') : null,
      total,
    };
  }

  /** Every failed job of the group (or those waiting to run again), per cluster: what a group action acts on. */
  jobIdsByCluster(id: string, which: 'failed' | 'pending'): Map<string, string[]> {
    const rows = this.db
      .prepare('SELECT cluster_id, job_id FROM jobs WHERE failure_group_id = ? AND state = ? ORDER BY cluster_id, job_id')
      .all(id, which) as { cluster_id: string; job_id: string }[];
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.cluster_id, [...(out.get(r.cluster_id) ?? []), r.job_id]);
    return out;
  }

  /** Every job of the group in export order (newest failure first). */
  *iterateJobs(id: string): Generator<CachedJob> {
    let cursor: string | undefined;
    for (;;) {
      const page = this.jobs(id, cursor, 1000);
      if (!page) return;
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** The group a job was put in, when it was. */
  groupIdOfJob(clusterId: string, jobId: string): string | null {
    const row = this.db.prepare('SELECT failure_group_id AS g FROM jobs WHERE cluster_id = ? AND job_id = ?').get(clusterId, jobId) as { g: string | null } | undefined;
    return row?.g ?? null;
  }
}

function groupParams(group: FailureGroup): Record<string, unknown> {
  return {
    group_id: group.id,
    signature: group.signature,
    category: group.category,
    job_type: group.jobType,
    error_kind: group.errorKind,
    top_frames_json: JSON.stringify(group.topFrames),
    first_seen_at: group.firstSeenAt,
    last_seen_at: group.lastSeenAt,
  };
}

function groupOf(r: GroupRowDb): FailureGroup {
  return {
    id: r.group_id,
    signature: r.signature,
    category: r.category as FailureCause,
    jobType: r.job_type,
    errorKind: r.error_kind,
    topFrames: JSON.parse(r.top_frames_json) as string[],
    jobCount: Math.max(0, r.job_count),
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

/** Thrown for a cursor this store did not hand out. */
export class FailureCursorError extends Error {}

function decodeJobCursor(cursor: string): [string, string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) return v as [string, string, string];
  } catch {
    // falls through to the error below
  }
  throw new FailureCursorError('this page cursor is not one the group page handed out: start again from the first page');
}
