/**
 * The AdminApi methods of the Failures screens (spread into ADMIN_API by admin-api.ts): failure
 * patterns read from the cache (offline too), merging two patterns, and group actions that go
 * through the cluster's bulk action with exactly the group's jobs. admin-api.ts imports this file,
 * so the few shapes it shares with it (cluster ids, job pages, exports) are declared here again.
 */
import { z } from 'zod';
import { ActionResult } from './api.ts';
import { JobType } from './domain.ts';
import { FailureGroupDetail, FailureGroupId, FailureGroupPage, FailureGroupRow, FailurePeriod } from './failures.ts';
import { Instant, Job, JobId, UserName } from './jobs.ts';

/** A cluster id as the desktop names clusters (the same rule as admin-api.ts's ClusterId). */
const FailureClusterId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a cluster id: lower-case letters, digits and -');

/** The Failures screen's filter: clusters, job types, users and how far back. */
export const FailureGroupQuery = z.strictObject({
  clusterIds: z.array(FailureClusterId).min(1).optional(),
  types: z.array(JobType).min(1).optional(),
  users: z.array(UserName).min(1).max(100).optional(),
  period: FailurePeriod.default('7d'),
  limit: z.int().min(1).max(500).default(100),
});
export type FailureGroupQuery = z.input<typeof FailureGroupQuery>;

/** A group action first runs as a dry run (how many jobs it would touch), then for real. */
export const FailureGroupActionRequest = z.strictObject({ dryRun: z.boolean().default(true) });

/** What a group action did, per cluster (a cluster that could not be asked says why). */
export const FailureGroupActionResult = z.object({
  action: z.enum(['retry', 'cancel']),
  dryRun: z.boolean(),
  matched: z.int().min(0),
  ok: z.int().min(0),
  skipped: z.int().min(0),
  failed: z.int().min(0),
  clusters: z.array(
    z.object({
      clusterId: FailureClusterId,
      matched: z.int().min(0),
      ok: z.int().min(0),
      skipped: z.int().min(0),
      failed: z.int().min(0),
      results: z.array(ActionResult),
      /** The cluster could not be asked: why, in words. */
      error: z.string().nullable(),
    }),
  ),
});
export type FailureGroupActionResult = z.infer<typeof FailureGroupActionResult>;

export const FailureGroupJobsQuery = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.int().min(1).max(1000).default(100),
});

/** A page of a group's failed jobs, shaped like admin-api.ts's CachedJobPage. */
export const FailureGroupJobPage = z.object({
  items: z.array(Job.extend({ clusterId: FailureClusterId })),
  nextCursor: z.string().nullable(),
  total: z.int().min(0),
  syncedAt: Instant.nullable(),
});

/** A group's jobs as a file, shaped like admin-api.ts's ExportResult. */
const FailureExport = z.object({ filename: z.string(), mimeType: z.string(), content: z.string(), rows: z.int() });

export const FAILURE_ADMIN_API = {
  /** Failure patterns from the cache (offline too): groups within the filter, most failures first. */
  listFailureGroups: { args: z.tuple([FailureGroupQuery.prefault({})]), result: FailureGroupPage },
  getFailureGroup: { args: z.tuple([FailureGroupId]), result: FailureGroupDetail },
  /** A group's failed jobs (newest failure first), as the job tables show them. */
  queryFailureGroupJobs: { args: z.tuple([FailureGroupId, FailureGroupJobsQuery.prefault({})]), result: FailureGroupJobPage },
  /** The group a failed job was put in, or null. */
  getJobFailureGroup: { args: z.tuple([FailureClusterId, JobId]), result: FailureGroupRow.nullable() },
  /** Make the first group part of the second (two templates, one problem); holds for later failures. */
  mergeFailureGroups: { args: z.tuple([FailureGroupId, FailureGroupId]), result: FailureGroupRow },
  /** Retry the group's failed jobs on their clusters (a dry run counts them). */
  retryFailureGroup: { args: z.tuple([FailureGroupId, FailureGroupActionRequest.prefault({})]), result: FailureGroupActionResult },
  /** Cancel the group's jobs that wait to run again (retried, not started yet). */
  cancelFailureGroupPending: { args: z.tuple([FailureGroupId, FailureGroupActionRequest.prefault({})]), result: FailureGroupActionResult },
  exportFailureGroup: { args: z.tuple([FailureGroupId, z.enum(['csv', 'json'])]), result: FailureExport },
} as const;
