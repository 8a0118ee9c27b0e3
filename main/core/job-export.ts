/** Exports of the job tables' current filter as CSV (spreadsheets) or JSON (analysis), from the cache. */
import type { CachedJob, ExportResult, ExportSelection } from '../../contract/admin-api.ts';

/** Rows beyond this are not exported in one go: narrow the filter. */
export const MAX_EXPORT_ROWS = 200_000;

const COLUMNS: [string, (j: CachedJob) => unknown][] = [
  ['cluster', (j) => j.clusterId],
  ['id', (j) => j.id],
  ['type', (j) => j.type],
  ['state', (j) => j.state],
  ['priority', (j) => j.priority],
  ['user', (j) => j.user],
  ['created_at', (j) => j.createdAt],
  ['started_at', (j) => j.startedAt],
  ['finished_at', (j) => j.finishedAt],
  ['duration_ms', (j) => j.durationMs],
  ['attempts', (j) => j.attempts],
  ['max_attempts', (j) => j.maxAttempts],
  ['progress_percent', (j) => j.progress?.percent ?? null],
  ['position', (j) => j.position ?? null],
  ['error_message', (j) => j.errorMessage],
];

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets don't run it as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportJobs(jobs: Iterable<CachedJob>, format: 'csv' | 'json', now = new Date()): ExportResult {
  const stamp = now.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const rows: CachedJob[] = [];
  for (const job of jobs) {
    rows.push(job);
    if (rows.length >= MAX_EXPORT_ROWS) break;
  }
  if (format === 'json') {
    return { filename: `sigmatiq-jobs-${stamp}.json`, mimeType: 'application/json', content: JSON.stringify(rows, null, 2), rows: rows.length };
  }
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const job of rows) lines.push(COLUMNS.map(([, get]) => csvCell(get(job))).join(','));
  return { filename: `sigmatiq-jobs-${stamp}.csv`, mimeType: 'text/csv', content: lines.join('\r\n') + '\r\n', rows: rows.length };
}

/** The jobs of `jobs` that are in `selection`, in `jobs`' order (the query's sort). */
export function* onlySelected(jobs: Iterable<CachedJob>, selection: ExportSelection): Generator<CachedJob> {
  const wanted = new Set(selection.map((s) => `${s.clusterId}\u0000${s.id}`));
  for (const job of jobs) {
    if (!wanted.has(`${job.clusterId}\u0000${job.id}`)) continue;
    yield job;
    wanted.delete(`${job.clusterId}\u0000${job.id}`);
    if (wanted.size === 0) return;
  }
}
