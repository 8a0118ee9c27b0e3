/**
 * Cluster events, as streamed on `GET /api/v1/events` (SSE). Every event has an id that increases
 * across the whole cluster (it comes from the datastore, not from one API process), so a client
 * that reconnects with `Last-Event-ID` gets exactly what it missed. When the id is older than what
 * the cluster retains, the stream starts with a `reset` event and the client must resync from
 * `/api/v1/history` — never a silent gap.
 */
import { z } from 'zod';
import { Alert } from './alerts.ts';
import { JobType } from './domain.ts';
import { Instant, Job, JobId, JobResult } from './jobs.ts';

/**
 * Event ids are decimal strings of a non-negative integer, compared numerically.
 * (Datastores yield them as bigints; strings keep them exact in JSON.)
 */
export const EventId = z.string().regex(/^\d{1,30}$/, 'an event id: a decimal number');
export type EventId = z.infer<typeof EventId>;

export function compareEventIds(a: EventId, b: EventId): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const base = { id: EventId, at: Instant };

/** A job changed (created, progressed, moved state, priority changed, …); carries the new record. */
export const JobChangedEvent = z.object({
  ...base,
  kind: z.literal('job'),
  /** What happened, for logs and notifications: "added", "progress", "completed", "failed", … */
  change: z.string().max(50),
  job: Job,
});
/** A job was deleted. */
export const JobRemovedEvent = z.object({ ...base, kind: z.literal('job-removed'), jobId: JobId, type: JobType });
/** A queue was paused/resumed or its concurrency changed. */
export const QueueChangedEvent = z.object({
  ...base,
  kind: z.literal('queue'),
  type: JobType,
  paused: z.boolean(),
  concurrency: z.int().min(1),
});
/** A worker node came, went or was lost. */
export const WorkerChangedEvent = z.object({
  ...base,
  kind: z.literal('worker'),
  workerId: z.string(),
  status: z.enum(['online', 'lost', 'stopped']),
});
/**
 * An alert changed state: it started firing, it resolved, or someone acknowledged it. Carries the
 * alert as `GET /api/v1/alerts` lists it, so a client can update its copy without asking.
 */
export const ALERT_EVENT_KINDS = ['alert.firing', 'alert.resolved', 'alert.acknowledged'] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
const alertEvent = <K extends AlertEventKind>(kind: K) => z.object({ ...base, kind: z.literal(kind), alert: Alert });
export const AlertFiringEvent = alertEvent('alert.firing');
export const AlertResolvedEvent = alertEvent('alert.resolved');
export const AlertAcknowledgedEvent = alertEvent('alert.acknowledged');
/** The client's Last-Event-ID is older than the retained events: resync from /api/v1/history. */
export const ResetEvent = z.object({ ...base, kind: z.literal('reset'), reason: z.string() });

export const ClusterEvent = z.discriminatedUnion('kind', [
  JobChangedEvent,
  JobRemovedEvent,
  QueueChangedEvent,
  WorkerChangedEvent,
  AlertFiringEvent,
  AlertResolvedEvent,
  AlertAcknowledgedEvent,
  ResetEvent,
]);
export type ClusterEvent = z.infer<typeof ClusterEvent>;

/** The part of a finished job's detail that failure patterns and reports need, as history pages carry it. */
export const FinishedJobDetail = z.object({
  id: JobId,
  /** The `updatedAt` of the record these belong to. */
  updatedAt: Instant,
  config: z.record(z.string(), z.unknown()),
  errorStack: z.string().max(100_000).nullable(),
  result: JobResult.nullable(),
});
export type FinishedJobDetail = z.infer<typeof FinishedJobDetail>;

/** `GET /api/v1/history?after=CURSOR&limit=N`: job records changed after a cursor, oldest first. */
export const HistoryPage = z.object({
  items: z.array(Job),
  /** Ids of jobs deleted after the cursor. */
  removed: z.array(z.object({ id: JobId, type: JobType })),
  /** Pass as `after` to continue; equals the input when nothing changed. */
  cursor: z.string().max(200),
  /** The event id current when this page was read: replay events after it to stay in sync. */
  eventId: EventId,
  hasMore: z.boolean(),
  /**
   * What the job detail adds to the page's finished (completed or failed) records, for the ones
   * the cluster still keeps: config, the stack of each attempt and the result. A desktop pulling
   * a big cluster gets every failure complete in the same pass instead of one detail read per job.
   */
  details: z.array(FinishedJobDetail).optional(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
