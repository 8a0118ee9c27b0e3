/**
 * A report as tables: what CSV files hold and what the PDF prints, so every format shows the same
 * numbers. Cells are plain values (numbers stay numbers; instants ISO 8601; durations in ms and
 * rates as ratios, as the JSON has them).
 */
import type { CapacitySignals } from '../../../contract/capacity.ts';
import type { Report } from '../../../contract/reports.ts';

export type Cell = string | number | boolean | null;

export interface ReportTable {
  /** File name stem and heading, e.g. `days` / "Per day". */
  name: string;
  heading: string;
  columns: string[];
  rows: Cell[][];
}

function coverageTable(report: Report): ReportTable {
  return {
    name: 'coverage',
    heading: 'What this report stands on',
    columns: ['cluster', 'jobs_in_period', 'cached_from', 'cached_to', 'last_sync_at', 'history_complete', 'gaps', 'note'],
    rows: report.coverage.map((c) => [c.clusterId, c.jobs, c.cachedFrom, c.cachedTo, c.lastSyncAt, c.historyComplete, c.gaps.length, c.note]),
  };
}

/** Capacity signals: one row per queue and signal with its sentence, and failures per day. */
function capacityTables(c: CapacitySignals): ReportTable[] {
  const signals = (q: CapacitySignals['queues'][number]) =>
    [
      ['hours_with_jobs_waiting', q.waiting],
      ['waits_over_threshold', q.waitsOverThreshold],
      ['timeouts_per_day', q.timeouts],
      ['limit_exceeded_per_day', q.limitExceeded],
    ] as const;
  return [
    {
      name: 'capacity',
      heading: 'Capacity',
      columns: ['cluster', 'type', 'signal', 'value', 'more_capacity_needed', 'sentence'],
      rows: c.queues.flatMap((q) => signals(q).map(([name, s]) => [q.clusterId, q.type, name, s.value, s.moreCapacityNeeded, s.sentence])),
    },
    {
      name: 'capacity_failures_per_day',
      heading: 'Timeouts and limit-exceeded failures per day',
      columns: ['cluster', 'type', 'cause', 'day_from', 'failures'],
      rows: c.queues.flatMap((q) => [q.timeouts, q.limitExceeded].flatMap((s) => s.perDay.map((d) => [q.clusterId, q.type, s.cause, d.from, d.count]))),
    },
  ];
}

