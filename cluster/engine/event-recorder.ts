/**
 * EventRecorder: turns one queue's BullMQ event stream into cluster events and job-index updates.
 *
 * Every engine runs one per queue, so several run per cluster. Each processes the stream in order
 * and writes through `store.recordChange` with a dedup key per BullMQ event, so each event is
 * recorded exactly once whichever recorder gets there first; the row guard (`src`, the padded
 * BullMQ event id) keeps a slow recorder from moving a job backwards. On start a recorder resumes
 * from the cluster's last recorded position of its queue, so events that happened while no
 * recorder ran (BullMQ keeps the last ~10k per queue) are recorded too.
 *
 * Engine actions that BullMQ does not announce (priority changed, concurrency set, control
 * requests) are published into the same BullMQ stream as custom events (`sigmatiq.*`), so they
 * are ordered with everything else and reach every node, workers included.
 */
import type { IQueueBackend, Queue, QueueEvents } from 'bullmq';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { padSeq, type JobRowInput, type RecordChange } from '../datastore/shared-store.ts';
import { buildJobRow, cancelledRow, CANCELLED_PREFIX, progressReportOf } from './job-record.ts';

/** Custom event names we publish into BullMQ's per-queue event streams. */
export const CUSTOM_EVENTS = {
  /** A job changed in a way BullMQ does not announce; args: jobId, change. */
  jobChanged: 'sigmatiq.job-changed',
  /** A job was removed (BullMQ's PostgreSQL backend does not announce removals); args: jobId. */
  jobRemoved: 'sigmatiq.job-removed',
  /** A queue was paused/resumed or its desired concurrency changed; args: concurrency (optional). */
  queueChanged: 'sigmatiq.queue-changed',
  /** A running-job control request for worker nodes; args: jobId, command, reason. */
  control: 'sigmatiq.control',
} as const;

/** Max events kept in each BullMQ stream when we publish (BullMQ's own default is 10k). */
export const STREAM_MAX_EVENTS = 10_000;

const IGNORED = new Set(['error', 'drained', 'retries-exhausted', 'cleaned', 'duplicated', 'deduplicated', 'debounced', CUSTOM_EVENTS.control]);

/** BullMQ event ids as sortable strings: Redis `ms-seq`, PostgreSQL a bigint. */
export function streamPosition(id: string): string {
  const dash = id.indexOf('-');
  if (dash < 0) return padSeq(id, 20);
  return `${padSeq(id.slice(0, dash), 15)}-${padSeq(id.slice(dash + 1), 10)}`;
}

export interface RecorderContext {
  datastore: Datastore;
  queue: Queue;
  type: JobType;
  stuckAfterMs: number;
  /** Desired concurrency of the queue (for queue events). */
  concurrency(): Promise<number>;
  /** Called after each processed event with the job it touched, if any (in-process wake-ups). */
  onApplied(jobId: string | null): void;
  /** A job completed: release jobs that wait for it. */
  onCompleted(jobId: string): Promise<void>;
  /** A progress report was recorded: keep its resource sample. */
  onProgress(jobId: string, report: NonNullable<ReturnType<typeof progressReportOf>>): Promise<void>;
  onError(error: unknown): void;
}

