/**
 * Stepwise trimming of BullMQ's event streams where BullMQ's own trim is one unbounded delete.
 *
 * On PostgreSQL BullMQ trims a queue's event table in the publish that happens to land on every
 * 256th event id, deleting everything beyond its limit in that one call. After a set-based
 * `addBulk` (which appends two events per job and never trims), that call deletes the whole
 * backlog: ~190k rows, about a second, inside whatever action published next — a cancel, a worker
 * finishing a job. So our Queues tell BullMQ to keep far more (`streamMaxLen`, a backstop) and the
 * engine trims to STREAM_MAX_EVENTS itself, in chunks, only past what the cluster has recorded.
 */
import { JOB_TYPES } from '../../contract/domain.ts';
import type { EngineContext } from './engine-context.ts';
import { rawPosition, STREAM_MAX_EVENTS } from './event-recorder.ts';

/** Events deleted per datastore call (a few ms each). */
export const TRIM_CHUNK = 2_000;

export interface TrimOptions {
  /** Newest events kept per queue (default STREAM_MAX_EVENTS). */
  keep?: number;
  /** Events per step (default TRIM_CHUNK). */
  chunk?: number;
  /** Steps per queue and call (default 25); the next call goes on. */
  maxSteps?: number;
}

/** Trims every queue's stream by up to `maxSteps` chunks; returns the events dropped. */
export async function trimStreams(ctx: EngineContext, options: TrimOptions = {}): Promise<number> {
  const { keep = STREAM_MAX_EVENTS, chunk = TRIM_CHUNK, maxSteps = 25 } = options;
  const trim = ctx.datastore.bullmq.trimEvents;
  if (!trim) return 0;
  let dropped = 0;
  for (const type of JOB_TYPES) {
    // Nothing recorded yet: keep everything for the recorder that will start from the beginning.
    const recorded = await ctx.store.recorderCursor(type);
    if (recorded === null) continue;
    const bound = { keep, upTo: rawPosition(recorded), chunk };
    for (let step = 0; step < maxSteps; step++) {
      const n = await trim(ctx.queue(type).name, bound);
      dropped += n;
      if (n < chunk) break;
    }
  }
  return dropped;
}
