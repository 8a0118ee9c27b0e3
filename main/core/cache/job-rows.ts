/**
 * Mapping between the cluster's `Job` records and rows of the cache's `jobs` table.
 * Instants are stored normalised (`toISOString`) so text order is time order.
 */
import type { CachedJob } from '../../../contract/admin-api.ts';
import { priorityRank, type JobState, type JobType, type Priority } from '../../../contract/domain.ts';
import type { Job, JobProgress } from '../../../contract/jobs.ts';
import type { FinishedJobDetail } from '../../../contract/events.ts';

/** A `jobs` row as better-sqlite3 binds and returns it. */
export interface JobRow {
  cluster_id: string;
  job_id: string;
  type: string;
  state: string;
  priority: string;
  priority_rank: number;
  user: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  attempts: number;
  max_attempts: number;
  progress: number | null;
  progress_json: string | null;
  position: number | null;
  eta: string | null;
  run_at: string | null;
  last_progress_at: string | null;
  parent_id: string | null;
  worker_id: string | null;
  /** 1 while the cluster says the job's worker node is lost (the job waits to be recovered). */
  worker_lost: number;
  /** What the job's process used as of its last progress report (null when not measured). */
  cpu_percent?: number | null;
  peak_rss_bytes?: number | null;
  /** From when it could run (created, or its run-at time if later) to its start; null until it starts. */
  wait_ms?: number | null;
  error_message: string | null;
  updated_at: string;
  /** Absent in list queries (not needed for display). */
  cached_at: string;
}

/** Columns written on every upsert, in bind order. Detail-only columns are written separately. */
export const JOB_ROW_COLUMNS = [
  'cluster_id',
  'job_id',
  'type',
  'state',
  'priority',
  'priority_rank',
  'user',
  'created_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'attempts',
  'max_attempts',
  'progress',
  'progress_json',
  'position',
  'eta',
  'run_at',
  'last_progress_at',
  'parent_id',
  'worker_id',
  'worker_lost',
  'cpu_percent',
  'peak_rss_bytes',
  'wait_ms',
  'error_message',
  'updated_at',
  'cached_at',
] as const satisfies readonly (keyof JobRow)[];

/**
 * The upsert every writer uses (sync and the raw baseline of the benchmark alike). An older record
 * never overwrites a newer one: replays and snapshots may arrive out of order.
 */
export const UPSERT_JOB_SQL = `
  INSERT INTO jobs (${JOB_ROW_COLUMNS.join(', ')})
  VALUES (${JOB_ROW_COLUMNS.map((c) => '@' + c).join(', ')})
  ON CONFLICT (cluster_id, job_id) DO UPDATE SET
  ${JOB_ROW_COLUMNS.filter((c) => c !== 'cluster_id' && c !== 'job_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(',\n  ')}
  WHERE excluded.updated_at >= jobs.updated_at`;

/** The columns a finished job's detail adds when it comes with its record (history pages). */
const FINISHED_DETAIL_COLUMNS = ['config_json', 'result_json', 'error_stack', 'detail_updated_at'] as const;

/**
 * UPSERT_JOB_SQL with the record's finished detail in the same row write: the text-search index
 * takes the config with the row once, instead of again when a later update adds it.
 */
export const UPSERT_FINISHED_JOB_SQL = `
  INSERT INTO jobs (${[...JOB_ROW_COLUMNS, ...FINISHED_DETAIL_COLUMNS].join(', ')})
  VALUES (${[...JOB_ROW_COLUMNS, ...FINISHED_DETAIL_COLUMNS].map((c) => '@' + c).join(', ')})
  ON CONFLICT (cluster_id, job_id) DO UPDATE SET
  ${[...JOB_ROW_COLUMNS, ...FINISHED_DETAIL_COLUMNS]
    .filter((c) => c !== 'cluster_id' && c !== 'job_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(',\n  ')}
  WHERE excluded.updated_at >= jobs.updated_at`;