function bodyTables(report: Report): ReportTable[] {
  switch (report.kind) {
    case 'daily-summary':
      return [
        {
          name: 'days',
          heading: 'Per day',
          columns: ['date', 'submitted', 'completed', 'failed', 'cancelled', 'success_rate', 'busiest_hour', 'wait_p95_ms', 'stuck', 'worker_lost', 'alerts_fired'],
          rows: report.days.map((d) => [d.date, d.submitted, d.completed, d.failed, d.cancelled, d.successRate, d.busiestHour, d.waitP95Ms, d.stuck, d.workerLost, d.alertsFired]),
        },
        {
          name: 'longest_waits',
          heading: 'Longest waits',
          columns: ['date', 'cluster', 'job_id', 'type', 'user', 'wait_ms'],
          rows: report.days.flatMap((d) => d.longestWaits.map((w) => [d.date, w.clusterId, w.jobId, w.type, w.user, w.waitMs])),
        },
        {
          name: 'stuck_jobs',
          heading: 'Stuck jobs and what was done',
          columns: ['stuck_at', 'cluster', 'job_id', 'type', 'user', 'outcome', 'ended_at', 'reason'],
          rows: report.stuckJobs.map((e) => [e.stuckAt, e.clusterId, e.jobId, e.type, e.user, e.outcome, e.endedAt, e.reason]),
        },
      ];
    case 'user-usage':
      return [
        {
          name: 'users',
          heading: 'Per user',
          columns: ['user', 'jobs', 'completed', 'failed', 'cancelled', 'open', 'compute_ms', 'compute_share', 'avg_wait_ms', 'failure_rate'],
          rows: report.users.map((u) => [u.user, u.jobs, u.completed, u.failed, u.cancelled, u.open, u.computeMs, u.computeShare, u.avgWaitMs, u.failureRate]),
        },
        {
          name: 'users_by_type',
          heading: 'Jobs per user and type',
          columns: ['user', 'type', 'jobs'],
          rows: report.users.flatMap((u) => Object.entries(u.byType).map(([type, n]) => [u.user, type, n])),
        },
      ];
    case 'performance-trends':
      return [
        {
          name: 'types',
          heading: 'Per job type: this period against the one before',
          columns: ['type', 'finished', 'failure_rate', 'duration_p50_ms', 'duration_p95_ms', 'wait_p50_ms', 'wait_p95_ms', 'throughput_per_day', 'prev_finished', 'prev_failure_rate', 'prev_duration_p95_ms', 'prev_wait_p95_ms', 'change_duration_p95', 'change_wait_p95', 'change_throughput', 'change_failure_rate_points'],
          rows: report.types.map((t) => [
            t.type, t.period.finished, t.period.failureRate, t.period.durationP50Ms, t.period.durationP95Ms, t.period.waitP50Ms, t.period.waitP95Ms, t.period.throughputPerDay,
            t.previous.finished, t.previous.failureRate, t.previous.durationP95Ms, t.previous.waitP95Ms,
            t.change.durationP95, t.change.waitP95, t.change.throughput, t.change.failureRate,
          ]),
        },
        {
          name: 'type_days',
          heading: 'Per job type and day',
          columns: ['type', 'date', 'finished', 'failed', 'failure_rate', 'duration_p50_ms', 'duration_p95_ms', 'wait_p50_ms', 'wait_p95_ms'],
          rows: report.types.flatMap((t) => t.days.map((d) => [t.type, d.date, d.finished, d.failed, d.failureRate, d.durationP50Ms, d.durationP95Ms, d.waitP50Ms, d.waitP95Ms])),
        },
        ...capacityTables(report.capacity),
      ];
    case 'resource-utilization':
      return [
        {
          name: 'nodes',
          heading: 'Per node',
          columns: ['cluster', 'node', 'host', 'samples', 'cpu_mean', 'cpu_p95', 'cpu_minutes_warning', 'cpu_minutes_critical', 'memory_mean', 'memory_p95', 'memory_minutes_warning', 'memory_minutes_critical', 'disk_io_mean', 'disk_io_p95', 'network_mean', 'network_p95'],
          rows: report.nodes.map((n) => [
            n.clusterId, n.nodeId, n.host, n.samples, n.cpu.mean, n.cpu.p95, n.cpu.minutesWarning, n.cpu.minutesCritical,
            n.memory.mean, n.memory.p95, n.memory.minutesWarning, n.memory.minutesCritical, n.diskIo.mean, n.diskIo.p95, n.network.mean, n.network.p95,
          ]),
        },
        {
          name: 'compute_by_type',
          heading: 'Compute time, CPU and memory by job type',
          columns: ['type', 'jobs', 'compute_ms', 'mean_run_ms', 'measured_jobs', 'cpu_ms', 'mean_cpu_percent', 'mean_peak_rss_bytes', 'max_peak_rss_bytes'],
          rows: report.byType.map((t) => [t.type, t.jobs, t.computeMs, t.meanRunMs, t.measured, t.cpuMs, t.meanCpuPercent, t.meanPeakRssBytes, t.maxPeakRssBytes]),
        },
      ];
    case 'failure-analysis':
      return [
        {
          name: 'groups',
          heading: 'Failure patterns',
          columns: ['group_id', 'type', 'category', 'signature', 'count', 'previous_count', 'first_seen_at', 'last_seen_at', 'new', 'spiking', 'users', 'in_common'],
          rows: report.groups.map((g) => [
            g.id, g.type, g.category, g.signature, g.count, g.previousCount, g.firstSeenAt, g.lastSeenAt, g.isNew, g.spiking,
            g.users.map((u) => `${u.user} (${u.count})`).join('; '), g.inCommon.join('; '),
          ]),
        },
      ];
  }
}

/** The report's tables: its body first, then what it stands on. */
export function reportTables(report: Report): ReportTable[] {
  return [...bodyTables(report), coverageTable(report)];
}
