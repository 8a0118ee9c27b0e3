/**
 * Capacity signals: the signs that a queue needs more capacity, read over days of the desktop's
 * cache, per queue (job type) and cluster — the queue was hardly ever empty, too many jobs waited
 * longer than the cluster's wait threshold, and timeouts or "limit exceeded" failures are
 * increasing. Each signal has its value (null when the cache holds too little to say), whether it
 * says more capacity is needed, and a sentence in the admin's words.
 */
import { z } from 'zod';

/** The periods the Queues screen offers (any 1–90 days is accepted). */
export const CAPACITY_PERIOD_DAYS = [7, 30] as const;

export const CapacityRequest = z.strictObject({
  /** Days back from now. The cache keeps finished jobs for the retention setting (90 days by default). */
  days: z.int().min(1, 'at least 1 day').max(90, 'at most 90 days: the cache keeps finished jobs for the retention period').default(7),
  /** Clusters to cover; every configured cluster when absent. */
  clusterIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
});
export type CapacityRequest = z.input<typeof CapacityRequest>;

/**
 * Where each signal turns into "more capacity needed", and how much history it needs first.
 * - An hour counts as "jobs waiting" when jobs were ready and waiting for at least
 *   `waitingHourCoverage` of it: the queue hardly emptied in it.
 * - The cluster rates a queue's p95 wait against its threshold, so more than 5% of started jobs
 *   over the threshold is exactly a p95 wait over it.
 * - A failure count is increasing when the recent days' daily rate is at least `increaseRatio`
 *   times the earlier days', with at least `minRecentFailures`, and chance alone would give that
 *   many recent failures less than `significance` of the time (one-sided binomial test).
 */
export const CAPACITY_RULES = {
  waitingHourCoverage: 0.9,
  waitingHoursShare: 0.75,
  minHours: 24,
  overThresholdShare: 0.05,
  minStartedJobs: 20,
  increaseRatio: 1.5,
  minRecentFailures: 3,
  significance: 0.05,
} as const;

/** Days at the end of a period compared against the days before them. */
export function recentDaysOf(days: number): number {
  return days >= 14 ? 7 : Math.max(1, Math.floor(days / 3));
}

const SignalBase = {
  /** The signal's number (a share 0..1, or failures a day); null when there is not enough history. */
  value: z.number().min(0).nullable(),
  moreCapacityNeeded: z.boolean(),
  /** The signal in words, e.g. "report queue had jobs waiting in 92% of hours over 7 days". */
  sentence: z.string(),
};

export const QueueWaitingSignal = z.object({
  ...SignalBase,
  /** Hours jobs were waiting (nearly) throughout, of the whole hours the cluster's history covers. */
  hoursWaiting: z.int().min(0),
  hoursCovered: z.int().min(0),
  /** Hours left out because the queue was paused in them (a paused queue fills by design). */
  hoursPaused: z.int().min(0),
});
export type QueueWaitingSignal = z.infer<typeof QueueWaitingSignal>;

export const THRESHOLD_SOURCES = ['cluster', 'cached', 'default'] as const;
export const ThresholdSource = z.enum(THRESHOLD_SOURCES);
export type ThresholdSource = z.infer<typeof ThresholdSource>;

export const WaitsOverThresholdSignal = z.object({
  ...SignalBase,
  /** Jobs that started in the period, and those of them that waited longer than the threshold. */
  started: z.int().min(0),
  over: z.int().min(0),
  thresholdMs: z.number().min(0),
});
export type WaitsOverThresholdSignal = z.infer<typeof WaitsOverThresholdSignal>;

export const CAPACITY_FAILURE_CAUSES = ['timeout', 'limit-exceeded'] as const;
export const CapacityFailureCause = z.enum(CAPACITY_FAILURE_CAUSES);
export type CapacityFailureCause = z.infer<typeof CapacityFailureCause>;

export const FailureTrendSignal = z.object({
  ...SignalBase,
  cause: CapacityFailureCause,
  /** Failures per day of the period: 24-hour spans from its start, the last one possibly shorter. */
  perDay: z.array(z.object({ from: z.string(), count: z.int().min(0) })),
  total: z.int().min(0),
  recentDays: z.number().min(0),
  recentPerDay: z.number().min(0),
  /** Failures a day over the days before, as far as the cache's history reaches; null when it does not. */
  earlierDays: z.number().min(0),
  earlierPerDay: z.number().min(0).nullable(),
  increasing: z.boolean(),
});
export type FailureTrendSignal = z.infer<typeof FailureTrendSignal>;

