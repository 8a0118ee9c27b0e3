/**
 * Daily summary: per local day, jobs submitted (by creation) and finished (completed, failed,
 * cancelled by the day they ended), the success rate of what finished, the busiest hour, the 95th
 * percentile and longest waits of the day's submissions, jobs that got stuck and what became of
 * each (recovered, force-stopped, …), jobs lost with their worker, and alerts that started firing.
 * Counts and waits of whole hours come from the hourly roll-ups (report-rollups.ts); the 95th
 * percentile wait is read from their histograms, within PERCENTILE_RELATIVE_ERROR of the exact one.
 */
import { MAX_STUCK_LISTED, REPORT_TITLES, STUCK_OUTCOMES, type DailySummaryDay, type DailySummaryReport, type StuckEpisode, type StuckOutcome } from '../../../contract/reports.ts';
import { coverageOf } from './coverage.ts';
import { bucketSql } from '../cache/job-rollups.ts';
import { LocalBuckets } from './report-period.ts';
import { BucketCounts, bucketEnd, localDayHours, readPlan } from './report-rollups.ts';
import { clusterFilter, type ReportScope } from './report-scope.ts';

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
  const local = new LocalBuckets(period);
  const dayOf = (bucket: string) => days.get(local.of(bucket).day);

  const plan = readPlan(period.fromMs, period.toMs, local);
  // A bucket is a UTC hour from the roll-ups, or a UTC hour or quarter from the jobs (LocalBuckets).
  const addSubmitted = (bucket: string, n: number) => {
    const d = dayOf(bucket);
    if (!d) return;
    d.submitted += n;
    d.submittedByHour[local.of(bucket).hour]! += n;
  };
  const addFinished = (bucket: string, state: 'completed' | 'failed' | 'cancelled', n: number) => {
    const d = dayOf(bucket);
    if (d) d[state] += n;
  };
  const waitsByDay = new Map<string, BucketCounts>();
  const waitsOf = (day: string) => {
    let w = waitsByDay.get(day);
    if (!w) waitsByDay.set(day, (w = new BucketCounts()));
    return w;
  };
  // The few longest waits per day are kept by rowid and named from their rows afterwards.
  const longestRows = new Map<string, { rowid: number; waitMs: number }[]>();
  const offerWait = (day: string, rowid: number, wait: number) => {
    let top = longestRows.get(day);
    if (!top) longestRows.set(day, (top = []));
    if (top.length < LONGEST_WAITS || wait > top[top.length - 1]!.waitMs) {
      top.push({ rowid, waitMs: Math.round(wait) });
      top.sort((a, b) => b.waitMs - a.waitMs);
      if (top.length > LONGEST_WAITS) top.pop();
    }
  };

  if (plan.hours) {
    for (const [hour, n] of db
      .prepare(`SELECT hour, sum(n) FROM job_hours_created WHERE ${cf.sql} AND hour >= ? AND hour < ? GROUP BY hour`)
      .raw()
      .iterate(...cf.params, ...plan.hours) as IterableIterator<[string, number]>)
      addSubmitted(hour, n);
    for (const [hour, state, n] of db
      .prepare(`SELECT hour, state, sum(n) FROM job_hours_finished WHERE ${cf.sql} AND hour >= ? AND hour < ? GROUP BY hour, state`)
      .raw()
      .iterate(...cf.params, ...plan.hours) as IterableIterator<[string, 'completed' | 'failed' | 'cancelled', number]>)
      addFinished(hour, state, n);
    // The hours' histograms of waits, summed per local day in SQL, give each day's 95th percentile;
    // each hour's largest bucket says whether it can hold one of the day's longest waits: those
    // hours are read, longest first, until no other hour can.
    const waitBuckets = db.prepare(
      `SELECT bucket, sum(n), sum(total) FROM job_hour_histograms
       WHERE ${cf.sql} AND metric = 'wait_submitted' AND hour >= ? AND hour < ? GROUP BY bucket`,
    );
    for (const [from, to, day] of localDayHours(plan.hours, local)) {
      const waits = waitsOf(day);
      for (const [bucket, n, total] of waitBuckets.raw().iterate(...cf.params, from, to) as IterableIterator<[number, number, number]>) waits.add(bucket, n, total);
    }
    const candidates = new Map<string, { clusterId: string; hour: string; upTo: number }[]>();
    for (const [clusterId, hour, top] of db
      .prepare(
        `SELECT cluster_id, hour, max(bucket) FROM job_hour_histograms
         WHERE ${cf.sql} AND metric = 'wait_submitted' AND hour >= ? AND hour < ? AND n > 0 GROUP BY cluster_id, hour`,
      )
      .raw()
      .iterate(...cf.params, ...plan.hours) as IterableIterator<[string, string, number]>) {
      const day = local.of(hour).day;
      let list = candidates.get(day);
      if (!list) candidates.set(day, (list = []));
      list.push({ clusterId, hour, upTo: bucketEnd(top) });
    }
    // The planner would take the narrower index by creation and read each row for its wait.
    const longestOfHour = db.prepare(
      `SELECT rowid, wait_ms FROM jobs INDEXED BY jobs_report_created WHERE cluster_id = ? AND created_at >= ? AND created_at < ? AND wait_ms IS NOT NULL ORDER BY wait_ms DESC LIMIT ${LONGEST_WAITS}`,
    );
    for (const [day, list] of candidates) {
      list.sort((a, b) => b.upTo - a.upTo);
      for (const c of list) {
        const top = longestRows.get(day);
        if (top && top.length >= LONGEST_WAITS && c.upTo <= top[top.length - 1]!.waitMs) break;
        for (const [rowid, wait] of longestOfHour.raw().iterate(c.clusterId, c.hour, `${c.hour};`) as IterableIterator<[number, number]>) offerWait(day, rowid, Math.max(0, wait));
      }
    }
  }
  const waitBucket = bucketSql('max(0, wait_ms)');
  for (const range of plan.raw) {
    for (const [quarter, n] of db
      .prepare(`SELECT ${local.sql('created_at')} AS q, count(*) FROM jobs WHERE created_at >= ? AND created_at < ? AND ${cf.sql} GROUP BY q`)
      .raw()
      .iterate(...range, ...cf.params) as IterableIterator<[string, number]>)
      addSubmitted(quarter, n);
    for (const [quarter, state, n] of db
      .prepare(
        `SELECT ${local.sql('finished_at')} AS q, state, count(*) FROM jobs
         WHERE state IN ('completed', 'failed', 'cancelled') AND finished_at >= ? AND finished_at < ? AND ${cf.sql}
         GROUP BY q, state`,
      )
      .raw()
      .iterate(...range, ...cf.params) as IterableIterator<[string, 'completed' | 'failed' | 'cancelled', number]>)
      addFinished(quarter, state, n);
    for (const [quarter, rawWait, bucket, rowid] of db
      .prepare(`SELECT ${local.sql('created_at')}, wait_ms, ${waitBucket}, rowid FROM jobs WHERE created_at >= ? AND created_at < ? AND wait_ms IS NOT NULL AND ${cf.sql}`)
      .raw()
      .iterate(...range, ...cf.params) as IterableIterator<[string, number, number, number]>) {
      const day = local.of(quarter).day;
      const wait = Math.max(0, rawWait);
      waitsOf(day).add(bucket, 1, wait);
      offerWait(day, rowid, wait);
    }
  }
  const byRowid = db.prepare('SELECT cluster_id, job_id, type, user FROM jobs WHERE rowid = ?');
  const longest = new Map<string, DailySummaryDay['longestWaits']>(
    [...longestRows].map(([day, top]) => [
      day,
      top.map(({ rowid, waitMs }) => {
        const row = byRowid.get(rowid) as { cluster_id: string; job_id: string; type: string; user: string };
        return { clusterId: row.cluster_id, jobId: row.job_id, type: row.type, user: row.user, waitMs };
      }),
    ]),
  );

  const countByQuarter = (sql: string, params: unknown[], apply: (d: DailySummaryDay, n: number) => void) => {
    for (const [quarter, n] of db.prepare(sql).raw().iterate(...params) as IterableIterator<[string, number]>) {
      const d = dayOf(quarter);
      if (d) apply(d, n);
    }
  };
  countByQuarter(
    `SELECT ${local.sql('stuck_at')} AS q, count(*) FROM stuck_episodes WHERE stuck_at >= ? AND stuck_at < ? AND ${cf.sql} GROUP BY q`,
    [...range, ...cf.params],
    (d, n) => (d.stuck += n),
  );
  const jcf = clusterFilter(scope, 'j.cluster_id');
  countByQuarter(
    // From the few worker-lost patterns to their jobs: the other way round read every failed job's
    // row of the period for its pattern.
    `SELECT ${local.sql('j.finished_at')} AS q, count(*) FROM failure_groups g CROSS JOIN jobs j INDEXED BY jobs_failure_group
       ON j.failure_group_id = g.group_id AND j.state = 'failed' AND j.finished_at >= ? AND j.finished_at < ?
     WHERE g.category = 'worker-lost' AND ${jcf.sql}
     GROUP BY q`,
    [...range, ...jcf.params],
    (d, n) => (d.workerLost += n),
  );
  countByQuarter(
    `SELECT ${local.sql('started_at')} AS q, count(*) FROM alerts WHERE started_at >= ? AND started_at < ? AND ${cf.sql} GROUP BY q`,
    [...range, ...cf.params],
    (d, n) => (d.alertsFired = (d.alertsFired ?? 0) + n),
  );

  for (const d of days.values()) {
    const finished = d.completed + d.failed;
    d.successRate = finished > 0 ? d.completed / finished : null;
    const max = Math.max(...d.submittedByHour);
    d.busiestHour = max > 0 ? d.submittedByHour.indexOf(max) : null;
    const p95 = waitsByDay.get(d.date)?.percentile(95) ?? null;
    d.waitP95Ms = p95 === null ? null : Math.round(p95);
    d.longestWaits = longest.get(d.date) ?? [];
  }

  const stuck = stuckEpisodes(scope);
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
    stuckJobs: stuck.listed,
    stuckOutcomes: stuck.outcomes,
  };
}

