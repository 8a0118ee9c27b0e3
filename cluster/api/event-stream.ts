/**
 * Server-sent events: one EventStream per connected client, reading the cluster's event log through
 * the engine from a cursor. Event ids come from the datastore, so a client can resume on any API
 * node; a cursor older than what is retained gets an explicit `reset` event, never a silent gap.
 *
 * Wire format: every message is `id: <event id>` + `data: <ClusterEvent JSON>` (no `event:` field,
 * so EventSource's onmessage sees them all; the JSON's `kind` tells them apart). Comments
 * (`: heartbeat`) keep proxies from closing an idle stream.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { compareEventIds, type ClusterEvent, type EventId } from '../../contract/events.ts';
import type { JobEngine } from '../engine/job-engine.ts';

export interface EventStreamLimits {
  /** Comment line interval that keeps the connection alive (ms). */
  heartbeatMs: number;
  /** Safety poll even without a wake-up from the engine (ms). */
  pollMs: number;
  /** Events read from the engine per call. */
  batchSize: number;
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = { heartbeatMs: 15_000, pollMs: 2_000, batchSize: 500 };

/** One SSE frame for an event. JSON.stringify never emits raw newlines, so one `data:` line is enough. */
export function sseFrame(event: ClusterEvent): string {
  return `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A live SSE connection. `done` settles when the client goes away or the server closes it. */
export class EventStream {
  private cursor: EventId;
  private closed = false;
  private wanted = false;
  private pumping = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: () => void = () => {};
  private drainWaiter: (() => void) | null = null;
  private resolveDone!: () => void;
  /** Settles once the stream is finished and cleaned up. */
  readonly done: Promise<void>;

  constructor(
    private readonly engine: JobEngine,
    private readonly res: ServerResponse,
    startAfter: EventId,
    private readonly limits: EventStreamLimits,
    private readonly log: FastifyBaseLogger,
  ) {
    this.cursor = startAfter;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Send the headers, subscribe to the engine and deliver everything after the start cursor. */
  start(): void {
    // A client that went away before the stream started already fired its 'close' event: nothing
    // would ever end this stream, so it ends here.
    if (this.res.destroyed || this.res.socket === null || this.res.socket?.destroyed) {
      this.close();
      return;
    }
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // `retry` tells EventSource how soon to reconnect; the first comment flushes the headers.
    this.res.write(`retry: 2000\n: connected after ${this.cursor}\n\n`);
    this.res.on('close', () => this.close());
    this.res.on('drain', () => this.releaseDrain());
    this.unsubscribe = this.engine.onEventsAvailable(() => this.wake());
    this.timers.push(setInterval(() => this.wake(), this.limits.pollMs));
    this.timers.push(
      setInterval(() => {
        // Skip a heartbeat while the client is behind: data is flowing anyway.
        if (!this.closed && !this.res.writableNeedDrain) this.res.write(': heartbeat\n\n');
      }, this.limits.heartbeatMs),
    );
    this.wake();
  }

  /** The id of the last event delivered (or the start cursor). */
  get lastDelivered(): EventId {
    return this.cursor;
  }

  /** End the stream (server shutdown or client gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const t of this.timers) clearInterval(t);
    this.releaseDrain();
    if (!this.res.writableEnded) this.res.end();
    this.resolveDone();
  }

  private wake(): void {
    this.wanted = true;
    if (!this.pumping) void this.pump();
  }

  /** One reader at a time: wake-ups during a read just ask for one more round. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.wanted && !this.closed) {
        this.wanted = false;
        const batch = await this.engine.readEvents(this.cursor, this.limits.batchSize);
        if (this.closed) break;
        if (batch.reset) {
          await this.sendReset();
          this.wanted = true;
          continue;
        }
        for (const event of batch.events) {
          // Ids only move forward; anything at or before the cursor was already delivered.
          if (compareEventIds(event.id, this.cursor) <= 0) continue;
          const flushed = this.res.write(sseFrame(event));
          this.cursor = event.id;
          if (!flushed) await this.waitForDrain();
          if (this.closed) return;
        }
        if (batch.events.length >= this.limits.batchSize) this.wanted = true;
      }
    } catch (err) {
      // A datastore hiccup must not kill the stream: the next poll tries again from the same cursor.
      this.log.warn({ err }, 'event stream: reading events failed; retrying on the next poll');
    } finally {
      this.pumping = false;
    }
  }

  /**
   * The cursor is older than what the cluster retains, or newer than anything it issued (a wiped
   * datastore, a made-up id): tell the client to resync from /api/v1/history and carry on from the
   * newest event. The reset carries that newest id, so a client reconnecting after it resumes from
   * there rather than from the lost position again — and so does this stream, even when that moves
   * the cursor back: staying on a future id would answer every poll with another reset.
   */
  private async sendReset(): Promise<void> {
    const newest = await this.engine.lastEventId();
    const previous = this.cursor;
    this.cursor = newest;
    const reset: ClusterEvent = {
      id: this.cursor,
      at: new Date().toISOString(),
      kind: 'reset',
      reason: `events after ${previous} are no longer retained; resync from /api/v1/history and continue from this event`,
    };
    if (!this.res.write(sseFrame(reset))) await this.waitForDrain();
  }

  private waitForDrain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => (this.drainWaiter = resolve));
  }

  private releaseDrain(): void {
    const waiter = this.drainWaiter;
    this.drainWaiter = null;
    waiter?.();
  }
}

/** Every open stream of a server, so shutdown can end them (otherwise close() waits forever). */
export class EventStreamHub {
  private readonly streams = new Set<EventStream>();

  /** How many clients are connected. */
  get size(): number {
    return this.streams.size;
  }

  add(stream: EventStream): void {
    this.streams.add(stream);
    void stream.done.then(() => this.streams.delete(stream));
  }

  /** End every stream. */
  closeAll(): void {
    for (const s of this.streams) s.close();
  }
}
