/**
 * Queue metrics, the dashboard summary, worker nodes and system resource samples.
 * Every metric that has a threshold travels with its level, computed by `levelOf`.
 */
import { z } from 'zod';
import { JOB_STATES, type JobState, JobType } from './domain.ts';
import { Instant } from './jobs.ts';
import { QueueLoad } from './load.ts';
import { Level } from './thresholds.ts';

/** A reading with its threshold level; `value` is null when there is nothing to measure yet. */
export const Reading = z.object({ value: z.number().nullable(), level: Level });
export type Reading = z.infer<typeof Reading>;

export const StateCounts = z.object(
  Object.fromEntries(JOB_STATES.map((s) => [s, z.int().min(0)])) as Record<JobState, z.ZodInt>,
);
export type StateCounts = z.infer<typeof StateCounts>;

/** Zero jobs in every state: the start of any count by state. */
export function emptyStateCounts(): StateCounts {
  return Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StateCounts;
}

/**
 * What lets readings of several queues or clusters be combined (weighted by job counts rather
 * than taking one of them). Optional: clusters of older versions do not send them.
 */
const WaitAndWindowCounts = {
  /** Age of the oldest job ready to run and still waiting (the queue's latency); null when none waits. */
  oldestWaitingMs: z.number().min(0).nullable().optional(),
  /** Completed + failed jobs in the metrics window (the failure rate's denominator). */
  finishedInWindow: z.int().min(0).optional(),
  /** Failed jobs in the metrics window. */
  failedInWindow: z.int().min(0).optional(),
  /** How many waits the wait time percentiles are computed over. */
  waitSampleCount: z.int().min(0).optional(),
  /** The wait time distribution as 21 quantiles (0th, 5th, … 100th percentile), for combining. */
  waitQuantilesMs: z.array(z.number().min(0)).max(101).optional(),
};

/** One queue (one job type): counts, control state and the four queue metrics (length, wait, rate, failures). */
export const QueueMetrics = z.object({
  type: JobType,
  paused: z.boolean(),
  concurrency: z.int().min(1),
  counts: StateCounts,
  /** Pending jobs. */
  queueLength: Reading,
  /**
   * Pending jobs that can start now: not scheduled for later (runAt), not waiting for jobs they
   * depend on or for a sweep's children. The processing rate is rated against these only.
   */
  readyCount: z.int().min(0),
  /**
   * Wait time percentiles over the jobs waiting now (their age so far) and the jobs that started
   * recently (their wait until starting), so they rise while jobs wait and fall once they start.
   */
  waitTimeP50Ms: Reading,
  waitTimeP95Ms: Reading,
  /** Jobs finished per minute over the metrics window. */
  processingRatePerMin: Reading,
  /** Failed ÷ finished over the metrics window, 0..1. */
  failureRate: Reading,
  /** The window those rates cover. */
  windowMs: z.int().min(1),
  ...WaitAndWindowCounts,
  /** Whether the backlog grows or drains, by when it clears, predicted waits. Optional: older clusters do not send it. */
  load: QueueLoad.optional(),
});
export type QueueMetrics = z.infer<typeof QueueMetrics>;

/** The dashboard's top row and queue metrics for a whole cluster. */
export const Summary = z.object({
  at: Instant,
  total: z.int().min(0),
  counts: StateCounts,
  /** Completed ÷ (completed + failed), 0..1; null before anything finished. */
  successRate: z.number().min(0).max(1).nullable(),
  queues: z.array(QueueMetrics),
  /** Cluster-wide metrics: sums and worst levels over the queues. */
  queueLength: Reading,
  waitTimeP95Ms: Reading,
  processingRatePerMin: Reading,
  failureRate: Reading,
  /** Jobs ready to run in queues that are not paused: with none, the processing rate is idle, not low. */
  backlog: z.int().min(0).optional(),
  ...WaitAndWindowCounts,
});
export type Summary = z.infer<typeof Summary>;

export const WorkerStatus = z.enum(['online', 'lost']);

/** A worker node (one process running BullMQ workers for some queues). */
export const WorkerNode = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.int(),
  queues: z.array(JobType),
  concurrency: z.record(z.string(), z.int().min(0)),
  runningJobs: z.array(z.string()),
  startedAt: Instant,
  lastHeartbeatAt: Instant,
  status: WorkerStatus,
  cpuPercent: z.number().min(0).nullable(),
  rssBytes: z.number().min(0).nullable(),
});
export type WorkerNode = z.infer<typeof WorkerNode>;

/** One system sample of a node: utilisation in percent, with levels. */
export const ResourceSample = z.object({
  nodeId: z.string(),
  host: z.string(),
  at: Instant,
  cpuPercent: z.number().min(0).max(100),
  memoryPercent: z.number().min(0).max(100),
  /** Disk busy time in percent of the sample interval (or throughput vs capacity where unavailable). */
  diskIoPercent: z.number().min(0).max(100),
  /** Network throughput in percent of the link speed. */
  networkPercent: z.number().min(0).max(100),
  memoryUsedBytes: z.number().min(0).optional(),
  memoryTotalBytes: z.number().min(0).optional(),
  diskReadBytesPerSec: z.number().min(0).optional(),
  diskWriteBytesPerSec: z.number().min(0).optional(),
  netRxBytesPerSec: z.number().min(0).optional(),
  netTxBytesPerSec: z.number().min(0).optional(),
  /** Readings the node could not take (their percent is 0, not a measurement), e.g. network without a known link speed. */
  unavailable: z.array(z.enum(['cpu', 'memory', 'diskIo', 'network'])).optional(),
});
export type ResourceSample = z.infer<typeof ResourceSample>;
