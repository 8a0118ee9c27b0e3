/**
 * What the engine's parts share: the datastore, one BullMQ Queue per job type, the recorders, the
 * settings of this engine, and small helpers (present a row, find a job's queue, wait until the
 * local recorder has applied a change).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Queue } from 'bullmq';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { Job } from '../../contract/jobs.ts';
import type { Thresholds } from '../../contract/thresholds.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { JobRow, SharedStore } from '../datastore/shared-store.ts';
import { CUSTOM_EVENTS, STREAM_MAX_EVENTS, type EventRecorder } from './event-recorder.ts';
import { lostNodeIds } from './worker-nodes.ts';
import { presentRow } from './job-record.ts';

export interface EngineSettings {
  name: string;
  stuckAfterMs: number;
  /** The cluster's thresholds (stored in the datastore, kept briefly per node: threshold-cache.ts). */
  thresholds: () => Promise<Thresholds>;
  /** Window of the rates and wait-time percentiles. */
  metricsWindowMs: number;
  /** Concurrency per queue until an admin sets one. */
  defaultConcurrency: number;
  /** This node runs workers, which serve running-job control (stop, force-stop, pause, resume). */
  runningJobControl: boolean;
}

export class EngineContext {
  readonly store: SharedStore;
  /** Median running time of recent completed jobs per type (typical-durations.ts), for ETAs. */
  readonly typicalDurations = new Map<JobType, number>();
  private readonly applied = new EventEmitter();
  /**
   * Jobs this node added and is recording as `added` itself, with their creation times, until their
   * queue's recorder meets their `added` event (which then needs no read of the job, and once the
   * submit has recorded it, no check either). Bounded: a job evicted unseen is read and
   * deduplicated by the recorder as any other node's would be.
   */
  private readonly submitted = new Map<string, SubmittedJob>();

  constructor(
    readonly datastore: Datastore,
    readonly queues: Map<JobType, Queue>,
    readonly recorders: Map<JobType, EventRecorder>,
    readonly settings: EngineSettings,
  ) {
    this.store = datastore.store;
    this.applied.setMaxListeners(0);
  }

  queue(type: JobType): Queue {
    return this.queues.get(type)!;
  }

  /** The job record as shown now (derived state, ETA, position when given). */
  present(row: JobRow, position?: number, lostNodes?: ReadonlySet<string>): Job {
    return presentRow(row, Date.now(), this.settings.stuckAfterMs, position, this.typicalDurations.get(row.record.type), lostNodes);
  }

  /**
   * Records with positions for pending rows, and running ones flagged when their node is lost.
   * `known`: the rows' places in line when they were read with the rows (RowPage.positions).
   */
  async presentAll(rows: JobRow[], known?: Map<string, number>): Promise<Job[]> {
    const active = rows.some((r) => r.base === 'active' && r.record.workerId);
    const [positions, lostNodes] = await Promise.all([known ?? this.store.positions(rows), active ? lostNodeIds(this.store, Date.now()) : undefined]);
    return rows.map((r) => this.present(r, positions.get(r.id), lostNodes));
  }

  /** The job type of an id: from the index, else from our id form `<type>-…`. */
  async typeOf(id: string): Promise<JobType | null> {
    const row = await this.store.getRow(id);
    if (row) return row.type;
    return typeFromId(id);
  }

  /** A job this node added and is about to record: the submit settles what it returns once its write ends. */
  noteSubmitted(jobId: string, createdAt: number): SubmittedJob {
    if (this.submitted.size >= STREAM_MAX_EVENTS) this.submitted.delete(this.submitted.keys().next().value!);
    const job = new SubmittedJob(createdAt);
    this.submitted.set(jobId, job);
    return job;
  }

  takeSubmitted(jobId: string): SubmittedJob | undefined {
    const job = this.submitted.get(jobId);
    if (job !== undefined) this.submitted.delete(jobId);
    return job;
  }

  notifyApplied(jobId: string | null): void {
    this.applied.emit('applied', jobId);
  }

  /**
   * Waits until the job's index row satisfies `ok` (the local recorder applies BullMQ's event a
   * few ms after an action), or the timeout passes; returns the last row read.
   */
  async waitForRow(id: string, ok: (row: JobRow | null) => boolean, timeoutMs = 5_000): Promise<JobRow | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await this.store.getRow(id);
      if (ok(row) || Date.now() >= deadline) return row;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.applied.off('applied', onApplied);
          resolve();
        };
        const onApplied = (jobId: string | null) => {
          if (jobId === id) done();
        };
        const timer = setTimeout(done, 100);
        this.applied.on('applied', onApplied);
      });
    }
  }

  /** Publishes a custom event into a queue's BullMQ event stream (ordered with BullMQ's own). */
  async publish(type: JobType, fields: Record<string, string | number>): Promise<void> {
    await this.queue(type).backend.publishEvent(fields, STREAM_MAX_EVENTS);
  }

  async jobChanged(type: JobType, jobId: string, change: string): Promise<void> {
    await this.publish(type, { event: CUSTOM_EVENTS.jobChanged, jobId, change });
  }

  async concurrency(type: JobType): Promise<number> {
    const s = await this.store.getSetting<{ concurrency: number }>(queueSettingKey(type));
    return s?.concurrency ?? this.settings.defaultConcurrency;
  }
}

/** A job this node submitted, until its recorder meets its `added` event. */
export class SubmittedJob {
  /** The submit recorded its `added` change (or found it recorded): the recorder has nothing to check. */
  recorded = false;
  /** Resolves when the submit's index write of the job has ended, recorded or not. */
  readonly written: Promise<void>;
  private ended!: () => void;

  constructor(readonly createdAt: number) {
    this.written = new Promise((resolve) => (this.ended = resolve));
  }

  /** The submit's index write ended; `recorded` when the job's `added` change is in the index. */
  settle(recorded: boolean): void {
    this.recorded ||= recorded;
    this.ended();
  }
}

/** Settings key of a queue's desired concurrency (read by worker nodes). */
export function queueSettingKey(type: JobType): string {
  return `queue:${type}`;
}

/** Our job ids are `<type>-<time36><random>`: readable, unique across the cluster, type-prefixed. */
export function newJobId(type: JobType): string {
  return `${type}-${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 8)}`;
}

export function typeFromId(id: string): JobType | null {
  const found = [...JOB_TYPES].sort((a, b) => b.length - a.length).find((t) => id.startsWith(`${t}-`));
  return found ?? null;
}
