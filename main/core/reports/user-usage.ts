/**
 * User usage: per user, the jobs submitted in the period by type and state, the compute time they
 * used (sum of run durations of their finished jobs), their share of all compute time, their
 * average wait and failure rate. Busiest users first. Whole hours of the period come from the
 * hourly roll-ups, part hours at its ends from the jobs (report-rollups.ts).
 */
import { REPORT_TITLES, type UserUsageReport, type UserUsageRow } from '../../../contract/reports.ts';
import { coverageOf } from './coverage.ts';
import { LocalBuckets } from './report-period.ts';
import { readPlan } from './report-rollups.ts';
import { clusterFilter, type ReportScope } from './report-scope.ts';

/** Jobs of one user, type and state: from the hourly roll-ups, or from the jobs at the period's ends. */
interface UserTypeState {
  user: string;
  type: string;
  state: string;
  n: number;
  compute: number;
  wait_sum: number | null;
  started: number;
}

export function userUsage(scope: ReportScope): UserUsageReport {
  const { db, period } = scope;
  const cf = clusterFilter(scope);
  const users = new Map<string, UserUsageRow & { waitSum: number; waitCount: number }>();
  const rowOf = (user: string) => {
    let row = users.get(user);
    if (!row) {
      row = { user, jobs: 0, completed: 0, failed: 0, cancelled: 0, open: 0, byType: {}, computeMs: 0, computeShare: 0, avgWaitMs: null, failureRate: null, waitSum: 0, waitCount: 0 };
      users.set(user, row);
    }
    return row;
  };
  const add = (r: UserTypeState) => {
    const row = rowOf(r.user);
    row.jobs += r.n;
    if (r.state === 'completed' || r.state === 'failed' || r.state === 'cancelled') row[r.state] += r.n;
    else row.open += r.n;
    row.byType[r.type] = (row.byType[r.type] ?? 0) + r.n;
    row.computeMs += r.compute;
    row.waitSum += r.wait_sum ?? 0;
    row.waitCount += r.started;
  };
  const plan = readPlan(period.fromMs, period.toMs, new LocalBuckets(period));
  if (plan.hours) {
    for (const r of db
      .prepare(
        `SELECT user, type, state, sum(n) AS n, sum(run_ms) AS compute, sum(wait_sum) AS wait_sum, sum(wait_n) AS started
         FROM job_hours_created WHERE ${cf.sql} AND hour >= ? AND hour < ? GROUP BY user, type, state`,
      )
      .all(...cf.params, ...plan.hours) as UserTypeState[])
      add(r);
  }
  for (const range of plan.raw) {
    for (const r of db
      .prepare(
        `SELECT user, type, state, count(*) AS n,
                sum(CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN ifnull(duration_ms, 0) ELSE 0 END) AS compute,
                sum(wait_ms) AS wait_sum,
                count(wait_ms) AS started
         FROM jobs WHERE created_at >= ? AND created_at < ? AND ${cf.sql}
         GROUP BY user, type, state`,
      )
      .all(...range, ...cf.params) as UserTypeState[])
      add(r);
  }
  const totalCompute = [...users.values()].reduce((s, u) => s + u.computeMs, 0);
  const list: UserUsageRow[] = [...users.values()]
    .map(({ waitSum, waitCount, ...u }) => ({
      ...u,
      computeShare: totalCompute > 0 ? u.computeMs / totalCompute : 0,
      avgWaitMs: waitCount > 0 ? Math.round(waitSum / waitCount) : null,
      failureRate: u.completed + u.failed > 0 ? u.failed / (u.completed + u.failed) : null,
    }))
    .sort((a, b) => b.computeMs - a.computeMs || b.jobs - a.jobs || a.user.localeCompare(b.user));
  return {
    kind: 'user-usage',
    title: REPORT_TITLES['user-usage'],
    generatedAt: new Date(scope.now).toISOString(),
    period: { from: period.from, to: period.to, timeZone: period.timeZone, label: period.label },
    clusters: scope.clusters,
    coverage: coverageOf(scope),
    totals: { jobs: list.reduce((s, u) => s + u.jobs, 0), computeMs: totalCompute, users: list.length },
    users: list,
  };
}
