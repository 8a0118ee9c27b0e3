/**
 * The numbers a failure group's row and page show, from its failed jobs: how many, who and what
 * they hit, when first and last, an hourly trend, and two flags — "new" (first seen within the
 * last 24 hours) and "spiking" (the last hour, or the last 6 hours, far above the group's usual
 * rate before that).
 */

/** One failed job of the group as the stats need it. */
export interface GroupFailure {
  jobId: string;
  jobType: string;
  user: string;
  clusterId: string;
  /** Epoch ms. */
  failedAt: number;
}

export interface CountBy {
  value: string;
  count: number;
}

export interface GroupStats {
  count: number;
  users: CountBy[];
  jobTypes: CountBy[];
  clusters: CountBy[];
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  /** Failures per hour, oldest first; the last bucket ends at `now`. */
  hourly: number[];
  isNew: boolean;
  isSpiking: boolean;
  /** The latest failures, newest first. */
  latest: GroupFailure[];
}

export interface GroupStatsOptions {
  now: number;
  trendHours: number;
  /** Hours before the recent window that set the usual rate. */
  baselineHours: number;
  /** The recent rate must be this many times the usual one… */
  spikeFactor: number;
  /** …and at least this many failures in the last hour (or 2× this in the last 6 hours). */
  spikeMinCount: number;
  latestCount: number;
}

const HOUR = 3_600_000;
export const NEW_GROUP_MS = 24 * HOUR;

export const DEFAULT_GROUP_STATS_OPTIONS: Omit<GroupStatsOptions, 'now'> = {
  trendHours: 72,
  baselineHours: 66,
  spikeFactor: 3,
  spikeMinCount: 5,
  latestCount: 10,
};

function countBy(failures: readonly GroupFailure[], key: (f: GroupFailure) => string): CountBy[] {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Failures per hour in the `hours` hours ending at `now`, oldest first. */
export function hourlyTrend(times: readonly number[], now: number, hours: number): number[] {
  const buckets = new Array<number>(hours).fill(0);
  const start = now - hours * HOUR;
  for (const t of times) {
    if (t <= start || t > now) continue;
    const index = Math.min(hours - 1, Math.floor((t - start) / HOUR));
    buckets[index]!++;
  }
  return buckets;
}

/**
 * Spiking: the last hour holds ≥ `spikeMinCount` failures and `spikeFactor` × the usual hourly
 * rate, or the last 6 hours hold ≥ 2 × `spikeMinCount` and `spikeFactor` × the usual 6-hour rate.
 * The usual rate is the `baselineHours` before those 6 hours.
 */
export function isSpiking(times: readonly number[], options: Pick<GroupStatsOptions, 'now' | 'baselineHours' | 'spikeFactor' | 'spikeMinCount'>): boolean {
  const { now, baselineHours, spikeFactor, spikeMinCount } = options;
  let lastHour = 0;
  let last6 = 0;
  let before = 0;
  for (const t of times) {
    if (t > now) continue;
    if (t > now - HOUR) lastHour++;
    if (t > now - 6 * HOUR) last6++;
    else if (t > now - (6 + baselineHours) * HOUR) before++;
  }
  const perHour = before / baselineHours;
  return (lastHour >= spikeMinCount && lastHour >= spikeFactor * perHour) || (last6 >= 2 * spikeMinCount && last6 >= spikeFactor * 6 * perHour);
}

export function groupStats(failures: readonly GroupFailure[], options: Partial<GroupStatsOptions> & { now: number }): GroupStats {
  const o = { ...DEFAULT_GROUP_STATS_OPTIONS, ...options };
  const times = failures.map((f) => f.failedAt);
  const firstSeenAt = times.length ? Math.min(...times) : null;
  const lastSeenAt = times.length ? Math.max(...times) : null;
  return {
    count: failures.length,
    users: countBy(failures, (f) => f.user),
    jobTypes: countBy(failures, (f) => f.jobType),
    clusters: countBy(failures, (f) => f.clusterId),
    firstSeenAt,
    lastSeenAt,
    hourly: hourlyTrend(times, o.now, o.trendHours),
    isNew: firstSeenAt !== null && o.now - firstSeenAt < NEW_GROUP_MS,
    isSpiking: isSpiking(times, o),
    latest: [...failures].sort((a, b) => b.failedAt - a.failedAt || a.jobId.localeCompare(b.jobId)).slice(0, o.latestCount),
  };
}

/**
 * `isSpiking` over hourly counts (oldest first, the last bucket being the current hour), for
 * groups whose failures are kept as counts per hour rather than one time each.
 */
export function isSpikingHourly(hourly: readonly number[], options: Pick<GroupStatsOptions, 'spikeFactor' | 'spikeMinCount'> = DEFAULT_GROUP_STATS_OPTIONS): boolean {
  const n = hourly.length;
  if (n < 7) return false;
  const lastHour = hourly[n - 1]!;
  const last6 = hourly.slice(n - 6).reduce((a, b) => a + b, 0);
  const before = hourly.slice(0, n - 6).reduce((a, b) => a + b, 0);
  const perHour = before / (n - 6);
  const { spikeFactor, spikeMinCount } = options;
  return (lastHour >= spikeMinCount && lastHour >= spikeFactor * perHour) || (last6 >= 2 * spikeMinCount && last6 >= spikeFactor * 6 * perHour);
}