/** What became of a stuck job, from the state it moved to and its error then. */
export function stuckOutcomeOf(outcome: string | null, reason: string | null): StuckOutcome {
  switch (outcome) {
    case null:
      return 'still-stuck';
    case 'running':
    case 'paused':
      return 'recovered';
    case 'pending':
      return 'requeued';
    case 'completed':
    case 'failed':
    case 'removed':
      return outcome;
    case 'cancelled':
      return reason !== null && /force[- ]?stop/i.test(reason) ? 'force-stopped' : 'cancelled';
    default:
      return 'still-stuck';
  }
}

function stuckEpisodes(scope: ReportScope): { listed: StuckEpisode[]; outcomes: Record<StuckOutcome, number> } {
  const cf = clusterFilter(scope);
  const outcomes = Object.fromEntries(STUCK_OUTCOMES.map((o) => [o, 0])) as Record<StuckOutcome, number>;
  const listed: StuckEpisode[] = [];
  for (const row of scope.db
    .prepare(
      `SELECT cluster_id, job_id, type, user, stuck_at, ended_at, outcome, reason FROM stuck_episodes
       WHERE stuck_at >= ? AND stuck_at < ? AND ${cf.sql} ORDER BY stuck_at DESC, cluster_id, job_id`,
    )
    .iterate(scope.period.from, scope.period.to, ...cf.params) as IterableIterator<{
    cluster_id: string;
    job_id: string;
    type: string;
    user: string;
    stuck_at: string;
    ended_at: string | null;
    outcome: string | null;
    reason: string | null;
  }>) {
    const outcome = stuckOutcomeOf(row.outcome, row.reason);
    outcomes[outcome] += 1;
    if (listed.length < MAX_STUCK_LISTED) {
      listed.push({ clusterId: row.cluster_id, jobId: row.job_id, type: row.type, user: row.user, stuckAt: row.stuck_at, endedAt: row.ended_at, outcome, reason: row.reason });
    }
  }
  return { listed, outcomes };
}
