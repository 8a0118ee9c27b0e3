/**
 * Offline reports computed from the desktop's cache: their kinds, the request (kind, period,
 * clusters) and the JSON of each report. Every report says what it stands on (`coverage`): each
 * cluster's cached range, when it last synced, and the stretches with no samples because the app
 * was not syncing — partial data is never presented as complete.
 */
import { z } from 'zod';
import { CapacitySignals } from './capacity.ts';
import { FailureCause } from './failures.ts';

export const REPORT_KINDS = ['daily-summary', 'user-usage', 'failure-analysis', 'performance-trends', 'resource-utilization'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKind>;

export const REPORT_TITLES: Record<ReportKind, string> = {
  'daily-summary': 'Daily summary',
  'user-usage': 'User usage',
  'failure-analysis': 'Failure analysis',
  'performance-trends': 'Performance trends',
  'resource-utilization': 'Resource utilisation',
};

export const REPORT_FORMATS = ['csv', 'json', 'pdf'] as const;
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** A calendar day, `YYYY-MM-DD`, that exists. */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is written YYYY-MM-DD, e.g. 2026-11-30')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'no such day');

/** A relative period: the last N hours or days, e.g. `24h`, `7d`. */
export const SinceSpec = z.string().regex(/^[1-9]\d{0,3}[hd]$/, 'write a period like 24h or 7d (1–9999 hours or days)');

export const MAX_REPORT_DAYS = 366;

export const ReportRequest = z
  .strictObject({
    kind: ReportKind,
    /** First and last day (inclusive), in the time zone the report is made in. */
    from: CalendarDay.optional(),
    to: CalendarDay.optional(),
    since: SinceSpec.optional(),
    /** Clusters to cover; every cluster in the cache when empty or absent. */
    clusters: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .superRefine((r, ctx) => {
    const days = r.from !== undefined || r.to !== undefined;
    if (days && r.since !== undefined) ctx.addIssue({ code: 'custom', path: ['since'], message: 'give either from/to or since, not both' });
    if ((r.from === undefined) !== (r.to === undefined)) ctx.addIssue({ code: 'custom', path: [r.from === undefined ? 'from' : 'to'], message: 'from and to go together' });
    if (r.from && r.to && r.from > r.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `to (${r.to}) is before from (${r.from})` });
  });
export type ReportRequest = z.infer<typeof ReportRequest>;

export const ReportPeriod = z.object({
  /** Start (inclusive) and end (exclusive) instants. */
  from: z.string(),
  to: z.string(),
  /** The IANA time zone days and hours are counted in. */
  timeZone: z.string(),
  label: z.string(),
});
export type ReportPeriod = z.infer<typeof ReportPeriod>;

export const CoverageGap = z.object({ from: z.string(), to: z.string() });
export type CoverageGap = z.infer<typeof CoverageGap>;

export const ClusterCoverage = z.object({
  clusterId: z.string(),
  /** Jobs of the period in the cache. */
  jobs: z.int().min(0),
  /** Oldest and newest job creation in the cache (any period). */
  cachedFrom: z.string().nullable(),
  cachedTo: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  /** False while the first pull of the cluster's history has not finished. */
  historyComplete: z.boolean(),
  /** Stretches of the period with no samples: the app was not syncing this cluster. */
  gaps: z.array(CoverageGap),
  /** One line for the title page, e.g. "as of 30 Nov 07:00; no data 02:00–06:30". */
  note: z.string(),
});
export type ClusterCoverage = z.infer<typeof ClusterCoverage>;

const ReportBase = {
  kind: ReportKind,
  title: z.string(),
  generatedAt: z.string(),
  period: ReportPeriod,
  clusters: z.array(z.string()),
  coverage: z.array(ClusterCoverage),
};

const Ms = z.number().min(0).nullable();

export const DailySummaryDay = z.object({
  date: CalendarDay,
  submitted: z.int().min(0),
  completed: z.int().min(0),
  failed: z.int().min(0),
  cancelled: z.int().min(0),
  /** completed ÷ (completed + failed) of the jobs finished that day; null when none finished. */
  successRate: z.number().min(0).max(1).nullable(),
  /** Jobs submitted in each hour of the day (24 numbers). */
  submittedByHour: z.array(z.int().min(0)).length(24),
  busiestHour: z.int().min(0).max(23).nullable(),
  waitP95Ms: Ms,
  /** The longest waits of jobs that started that day. */
  longestWaits: z.array(z.object({ clusterId: z.string(), jobId: z.string(), type: z.string(), user: z.string(), waitMs: z.number().min(0) })),
  /** Jobs that got stuck that day (each time counts: a job stuck twice counts twice). */
  stuck: z.int().min(0),
  /** Jobs that failed because their worker was lost (stalled), i.e. were recovered by the cluster. */
  workerLost: z.int().min(0),
  /** Alerts that started firing that day; null when the cache holds no alerts. */
  alertsFired: z.int().min(0).nullable(),
});
export type DailySummaryDay = z.infer<typeof DailySummaryDay>;

/**
 * What became of a stuck job: it went on by itself (`recovered`: progress again), finished
 * (`completed`, `failed`), was force-stopped or otherwise cancelled or stopped by an admin, went
 * back to wait (`requeued`: its worker gave it up), was deleted, or is still stuck.
 */
export const STUCK_OUTCOMES = ['still-stuck', 'recovered', 'completed', 'failed', 'force-stopped', 'cancelled', 'requeued', 'removed'] as const;
export const StuckOutcome = z.enum(STUCK_OUTCOMES);
export type StuckOutcome = z.infer<typeof StuckOutcome>;

export const STUCK_OUTCOME_WORDS: Record<StuckOutcome, string> = {
  'still-stuck': 'Still stuck',
  recovered: 'Recovered by itself',
  completed: 'Completed',
  failed: 'Failed',
  'force-stopped': 'Force-stopped',
  cancelled: 'Stopped or cancelled',
  requeued: 'Back in the queue',
  removed: 'Deleted',
};

/** One time a job got stuck, and what was done about it. */
export const StuckEpisode = z.object({
  clusterId: z.string(),
  jobId: z.string(),
  type: z.string(),
  user: z.string(),
  stuckAt: z.string(),
  /** When it left the stuck state; null while still stuck. */
  endedAt: z.string().nullable(),
  outcome: StuckOutcome,
  /** The job's error when it moved on (a force stop names who did it); null for none. */
  reason: z.string().nullable(),
});
export type StuckEpisode = z.infer<typeof StuckEpisode>;

export const DailySummaryReport = z.object({
  ...ReportBase,
  kind: z.literal('daily-summary'),
  totals: z.object({ submitted: z.int(), completed: z.int(), failed: z.int(), cancelled: z.int(), successRate: z.number().nullable() }),
  days: z.array(DailySummaryDay),
  /** The period's stuck jobs, newest first (at most MAX_STUCK_LISTED), and how many of each outcome in all. */
  stuckJobs: z.array(StuckEpisode),
  stuckOutcomes: z.record(StuckOutcome, z.int().min(0)),
});

/**
 * A stuck job's outcome in words, e.g. "Force-stopped by alice after 17 min" or "Failed after 3 min:
 * out of memory"; `duration` formats milliseconds the way the caller shows durations.
 */
export function describeStuckOutcome(e: Pick<StuckEpisode, 'outcome' | 'stuckAt' | 'endedAt' | 'reason'>, duration: (ms: number) => string): string {
  const words = STUCK_OUTCOME_WORDS[e.outcome];
  if (e.endedAt === null) return words;
  const after = `after ${duration(Math.max(0, Date.parse(e.endedAt) - Date.parse(e.stuckAt)))}`;
  const reason = e.reason?.replace(/^cancelled:\s*/, '').trim() || null;
  if (reason === null || (e.outcome !== 'force-stopped' && e.outcome !== 'cancelled' && e.outcome !== 'failed')) return `${words} ${after}`;
  const by = e.outcome === 'failed' ? null : /\b(by \S.*)$/.exec(reason)?.[1];
  return by ? `${words} ${by} ${after}` : `${words} ${after}: ${reason}`;
}

/** Stuck jobs listed in a daily summary; the outcome counts cover them all. */
export const MAX_STUCK_LISTED = 200;
export type DailySummaryReport = z.infer<typeof DailySummaryReport>;

export const UserUsageRow = z.object({
  user: z.string(),
  jobs: z.int().min(0),
  completed: z.int().min(0),
  failed: z.int().min(0),
  cancelled: z.int().min(0),
  /** Jobs not finished yet (pending, running, paused, stuck). */
  open: z.int().min(0),
  byType: z.record(z.string(), z.int().min(0)),
  /** Sum of run durations of the user's finished jobs. */
  computeMs: z.number().min(0),
  /** The user's share of all compute time in the report. */
  computeShare: z.number().min(0).max(1),
  avgWaitMs: Ms,
  /** failed ÷ (completed + failed); null when none finished. */
  failureRate: z.number().min(0).max(1).nullable(),
});
export type UserUsageRow = z.infer<typeof UserUsageRow>;

export const UserUsageReport = z.object({
  ...ReportBase,
  kind: z.literal('user-usage'),
  totals: z.object({ jobs: z.int(), computeMs: z.number(), users: z.int() }),
  users: z.array(UserUsageRow),
});
export type UserUsageReport = z.infer<typeof UserUsageReport>;

/**
 * What a reader is told under every table of wait and run-time percentiles (preview and PDF): the
 * desktop reads them from histograms of its cache where it can, 8 buckets per doubling of a value,
 * so each is within 2^(1/8) - 1 of the exact one (the cache's roll-ups hold that bound; a test ties the two).
 */
export const PERCENTILE_NOTE = 'Percentiles (p50, p95) of waits and run times come from histograms of the cache where the period allows (whole hours of a whole-hour time zone): each is within 9.1% of the exact value.';

export const TrendStats = z.object({
  finished: z.int().min(0),
  failed: z.int().min(0),
  failureRate: z.number().min(0).max(1).nullable(),
  durationP50Ms: Ms,
  durationP95Ms: Ms,
  waitP50Ms: Ms,
  waitP95Ms: Ms,
  /** Finished jobs per day. */
  throughputPerDay: z.number().min(0),
});
export type TrendStats = z.infer<typeof TrendStats>;

export const PerformanceTypeTrend = z.object({
  type: z.string(),
  /** The whole period, the period of the same length before it, and the change (relative, null without a base). */
  period: TrendStats,
  previous: TrendStats,
  change: z.object({
    durationP95: z.number().nullable(),
    waitP95: z.number().nullable(),
    throughput: z.number().nullable(),
    /** Difference of failure rates in points (0.05 = five points worse). */
    failureRate: z.number().nullable(),
  }),
  days: z.array(TrendStats.extend({ date: CalendarDay })),
});
export type PerformanceTypeTrend = z.infer<typeof PerformanceTypeTrend>;

export const PerformanceTrendsReport = z.object({
  ...ReportBase,
  kind: z.literal('performance-trends'),
  types: z.array(PerformanceTypeTrend),
  /**
   * How far a percentile (p50, p95 of run times and waits) may be from the exact one, as a share
   * of it: they are read from histogram buckets (PERCENTILE_NOTE says it in words, 0.091 as 9.1%).
   */
  percentileRelativeError: z.number().min(0).max(1),
  /** Capacity signals per queue and cluster over the period (the Queues screen's Capacity panel). */
  capacity: CapacitySignals,
});
export type PerformanceTrendsReport = z.infer<typeof PerformanceTrendsReport>;

export const RESOURCE_KEYS = ['cpu', 'memory', 'diskIo', 'network'] as const;
export type ResourceKey = (typeof RESOURCE_KEYS)[number];

export const ResourceStats = z.object({
  mean: z.number().nullable(),
  p95: z.number().nullable(),
  max: z.number().nullable(),
  /** Minutes the value was at or above the warning and critical thresholds. */
  minutesWarning: z.number().min(0),
  minutesCritical: z.number().min(0),
});
export type ResourceStats = z.infer<typeof ResourceStats>;

export const NodeUtilisation = z.object({
  clusterId: z.string(),
  nodeId: z.string(),
  host: z.string(),
  samples: z.int().min(0),
  firstAt: z.string().nullable(),
  lastAt: z.string().nullable(),
  cpu: ResourceStats,
  memory: ResourceStats,
  diskIo: ResourceStats,
  network: ResourceStats,
  /** Hourly means over the period for the charts: [hour start, cpu, memory, disk I/O, network]. */
  hourly: z.array(z.tuple([z.string(), z.number(), z.number(), z.number(), z.number()])),
});
export type NodeUtilisation = z.infer<typeof NodeUtilisation>;

export const ResourceUtilisationReport = z.object({
  ...ReportBase,
  kind: z.literal('resource-utilization'),
  nodes: z.array(NodeUtilisation),
  /** Compute time by job type (sum of run durations) and jobs run. */
  /**
   * Per job type, the jobs that ended in the period: compute time (run durations), and what their
   * processes used where measured (`measured` jobs): CPU time, mean CPU in % of one core, and peak
   * memory (mean and largest of each job's peak).
   */
  byType: z.array(
    z.object({
      type: z.string(),
      jobs: z.int().min(0),
      computeMs: z.number().min(0),
      meanRunMs: Ms,
      measured: z.int().min(0),
      cpuMs: z.number().min(0),
      meanCpuPercent: z.number().min(0).nullable(),
      meanPeakRssBytes: z.number().min(0).nullable(),
      maxPeakRssBytes: z.number().min(0).nullable(),
    }),
  ),
});
export type ResourceUtilisationReport = z.infer<typeof ResourceUtilisationReport>;

export const FailureReportGroup = z.object({
  id: z.string(),
  signature: z.string(),
  category: FailureCause,
  type: z.string(),
  count: z.int().min(0),
  /** Failures in the period before, of the same length. */
  previousCount: z.int().min(0),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  isNew: z.boolean(),
  spiking: z.boolean(),
  users: z.array(z.object({ user: z.string(), count: z.int() })),
  /** What the group has in common, in words with counts. */
  inCommon: z.array(z.string()),
  steps: z.array(z.string()),
  /** Failures per day over the period. */
  perDay: z.array(z.int().min(0)),
});
export type FailureReportGroup = z.infer<typeof FailureReportGroup>;

export const FailureAnalysisReport = z.object({
  ...ReportBase,
  kind: z.literal('failure-analysis'),
  totals: z.object({ failed: z.int(), groups: z.int(), ungrouped: z.int() }),
  groups: z.array(FailureReportGroup),
});
export type FailureAnalysisReport = z.infer<typeof FailureAnalysisReport>;

export const Report = z.discriminatedUnion('kind', [DailySummaryReport, UserUsageReport, FailureAnalysisReport, PerformanceTrendsReport, ResourceUtilisationReport]);
export type Report = z.infer<typeof Report>;