export class EventRecorder {
  private events: QueueEvents<unknown, IQueueBackend, unknown> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly ctx: RecorderContext) {}

  async start(): Promise<void> {
    const { datastore, type } = this.ctx;
    const cursor = await datastore.store.recorderCursor(type);
    const { QueueEvents } = datastore.bullmq.classes;
    const events = new QueueEvents(type, {
      ...datastore.bullmq.options(),
      lastEventId: cursor === null ? '$' : rawPosition(cursor),
      blockingTimeout: 5_000,
      autorun: false,
    });
    events.on('error', (e: unknown) => this.ctx.onError(e));
    // Every stream entry, whatever its name: QueueEvents emits (name, args, id) for each.
    const emit = events.emit.bind(events) as (name: string, ...args: unknown[]) => boolean;
    (events as unknown as { emit: typeof emit }).emit = (name: string, ...args: unknown[]) => {
      const streamId = name === 'drained' ? undefined : (args[1] as string | undefined);
      if (!name.includes(':') && typeof streamId === 'string') {
        const payload = (args[0] ?? {}) as Record<string, unknown>;
        this.chain = this.chain.then(() => this.process(name, payload, streamId)).catch((e: unknown) => this.ctx.onError(e));
      }
      return emit(name, ...args);
    };
    this.events = events;
    await events.waitUntilReady();
    void events.run().catch((e: unknown) => {
      if (!this.closed) this.ctx.onError(e);
    });
  }

  /** Resolves when everything received so far has been processed. */
  idle(): Promise<void> {
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.events?.close().catch(() => undefined);
    await this.chain.catch(() => undefined);
  }

  private async process(name: string, args: Record<string, unknown>, streamId: string): Promise<void> {
    if (this.closed || IGNORED.has(name)) return;
    const { type } = this.ctx;
    const src = streamPosition(streamId);
    const base: Pick<RecordChange, 'src' | 'cursor' | 'at'> = {
      src,
      cursor: { queue: type, position: src },
      at: new Date().toISOString(),
    };
    const dedupKey = `bull:${type}:${streamId}`;
    if (name === 'paused' || name === 'resumed' || name === CUSTOM_EVENTS.queueChanged) {
      const paused = name === 'paused' ? true : name === 'resumed' ? false : await this.ctx.queue.isPaused();
      await this.ctx.datastore.store.recordChange({
        ...base,
        dedupKey,
        other: { kind: 'queue', at: base.at, type, paused, concurrency: await this.ctx.concurrency() },
      });
      this.ctx.onApplied(null);
      return;
    }
    const jobId = typeof args.jobId === 'string' ? args.jobId : null;
    if (jobId === null) return;
    if (name === 'removed' || name === CUSTOM_EVENTS.jobRemoved) {
      await this.recordRemoved(jobId, dedupKey, base);
      this.ctx.onApplied(jobId);
      return;
    }
    // Another recorder usually recorded it already: skip fetching the job then.
    if (name !== 'added' && (await this.ctx.datastore.store.hasRecorded(dedupKey))) {
      this.ctx.onApplied(jobId);
      if (name === 'completed') await this.ctx.onCompleted(jobId);
      return;
    }
    const row = await this.fetchRow(jobId);
    if (row === null) return; // gone already: its 'removed' event follows
    const change = name === CUSTOM_EVENTS.jobChanged && typeof args.change === 'string' ? args.change : name === 'failed' && row.base === 'cancelled' ? 'cancelled' : name;
    const key = name === 'added' ? addedKey(type, jobId, row.createdAt) : dedupKey;
    const result = await this.ctx.datastore.store.recordChange({ ...base, dedupKey: key, job: { row, change } });
    this.ctx.onApplied(jobId);
    if (name === 'completed') await this.ctx.onCompleted(jobId);
    if (name === 'progress' && result.eventId !== null) {
      const report = progressReportOf(args.data);
      if (report) await this.ctx.onProgress(jobId, report);
    }
  }

  private async recordRemoved(jobId: string, dedupKey: string, base: Pick<RecordChange, 'src' | 'cursor' | 'at'>): Promise<void> {
    const store = this.ctx.datastore.store;
    const row = await store.getRow(jobId);
    // Nothing indexed, another queue's job with that id, or kept on purpose (detached): nothing to do.
    if (!row || row.type !== this.ctx.type || row.detached) return;
    // Re-added since (a retry after cancel): this removal is history.
    if (await this.ctx.queue.getJob(jobId)) return;
    if (row.cancelIntent) {
      // Cancelled while pending: BullMQ forgot it, we keep it as cancelled (retryable).
      const reason = row.cancelIntent.reason;
      const cancelled = cancelledRow(row, reason.startsWith(CANCELLED_PREFIX) ? reason.slice(CANCELLED_PREFIX.length).trim() : reason, Date.now());
      await store.recordChange({ ...base, dedupKey, job: { row: cancelled, change: 'cancelled' } });
      await store.setCancelIntent(jobId, null);
      return;
    }
    await store.recordChange({ ...base, dedupKey, removed: { id: jobId, type: this.ctx.type } });
  }

  /** The job's current row from BullMQ, or null when it no longer exists. */
  async fetchRow(jobId: string): Promise<JobRowInput | null> {
    const job = await this.ctx.queue.getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    return buildJobRow({ job, type: this.ctx.type, bullState: state, now: Date.now(), stuckAfterMs: this.ctx.stuckAfterMs });
  }
}

/** The dedup key of a job's `added` change: the engine's submit and every recorder use the same one. */
export function addedKey(type: JobType, jobId: string, timestamp: number): string {
  return `added:${type}:${jobId}:${timestamp}`;
}

/** Back from a sortable position to BullMQ's id form. */
export function rawPosition(position: string): string {
  const dash = position.indexOf('-');
  if (dash < 0) return String(BigInt(position));
  return `${BigInt(position.slice(0, dash))}-${BigInt(position.slice(dash + 1))}`;
}

export { JOB_TYPES };
