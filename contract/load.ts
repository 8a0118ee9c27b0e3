/**
 * The load model of a queue as the cluster reports it: whether its backlog grows or drains, by
 * when it clears, the wait a job entering now can expect, and the concurrency that would keep the
 * 95th percentile wait under a target. Numbers are null where there is not enough history to say.
 */
import { z } from 'zod';

export const LOAD_STATUSES = ['idle', 'draining', 'growing', 'insufficient-data'] as const;
export const LoadStatus = z.enum(LOAD_STATUSES);
export type LoadStatus = z.infer<typeof LoadStatus>;

/** The default target for the 95th percentile wait: one minute, where a wait still reads "good". */
export const DEFAULT_WAIT_TARGET_MS = 60_000;

/**
 * How the cluster's own wait predictions fared: for recently started jobs of the queue (the last
 * hour, up to the 500 latest), the wait predicted when each was queued against the wait it had.
 */
export const ForecastError = z.object({
  /** Started jobs that had a prediction. */
  samples: z.int().min(0),
  /** Median and 90th percentile of |actual wait − predicted wait|. */
  medianMs: z.number().min(0),
  p90Ms: z.number().min(0),
  /** Median of (actual − predicted): above zero, jobs waited longer than predicted. */
  biasMs: z.number(),
  /** Median wait the jobs had, to read the error against. */
  medianWaitMs: z.number().min(0),
  /**
   * The predictions have a poor record: the median error is over 30% of the median wait and over
   * 10 s (an error an admin would act on). Shown as a flag next to the forecasts.
   */
  poor: z.boolean(),
});
export type ForecastError = z.infer<typeof ForecastError>;

export const QueueLoad = z.object({
  /**
   * `idle`: nothing waits; `draining`: the backlog shrinks and clears in `drainSeconds`;
   * `growing`: it will not drain at the current rates (or the queue is paused with jobs waiting);
   * `insufficient-data`: too few finished jobs to know how long one takes.
   */
  status: LoadStatus,
  /** Jobs added per minute (last 15 minutes). */
  arrivalPerMin: z.number().min(0).nullable(),
  /** Jobs finished per minute (last 15 minutes). */
  completionPerMin: z.number().min(0).nullable(),
  /** Net change of the backlog per minute over the last 15 minutes and hour (added − finished). */
  growthPerMin: z.number().nullable(),
  growthPerMinHour: z.number().nullable(),
  /** Offered load ÷ capacity (λ·S / c); above 1 the queue cannot keep up. */
  utilisation: z.number().min(0).nullable(),
  /** Workers busy with this queue's jobs now and the concurrency they may use. */
  busy: z.int().min(0),
  concurrency: z.int().min(0),
  /** Jobs waiting ahead of a new job of normal priority. */
  backlog: z.int().min(0),
  /** Mean run time and its squared coefficient of variation (from recent finished jobs). */
  meanRunMs: z.number().min(0).nullable(),
  runTimeScv: z.number().min(0).nullable(),
  /** Finished jobs the run time statistics stand on. */
  runSamples: z.int().min(0),
  /** Seconds until the backlog is empty at current rates; null when it will not drain or unknown. */
  drainSeconds: z.number().min(0).nullable(),
  /** Expected wait and its 95th percentile for a job of normal priority entering now. */
  predictedWaitMs: z.number().min(0).nullable(),
  predictedWaitP95Ms: z.number().min(0).nullable(),
  /** The smallest concurrency keeping the 95th percentile wait under `waitTargetMs`. */
  recommendedConcurrency: z.int().min(1).nullable(),
  waitTargetMs: z.number().min(0),
  /**
   * The record of this queue's wait predictions; null with fewer than 5 started jobs that had one.
   * Absent from clusters that do not keep score.
   */
  forecastError: ForecastError.nullable().optional(),
});
export type QueueLoad = z.infer<typeof QueueLoad>;

/** The answer of a what-if: the same queue with another concurrency. */
export const LoadWhatIf = z.object({
  concurrency: z.int().min(1),
  status: LoadStatus,
  drainSeconds: z.number().min(0).nullable(),
  predictedWaitMs: z.number().min(0).nullable(),
  predictedWaitP95Ms: z.number().min(0).nullable(),
  utilisation: z.number().min(0).nullable(),
});
export type LoadWhatIf = z.infer<typeof LoadWhatIf>;

/** One point of the backlog forecast: the expected backlog and a 90% band, `minutes` from now. */
export const BacklogForecastPoint = z.object({
  minutes: z.number().min(0),
  expected: z.number().min(0),
  low: z.number().min(0),
  high: z.number().min(0),
});
export type BacklogForecastPoint = z.infer<typeof BacklogForecastPoint>;

/** Words for a load status, as the Queues screen and the dashboard say it. */
export function describeLoad(load: Pick<QueueLoad, 'status' | 'drainSeconds'>, paused = false): string {
  switch (load.status) {
    case 'idle':
      return 'Idle';
    case 'insufficient-data':
      return 'Not enough data';
    case 'growing':
      return paused ? 'Paused: will not drain' : 'Growing: will not drain';
    case 'draining':
      return load.drainSeconds === null ? 'Draining' : `Clears in ${formatDrain(load.drainSeconds)}`;
  }
}

function formatDrain(seconds: number): string {
  if (seconds < 60) return '< 1 min';
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `~${minutes} min`;
  const hours = seconds / 3600;
  if (hours < 48) return `~${Math.round(hours)} h`;
  return `~${Math.round(hours / 24)} days`;
}

/**
 * `GET /api/v1/queues/:type/load` query: the concurrency to try (the range set-concurrency takes,
 * so a what-if can be applied as it is) and the 95th percentile wait target in ms.
 */
export const QueueLoadQuery = z.strictObject({
  concurrency: z.coerce
    .number({ error: 'a whole number of jobs at once, 1 to 1000, e.g. ?concurrency=4' })
    .int('a whole number of jobs at once, 1 to 1000, e.g. ?concurrency=4')
    .min(1, 'at least 1 job at once')
    .max(1000, 'at most 1000 jobs at once (the most set-concurrency takes)')
    .optional(),
  targetMs: z.coerce
    .number({ error: 'the 95th percentile wait target in milliseconds, e.g. ?targetMs=60000' })
    .int('a whole number of milliseconds, e.g. ?targetMs=60000')
    .min(1000, 'at least 1000 (one second)')
    .max(86_400_000, 'at most 86400000 (one day)')
    .optional(),
});
export type QueueLoadQuery = z.infer<typeof QueueLoadQuery>;

/** One queue's load with a what-if for the concurrency asked (null when none was) and the backlog forecast for the next hour. */
export const QueueLoadReport = z.object({
  load: QueueLoad,
  whatIf: LoadWhatIf.nullable(),
  /** Null when run times are unknown while the queue runs: the backlog cannot be projected. */
  forecast: z.array(BacklogForecastPoint).nullable(),
});
export type QueueLoadReport = z.infer<typeof QueueLoadReport>;
