/**
 * The jobs summary: counts per type and state, durations, and the most frequent failure reasons
 * of the jobs that finished in a window. Computed from the job records the runtime passes in.
 */
import { JOB_TYPES, type JobType } from '../../../contract/domain.ts';
import type { Job } from '../../../contract/jobs.ts';

export interface TypeSummary {
  type: JobType | 'all';
  finished: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** completed / (completed + failed); cancelled jobs are the user's choice, not failures. */
  successRate: number | null;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface FailureReason {
  reason: string;
  count: number;
  types: JobType[];
  lastAt: string;
  exampleJobId: string;
}

export interface JobsSummary {
  since: string;
  until: string;
  byType: TypeSummary[];
  total: TypeSummary;
  failureReasons: FailureReason[];
}

/** The q-quantile of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summarise(type: TypeSummary['type'], jobs: readonly Job[]): TypeSummary {
  const count = (s: Job['state']) => jobs.filter((j) => j.state === s).length;
  const completed = count('completed');
  const failed = count('failed');
  const durations = jobs.map((j) => j.durationMs).filter((d): d is number => d !== null).sort((a, b) => a - b);
  return {
    type,
    finished: jobs.length,
    completed,
    failed,
    cancelled: count('cancelled'),
    successRate: completed + failed > 0 ? completed / (completed + failed) : null,
    meanMs: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : null,
    p50Ms: quantile(durations, 0.5),
    p95Ms: quantile(durations, 0.95),
    maxMs: durations.at(-1) ?? null,
  };
}

/**
 * A failure message reduced to its kind, so the same failure on different runs groups together:
 * first line only, file paths and long numbers/ids replaced.
 */
export function failureKind(message: string): string {
  return (message.split('\n')[0] ?? '')
    .replace(/(?:[A-Za-z]:)?\/[^\s:;,)]+/g, '<path>')
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d{4,}/g, '#')
    .trim()
    .slice(0, 160) || 'no message';
}

/** Summary of jobs that finished in [since, until). */
export function summariseJobs(jobs: readonly Job[], since: Date, until: Date): JobsSummary {
  const from = since.toISOString();
  const to = until.toISOString();
  const finished = jobs.filter((j) => (j.state === 'completed' || j.state === 'failed' || j.state === 'cancelled') && j.finishedAt !== null && j.finishedAt >= from && j.finishedAt < to);
  const reasons = new Map<string, FailureReason>();
  for (const j of finished.filter((x) => x.state === 'failed').sort((a, b) => (a.finishedAt! < b.finishedAt! ? -1 : 1))) {
    const reason = failureKind(j.errorMessage ?? '');
    const r = reasons.get(reason) ?? { reason, count: 0, types: [], lastAt: j.finishedAt!, exampleJobId: j.id };
    r.count++;
    if (!r.types.includes(j.type)) r.types.push(j.type);
    r.lastAt = j.finishedAt!;
    r.exampleJobId = j.id;
    reasons.set(reason, r);
  }
  return {
    since: from,
    until: to,
    byType: JOB_TYPES.map((t) => summarise(t, finished.filter((j) => j.type === t))),
    total: summarise('all', finished),
    failureReasons: [...reasons.values()].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
  };
}

/** Milliseconds as a short duration: 850 ms, 12.3 s, 4m 05s, 2h 03m. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
