/**
 * Job records as the cluster API serves them and the desktop caches them.
 * `Job` is the row shown in tables; `JobDetail` adds what the detail view needs.
 */
import { z } from 'zod';
import { JobState, JobType, Priority } from './domain.ts';

/** ISO 8601 instant with offset, e.g. `2026-11-28T15:04:05.000Z`. */
export const Instant = z.iso.datetime({ offset: true });

/** Job ids are BullMQ ids: printable, no slashes or whitespace, bounded. */
export const JobId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'a job id: letters, digits and . _ : - only');
export type JobId = z.infer<typeof JobId>;

/** Who started a job: a Sigmatiq user name. */
export const UserName = z
  .string()
  .min(1, 'a user name')
  .max(100)
  .regex(/^[\w.@+-]+$/, 'a user name: letters, digits and . _ @ + - only');

/** A progress report: a handler works through `stepCount` named steps. */
export const JobProgress = z.object({
  percent: z.number().min(0).max(100),
  step: z.string().max(200),
  stepIndex: z.int().min(0),
  stepCount: z.int().min(1),
  message: z.string().max(2000).default(''),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** The row every job table shows. */
export const Job = z.object({
  id: JobId,
  type: JobType,
  state: JobState,
  priority: Priority,
  user: UserName,
  createdAt: Instant,
  startedAt: Instant.nullable(),
  finishedAt: Instant.nullable(),
  /** finishedAt − startedAt, when both are known. */
  durationMs: z.int().min(0).nullable(),
  /** Attempts made so far (0 until it first runs) and allowed in all. */
  attempts: z.int().min(0),
  maxAttempts: z.int().min(1),
  progress: JobProgress.nullable(),
  /** Place in line among pending jobs of its queue, 1 = next to run. Present only when pending. */
  position: z.int().min(1).optional(),
  /** Estimated completion (running jobs) from the progress rate and past durations of its type. */
  eta: Instant.nullable().optional(),
  /** When a pending job may start at the earliest (delayed/scheduled submissions). */
  runAt: Instant.nullable().optional(),
  /**
   * The wait in ms the cluster predicted for it when it was queued (its queue's load model), scored
   * against the wait it had in its queue's `load.forecastError`; null when none was made (a paused
   * queue, no worker node, too little history, a job scheduled for later or held for others).
   */
  predictedWaitMs: z.number().min(0).nullable().optional(),
  /** Last progress report time; a running job whose last progress is too old is `stuck`. */
  lastProgressAt: Instant.nullable().optional(),
  /**
   * What the job's process used, as of its last progress report: CPU in % of one core (mean since
   * the job started) and the peak resident memory. Null before any report, or from workers that
   * do not measure it.
   */
  usage: z.object({ cpuPercent: z.number().min(0), peakRssBytes: z.number().min(0) }).nullable().optional(),
  errorMessage: z.string().max(10_000).nullable(),
  /** Parent (a sweep) and the jobs this one waits for. */
  parentId: JobId.nullable().optional(),
  /** Worker node running it (running/paused/stuck), or the one it ran on (finished); none while pending. */
  workerId: z.string().max(200).nullable().optional(),
  /** Its worker node stopped heartbeating: the job waits for the cluster to take it back and rerun it. */
  workerLost: z.boolean().optional(),
  /** Server time this record last changed, for sync ordering. */
  updatedAt: Instant,
});
export type Job = z.infer<typeof Job>;

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);
export const LogLine = z.object({
  /** 0-based line number within the job's log. */
  seq: z.int().min(0),
  at: Instant,
  level: LogLevel,
  message: z.string().max(10_000),
});
export type LogLine = z.infer<typeof LogLine>;

export const JobOutput = z.object({
  name: z.string(),
  /** Where the file is on the cluster (absolute path or URL). */
  location: z.string(),
  bytes: z.int().min(0).optional(),
  kind: z.string().optional(),
});
export type JobOutput = z.infer<typeof JobOutput>;

/**
 * The name of one of a job's output files, as `GET /api/v1/jobs/:id/files/:name` takes it: a plain
 * file name in the job's output folder — no folders, so no way out of that folder.
 */
export const JobFileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/, 'a file name: letters, digits and . _ - only, not starting with a dot (no folders)');

export const MetricValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** A finished job's result: files it wrote, metrics it computed, and what to do next. */
export const JobResult = z.object({
  outputs: z.array(JobOutput),
  metrics: z.record(z.string(), MetricValue),
  nextSteps: z.array(z.string()),
  /** Optional tabular result (e.g. a sweep's ranked parameter sets). */
  table: z
    .object({ columns: z.array(z.string()), rows: z.array(z.array(MetricValue)) })
    .optional(),
});
export type JobResult = z.infer<typeof JobResult>;

export const ResourcePoint = z.object({
  at: Instant,
  cpuPercent: z.number().min(0),
  rssBytes: z.number().min(0),
});
export const JobResources = z.object({
  cpuPercent: z.number().min(0).nullable(),
  rssBytes: z.number().min(0).nullable(),
  peakRssBytes: z.number().min(0).nullable(),
  samples: z.array(ResourcePoint),
});
export type JobResources = z.infer<typeof JobResources>;

export const StepStatus = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export const JobStep = z.object({
  index: z.int().min(0),
  name: z.string(),
  status: StepStatus,
});
export type JobStep = z.infer<typeof JobStep>;

/** Everything the Job detail view shows: overview, configuration, progress, results. */
export const JobDetail = Job.extend({
  config: z.record(z.string(), z.unknown()),
  steps: z.array(JobStep),
  logsTail: z.array(LogLine),
  logCount: z.int().min(0),
  errorStack: z.string().max(100_000).nullable(),
  result: JobResult.nullable(),
  resources: JobResources,
  children: z.array(Job),
  dependsOn: z.array(JobId),
  /** Why it was cancelled ("force stopped", "cancelled by alice"), when cancelled. */
  cancelReason: z.string().nullable().optional(),
});
export type JobDetail = z.infer<typeof JobDetail>;

export const LogPage = z.object({
  items: z.array(LogLine),
  total: z.int().min(0),
  nextOffset: z.int().min(0).nullable(),
});
export type LogPage = z.infer<typeof LogPage>;
