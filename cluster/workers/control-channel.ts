/**
 * How a worker node hears about running-job control and queue changes, on every datastore:
 *
 * - events: the engine publishes `sigmatiq.control {jobId, command, reason}` and
 *   `sigmatiq.queue-changed {concurrency}` into the queue's BullMQ event stream (Redis stream or
 *   PostgreSQL events table); the node reads every queue's stream with a QueueEvents from "now" and
 *   acts on requests for jobs it holds. This is the fast path (tens of ms).
 * - polling: every `pollMs` the node re-reads `job.data.control` of the jobs it runs (the engine
 *   stores graceful stop and pause there) and the queues' desired concurrency, so a request sent
 *   while the node's event reader was reconnecting still arrives. This is the safety net.
 *
 * BullMQ's Relay would also route such messages, but the event stream is already ordered with the
 * job's own events, needs no extra tables or subscriptions, and is what the engine publishes to.
 */
import type { IQueueBackend, QueueEvents } from 'bullmq';
import { JOB_ACTIONS, type JobAction, type JobType } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { CUSTOM_EVENTS } from '../engine/event-recorder.ts';

export interface ControlRequest {
  jobId: string;
  command: Extract<JobAction, 'stop' | 'force-stop' | 'pause' | 'resume'>;
  reason: string;
  type: JobType;
}

export interface ControlChannelOptions {
  datastore: Datastore;
  queues: readonly JobType[];
  onControl(request: ControlRequest): void;
  onQueueChanged(type: JobType): void;
  onError(error: unknown): void;
}

const COMMANDS = new Set<string>(['stop', 'force-stop', 'pause', 'resume']);

/** Listens to the queues' event streams for control requests and queue changes. */
export class ControlChannel {
  private readonly readers: QueueEvents<unknown, IQueueBackend, unknown>[] = [];
  private closed = false;

  constructor(private readonly options: ControlChannelOptions) {}

  async start(): Promise<void> {
    const { datastore, queues } = this.options;
    const { QueueEvents } = datastore.bullmq.classes;
    for (const type of queues) {
      const events = new QueueEvents(type, { ...datastore.bullmq.options(), lastEventId: '$', blockingTimeout: 5_000, autorun: false });
      events.on('error', (e: unknown) => {
        if (!this.closed) this.options.onError(e);
      });
      const on = events.on.bind(events) as unknown as (name: string, listener: (args: Record<string, unknown>) => void) => void;
      on(CUSTOM_EVENTS.control, (args) => this.control(type, args));
      on(CUSTOM_EVENTS.queueChanged, () => this.options.onQueueChanged(type));
      on('paused', () => this.options.onQueueChanged(type));
      on('resumed', () => this.options.onQueueChanged(type));
      this.readers.push(events);
      await events.waitUntilReady();
      void events.run().catch((e: unknown) => {
        if (!this.closed) this.options.onError(e);
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.readers.map((r) => r.close().catch(() => undefined)));
  }

  private control(type: JobType, args: Record<string, unknown>): void {
    const { jobId, command, reason } = args;
    if (typeof jobId !== 'string' || typeof command !== 'string' || !COMMANDS.has(command) || !JOB_ACTIONS.includes(command as JobAction)) return;
    this.options.onControl({ jobId, command: command as ControlRequest['command'], reason: typeof reason === 'string' ? reason : '', type });
  }
}