/** A finished job's record and the detail of that record as one cache row. */
export function finishedJobToRow(clusterId: string, job: Job, detail: FinishedJobDetail, cachedAt: string): JobRow & Record<(typeof FINISHED_DETAIL_COLUMNS)[number], string | null> {
  const row = jobToRow(clusterId, job, cachedAt);
  // Added to the row rather than spread with it into a new object: V8 copies a spread of this many
  // properties slowly, about 15 µs a row, a second and a half of a 100,000-job first sync.
  return Object.assign(row, {
    config_json: JSON.stringify(detail.config),
    result_json: detail.result ? JSON.stringify(detail.result) : null,
    error_stack: detail.errorStack,
    detail_updated_at: row.updated_at,
  });
}

/** An instant in the one text form the cache sorts by (`toISOString`, e.g. 2026-11-28T15:04:05.000Z). */
export function normaliseInstant(value: string): string {
  // The cluster sends this form already; checking its shape by position is cheaper than a regex
  // on the ingest path (several instants per job record).
  return value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */ && value.charCodeAt(19) === 46 /* . */
    ? value
    : new Date(value).toISOString();
}

function optionalInstant(value: string | null | undefined): string | null {
  return value == null ? null : normaliseInstant(value);
}

/** A job's wait: from when it could run (created, or its run-at time if later) to its start. */
export function waitMsOf(job: Pick<Job, 'createdAt' | 'runAt' | 'startedAt'>): number | null {
  if (!job.startedAt) return null;
  const ready = Math.max(Date.parse(job.createdAt), job.runAt ? Date.parse(job.runAt) : 0);
  const wait = Date.parse(job.startedAt) - ready;
  return Number.isFinite(wait) ? Math.max(0, Math.round(wait)) : null;
}

/** A cluster job record as a cache row. */
export function jobToRow(clusterId: string, job: Job, cachedAt: string): JobRow {
  return {
    cluster_id: clusterId,
    job_id: job.id,
    type: job.type,
    state: job.state,
    priority: job.priority,
    priority_rank: priorityRank(job.priority),
    user: job.user,
    created_at: normaliseInstant(job.createdAt),
    started_at: optionalInstant(job.startedAt),
    finished_at: optionalInstant(job.finishedAt),
    duration_ms: job.durationMs,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    progress: job.progress ? job.progress.percent : null,
    progress_json: job.progress ? JSON.stringify(job.progress) : null,
    position: job.position ?? null,
    eta: optionalInstant(job.eta),
    run_at: optionalInstant(job.runAt),
    last_progress_at: optionalInstant(job.lastProgressAt),
    parent_id: job.parentId ?? null,
    worker_id: job.workerId ?? null,
    worker_lost: job.workerLost ? 1 : 0,
    cpu_percent: job.usage?.cpuPercent ?? null,
    peak_rss_bytes: job.usage?.peakRssBytes ?? null,
    wait_ms: waitMsOf(job),
    error_message: job.errorMessage,
    updated_at: normaliseInstant(job.updatedAt),
    cached_at: cachedAt,
  };
}

/** A cache row back as the job record the UI shows. */
export function rowToJob(row: JobRow): CachedJob {
  const job: CachedJob = {
    clusterId: row.cluster_id,
    id: row.job_id,
    type: row.type as JobType,
    state: row.state as JobState,
    priority: row.priority as Priority,
    user: row.user,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    progress: row.progress_json ? (JSON.parse(row.progress_json) as JobProgress) : null,
    eta: row.eta,
    runAt: row.run_at,
    lastProgressAt: row.last_progress_at,
    errorMessage: row.error_message,
    parentId: row.parent_id,
    workerId: row.worker_id,
    updatedAt: row.updated_at,
  };
  if (row.position !== null) job.position = row.position;
  if (row.worker_lost) job.workerLost = true;
  if (row.cpu_percent != null && row.peak_rss_bytes != null) job.usage = { cpuPercent: row.cpu_percent, peakRssBytes: row.peak_rss_bytes };
  return job;
}
