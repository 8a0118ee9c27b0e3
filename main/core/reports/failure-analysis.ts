/**
 * Failure analysis: the failure patterns of the period (from the cache's failure groups and their
 * per-hour counts, so no scan of the jobs), with counts against the period before, affected users,
 * a count per day, what each of the leading patterns has in common, and the cause's suggested
 * steps. New and spiking patterns come first, then the largest.
 */
import { FAILURE_CAUSE_STEPS, FailureCause, type InCommonFinding } from '../../../contract/failures.ts';
import { REPORT_TITLES, type FailureAnalysisReport, type FailureReportGroup } from '../../../contract/reports.ts';
import { coverageOf } from './coverage.ts';
import { localDay, previousPeriod } from './report-period.ts';
import { clusterFilter, type ReportScope } from './report-scope.ts';

/** Patterns whose "in common" is worked out (it compares up to thousands of jobs each). */
const IN_COMMON_GROUPS = 10;
const DAY_MS = 86_400_000;

export interface FailureFacts {
  /** What a group's jobs have in common, as the failure store finds it. */
  inCommon(groupId: string): readonly InCommonFinding[];
}

/** The failure store's "in common" for reports made at `now`. */
export function failureFactsOf(store: { detail(id: string, now: number): { inCommon: readonly InCommonFinding[] } | null }, now: number): FailureFacts {
  return { inCommon: (id) => store.detail(id, now)?.inCommon ?? [] };
}

export function failureAnalysis(scope: ReportScope, facts?: FailureFacts): FailureAnalysisReport {
  const { db, period } = scope;
  const before = previousPeriod(period);
  const cf = clusterFilter(scope, 'h.cluster_id');
  const end = Math.min(period.toMs, scope.now);
  const counts = db
    .prepare(
      `SELECT g.group_id, g.signature, g.category, g.job_type, g.first_seen_at, g.last_seen_at,
              sum(CASE WHEN h.hour >= ? THEN h.n ELSE 0 END) AS count,
              sum(CASE WHEN h.hour < ? THEN h.n ELSE 0 END) AS previous,
              sum(CASE WHEN h.hour >= ? THEN h.n ELSE 0 END) AS last_day
       FROM failure_group_hours h JOIN failure_groups g ON g.group_id = h.group_id
       WHERE h.hour >= ? AND h.hour < ? AND g.merged_into IS NULL AND ${cf.sql}
       GROUP BY g.group_id`,
    )
    .all(period.from, period.from, new Date(end - DAY_MS).toISOString(), before.from, period.to, ...cf.params) as {
    group_id: string; signature: string; category: string; job_type: string; first_seen_at: string; last_seen_at: string; count: number; previous: number; last_day: number;
  }[];
  const users = db.prepare(
    `SELECT user, sum(n) AS count FROM failure_group_hours h WHERE group_id = ? AND hour >= ? AND hour < ? AND ${cf.sql} GROUP BY user ORDER BY count DESC, user LIMIT 10`,
  );
  const hours = db.prepare(`SELECT hour, sum(n) AS n FROM failure_group_hours h WHERE group_id = ? AND hour >= ? AND hour < ? AND ${cf.sql} GROUP BY hour`);
  const periodDays = Math.max(1, (end - period.fromMs) / DAY_MS);
  const groups: FailureReportGroup[] = counts
    .filter((r) => r.count > 0)
    .map((r) => {
      const category = FailureCause.safeParse(r.category).success ? (r.category as FailureReportGroup['category']) : 'other';
      const perDay = new Map(period.days.map((d) => [d, 0]));
      for (const h of hours.all(r.group_id, period.from, period.to, ...cf.params) as { hour: string; n: number }[]) {
        const day = localDay(Date.parse(h.hour));
        if (perDay.has(day)) perDay.set(day, perDay.get(day)! + h.n);
      }
      // Spiking: the last day of the period well above the period's daily average (and not tiny).
      const earlierPerDay = periodDays > 1 ? (r.count - r.last_day) / (periodDays - 1) : 0;
      return {
        id: r.group_id,
        signature: r.signature,
        category,
        type: r.job_type,
        count: r.count,
        previousCount: r.previous,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
        isNew: Date.parse(r.first_seen_at) >= end - DAY_MS,
        spiking: r.last_day >= 5 && r.last_day > 3 * Math.max(earlierPerDay, 0.5),
        users: (users.all(r.group_id, period.from, period.to, ...cf.params) as { user: string; count: number }[]).map((u) => ({ user: u.user, count: u.count })),
        inCommon: [],
        steps: [...FAILURE_CAUSE_STEPS[category]],
        perDay: [...perDay.values()],
      };
    })
    .sort((a, b) => Number(b.isNew || b.spiking) - Number(a.isNew || a.spiking) || b.count - a.count || a.id.localeCompare(b.id));
  if (facts) {
    for (const g of groups.slice(0, IN_COMMON_GROUPS)) g.inCommon = facts.inCommon(g.id).map((f) => f.text);
  }
  const jcf = clusterFilter(scope);
  const failed = db
    .prepare(`SELECT count(*) FROM jobs WHERE state = 'failed' AND ifnull(finished_at, '') >= ? AND ifnull(finished_at, '') < ? AND ${jcf.sql}`)
    .pluck()
    .get(period.from, period.to, ...jcf.params) as number;
  const grouped = groups.reduce((s, g) => s + g.count, 0);
  return {
    kind: 'failure-analysis',
    title: REPORT_TITLES['failure-analysis'],
    generatedAt: new Date(scope.now).toISOString(),
    period: { from: period.from, to: period.to, timeZone: period.timeZone, label: period.label },
    clusters: scope.clusters,
    coverage: coverageOf(scope),
    totals: { failed, groups: groups.length, ungrouped: Math.max(0, failed - grouped) },
    groups,
  };
}