export const QueueCapacity = z.object({
  clusterId: z.string(),
  type: z.string(),
  waiting: QueueWaitingSignal,
  waitsOverThreshold: WaitsOverThresholdSignal,
  timeouts: FailureTrendSignal,
  limitExceeded: FailureTrendSignal,
  /** Any of its signals says so. */
  moreCapacityNeeded: z.boolean(),
});
export type QueueCapacity = z.infer<typeof QueueCapacity>;

export const ClusterWaitThreshold = z.object({
  clusterId: z.string(),
  /** The wait time's warning boundary: a wait from here on is no longer good. */
  waitThresholdMs: z.number().min(0),
  /** Asked of the cluster now, its last answer kept in the cache, or the default (never heard). */
  source: ThresholdSource,
});
export type ClusterWaitThreshold = z.infer<typeof ClusterWaitThreshold>;

export const CapacitySignals = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number().min(0),
  /** False when no signal of any queue had the history it needs: the screens say so instead of zeros. */
  enoughHistory: z.boolean(),
  /** What the signals stand on, in words. */
  note: z.string(),
  thresholds: z.array(ClusterWaitThreshold),
  queues: z.array(QueueCapacity),
});
export type CapacitySignals = z.infer<typeof CapacitySignals>;

export const CAPACITY_ADMIN_API = {
  /** The capacity signals of each queue over the last days, from the cache (offline too). */
  getCapacitySignals: { args: z.tuple([CapacityRequest.default({ days: 7 })]), result: CapacitySignals },
} as const;

// ------------------------------------------------------------------ words

const CAUSE_WORDS: Record<CapacityFailureCause, [string, string]> = {
  timeout: ['timeout', 'timeouts'],
  'limit-exceeded': ['"limit exceeded" failure', '"limit exceeded" failures'],
};

/** A duration the way an admin says it: 45 s, 1 min, 2.5 min, 3 h. */
export function spokenDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round((ms / 60_000) * 10) / 10} min`;
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const perDay = (n: number) => (n === 0 ? '0' : n < 10 ? String(Math.round(n * 10) / 10) : String(Math.round(n)));
const daysWord = (d: number) => (d === 1 ? '1 day' : `${Math.round(d * 10) / 10} days`);

export function waitingSentence(type: string, s: Pick<QueueWaitingSignal, 'value' | 'hoursWaiting' | 'hoursCovered' | 'hoursPaused'>, days: number): string {
  const paused = s.hoursPaused > 0 ? `; ${s.hoursPaused} paused ${s.hoursPaused === 1 ? 'hour' : 'hours'} left out` : '';
  if (s.value === null) {
    return `${type}: not enough history to tell how often jobs waited (${s.hoursCovered} of the ${CAPACITY_RULES.minHours} hours needed${paused})`;
  }
  return `${type} queue had jobs waiting in ${percent(s.value)} of hours over ${daysWord(days)} (${s.hoursWaiting} of ${s.hoursCovered} hours${paused})`;
}

export function waitsSentence(type: string, s: Pick<WaitsOverThresholdSignal, 'value' | 'started' | 'over' | 'thresholdMs'>, days: number): string {
  if (s.value === null) {
    return `${type}: not enough history for waits (${s.started} started ${s.started === 1 ? 'job' : 'jobs'}, ${CAPACITY_RULES.minStartedJobs} needed)`;
  }
  return `${percent(s.value)} of ${s.started} ${type} jobs started over ${daysWord(days)} waited longer than ${spokenDuration(s.thresholdMs)} (the cluster's wait threshold)`;
}

export function failureTrendSentence(
  type: string,
  s: Pick<FailureTrendSignal, 'value' | 'cause' | 'total' | 'recentDays' | 'recentPerDay' | 'earlierDays' | 'earlierPerDay' | 'increasing'>,
  days: number,
): string {
  const [one, many] = CAUSE_WORDS[s.cause];
  if (s.value === null) return `${type}: not enough history to compare ${many} over time (the cache reaches back less than ${daysWord(s.recentDays + 1)})`;
  if (s.total === 0) return `${type}: no ${many} in ${daysWord(days)}`;
  const now = `${perDay(s.recentPerDay)} ${s.recentPerDay === 1 ? one : many} a day in the last ${daysWord(s.recentDays)}`;
  const before = `${perDay(s.earlierPerDay ?? 0)} a day in the ${daysWord(s.earlierDays)} before`;
  return `${type}: ${now}, against ${before} — ${s.increasing ? 'increasing' : 'not increasing'}`;
}
