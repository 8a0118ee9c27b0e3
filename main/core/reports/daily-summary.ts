/**
 * Daily summary: per local day, jobs submitted (by creation) and finished (completed, failed,
 * cancelled by the day they ended), the success rate of what finished, the busiest hour, the 95th
 * percentile and longest waits of the day's submissions, jobs stuck now, jobs lost with their
 * worker, and alerts that started firing.
 */
import { REPORT_TITLES, type DailySummaryDay, type DailySummaryReport } from '../../../contract/reports.ts';
import { coverageOf } from './coverage.ts';
import { clusterFilter, percentileOf, WAIT_MS_SQL, type ReportScope } from './report-scope.ts';

const LONGEST_WAITS = 5;

function emptyDay(date: string): DailySummaryDay {
  return {
    date,
    submitted: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    successRate: null,
    submittedByHour: Array.from({ length: 24 }, () => 0),
    busiestHour: null,
    waitP95Ms: null,
    longestWaits: [],
    stuck: 0,
    workerLost: 0,
    alertsFired: 0,
  };
}

export function dailySummary(scope: ReportScope): DailySummaryReport {
  const { db, period } = scope;
  const cf = clusterFilter(scope);
  const days = new Map(period.days.map((d) => [d, emptyDay(d)]));
  const range = [period.from, period.to];

  for (const r of db
    .prepare(
      `SELECT date(created_at, 'localtime') AS day, CAST(strftime('%H', created_at, 'localtime') AS INTEGER) AS hour, count(*) AS n
       FROM jobs WHERE created_at >= ? AND created_at < ? AND ${cf.sql} GROUP BY day, hour`,
    )
    .all(...range, ...cf.params) as { day: string; hour: number; n: number }[]) {
    const d = days.get(r.day);
    if (!d) continue;
    d.submitted += r.n;
    d.submittedByHour[r.hour]! += r.n;
  }

  for (const r of db
    .prepare(
      `SELECT date(finished_at, 'localtime') AS day, state, count(*) AS n FROM jobs
       WHERE state IN ('completed', 'failed', 'cancelled') AND ifnull(finished_at, '') >= ? AND ifnull(finished_at, '') < ? AND ${cf.sql}
       GROUP BY day, state`,
    )
    .all(...range, ...cf.params) as { day: string; state: 'completed' | 'failed' | 'cancelled'; n: number }[]) {
    const d = days.get(r.day);
    if (d) d[r.state] += r.n;
  }

  const waitsByDay = new Map<string, number[]>();
  const longest = new Map<string, DailySummaryDay['longestWaits']>();
  for (const r of db
    .prepare(
      `SELECT date(created_at, 'localtime') AS day, cluster_id, job_id, type, user, ${WAIT_MS_SQL} AS wait
       FROM jobs WHERE created_at >= ? AND created_at < ? AND started_at IS NOT NULL AND ${cf.sql}`,
    )
    .all(...range, ...cf.params) as { day: string; cluster_id: string; job_id: string; type: string; user: string; wait: number }[]) {
    const wait = Math.max(0, r.wait);
    let list = waitsByDay.get(r.day);
    if (!list) waitsByDay.set(r.day, (list = []));
    list.push(wait);
    let top = longest.get(r.day);
    if (!top) longest.set(r.day, (top = []));
    if (top.length < LONGEST_WAITS || wait > top[top.length - 1]!.waitMs) {
      top.push({ clusterId: r.cluster_id, jobId: r.job_id, type: r.type, user: r.user, waitMs: Math.round(wait) });
      top.sort((a, b) => b.waitMs - a.waitMs);
      if (top.length > LONGEST_WAITS) top.pop();
    }
  }

  for (const r of db
    .prepare(`SELECT date(created_at, 'localtime') AS day, count(*) AS n FROM jobs WHERE state = 'stuck' AND created_at >= ? AND created_at < ? AND ${cf.sql} GROUP BY day`)
    .all(...range, ...cf.params) as { day: string; n: number }[]) {
    const d = days.get(r.day);
    if (d) d.stuck = r.n;
  }

  const jcf = clusterFilter(scope, 'j.cluster_id');
  for (const r of db
    .prepare(
      `SELECT date(j.finished_at, 'localtime') AS day, count(*) AS n FROM jobs j JOIN failure_groups g ON g.group_id = j.failure_group_id
       WHERE j.state = 'failed' AND g.category = 'worker-lost' AND ifnull(j.finished_at, '') >= ? AND ifnull(j.finished_at, '') < ? AND ${jcf.sql}
       GROUP BY day`,
    )
    .all(...range, ...jcf.params) as { day: string; n: number }[]) {
    const d = days.get(r.day);
    if (d) d.workerLost = r.n;
  }

  for (const r of db
    .prepare(`SELECT date(started_at, 'localtime') AS day, count(*) AS n FROM alerts WHERE started_at >= ? AND started_at < ? AND ${cf.sql} GROUP BY day`)
    .all(...range, ...cf.params) as { day: string; n: number }[]) {
    const d = days.get(r.day);
    if (d) d.alertsFired = r.n;
  }

  for (const d of days.values()) {
    const finished = d.completed + d.failed;
    d.successRate = finished > 0 ? d.completed / finished : null;
    const max = Math.max(...d.submittedByHour);
    d.busiestHour = max > 0 ? d.submittedByHour.indexOf(max) : null;
    const waits = (waitsByDay.get(d.date) ?? []).sort((a, b) => a - b);
    const p95 = percentileOf(waits, 95);
    d.waitP95Ms = p95 === null ? null : Math.round(p95);
    d.longestWaits = longest.get(d.date) ?? [];
  }

  const list = [...days.values()];
  const sum = (k: 'submitted' | 'completed' | 'failed' | 'cancelled') => list.reduce((n, d) => n + d[k], 0);
  const totals = { submitted: sum('submitted'), completed: sum('completed'), failed: sum('failed'), cancelled: sum('cancelled') };
  return {
    kind: 'daily-summary',
    title: REPORT_TITLES['daily-summary'],
    generatedAt: new Date(scope.now).toISOString(),
    period: { from: period.from, to: period.to, timeZone: period.timeZone, label: period.label },
    clusters: scope.clusters,
    coverage: coverageOf(scope),
    totals: { ...totals, successRate: totals.completed + totals.failed > 0 ? totals.completed / (totals.completed + totals.failed) : null },
    days: list,
  };
}
