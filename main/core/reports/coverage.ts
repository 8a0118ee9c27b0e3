/**
 * What a report stands on, per cluster: jobs of the period in the cache, the cached range, when it
 * last synced, whether the first history pull finished, and the stretches of the period without
 * samples — the app samples each connected cluster every minute, so a stretch without samples is
 * time it was not syncing (closed, offline, or the cluster unreachable). Jobs themselves come from
 * the cluster's history and have no such gaps, as long as the cluster still kept them.
 */
import type { ClusterCoverage, CoverageGap } from '../../../contract/reports.ts';
import { readPlan } from './report-rollups.ts';
import type { ReportScope } from './report-scope.ts';

/** Samples further apart than this leave a gap (the sync samples every minute). */
export const GAP_MS = 5 * 60_000;
/** Gaps listed per cluster; more are summed up in the note. */
const MAX_GAPS = 20;

const hhmm = (ms: number) => new Date(ms).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function sampleGaps(samples: readonly number[], fromMs: number, toMs: number, gapMs = GAP_MS): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  let last = fromMs;
  for (const at of samples) {
    if (at - last > gapMs) gaps.push({ from: new Date(last).toISOString(), to: new Date(at).toISOString() });
    last = Math.max(last, at);
  }
  if (toMs - last > gapMs) gaps.push({ from: new Date(last).toISOString(), to: new Date(toMs).toISOString() });
  return gaps;
}

function noteOf(c: Omit<ClusterCoverage, 'note'>, gapCount: number, period: { fromMs: number; toMs: number }): string {
  const parts: string[] = [c.lastSyncAt ? `as of ${hhmm(Date.parse(c.lastSyncAt))}` : 'never synced'];
  if (!c.historyComplete) parts.push('first history pull not finished: older jobs may be missing');
  if (c.gaps.length === 1 && Date.parse(c.gaps[0]!.from) <= period.fromMs && Date.parse(c.gaps[0]!.to) >= period.toMs) {
    parts.push('no samples in this period (the app was not syncing this cluster)');
  } else if (gapCount > 0) {
    const shown = c.gaps.slice(0, 3).map((g) => `${hhmm(Date.parse(g.from))}–${hhmm(Date.parse(g.to))}`);
    parts.push(`no samples ${shown.join(', ')}${gapCount > 3 ? ` and ${gapCount - 3} more` : ''}`);
  } else {
    parts.push('no gaps');
  }
  return parts.join('; ');
}

export function coverageOf(scope: ReportScope): ClusterCoverage[] {
  const { db, period } = scope;
  const end = Math.min(period.toMs, scope.now);
  // Jobs created in the period: whole hours from the hourly roll-up, the part hours from the jobs.
  const plan = readPlan(period.fromMs, period.toMs, { quarters: false });
  const jobsInHours = db.prepare('SELECT ifnull(sum(n), 0) FROM job_hours_created WHERE cluster_id = ? AND hour >= ? AND hour < ?').pluck();
  const jobsInRange = db.prepare('SELECT count(*) FROM jobs WHERE cluster_id = ? AND created_at >= ? AND created_at < ?').pluck();
  const jobsIn = (clusterId: string) =>
    (plan.hours ? (jobsInHours.get(clusterId, ...plan.hours) as number) : 0) + plan.raw.reduce((n, range) => n + (jobsInRange.get(clusterId, ...range) as number), 0);
  const first = db.prepare('SELECT min(created_at) FROM jobs WHERE cluster_id = ?').pluck();
  const last = db.prepare('SELECT max(created_at) FROM jobs WHERE cluster_id = ?').pluck();
  const sync = db.prepare('SELECT last_sync_at, history_complete FROM sync_state WHERE cluster_id = ?');
  const samples = db.prepare('SELECT DISTINCT at FROM queue_samples WHERE cluster_id = ? AND at >= ? AND at < ? ORDER BY at').pluck();
  return scope.clusters.map((clusterId) => {
    const state = sync.get(clusterId) as { last_sync_at: string | null; history_complete: number } | undefined;
    const times = (samples.all(clusterId, period.from, new Date(end).toISOString()) as string[]).map((s) => Date.parse(s));
    const allGaps = sampleGaps(times, period.fromMs, end);
    const base = {
      clusterId,
      jobs: jobsIn(clusterId),
      cachedFrom: (first.get(clusterId) as string | null) ?? null,
      cachedTo: (last.get(clusterId) as string | null) ?? null,
      lastSyncAt: state?.last_sync_at ?? null,
      historyComplete: state?.history_complete === 1,
      gaps: allGaps.slice(0, MAX_GAPS),
    };
    return { ...base, note: noteOf(base, allGaps.length, { fromMs: period.fromMs, toMs: end }) };
  });
}
