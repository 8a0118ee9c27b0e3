/**
 * Reads a cluster's SSE body (the `events` route) with eventsource-parser and hands each parsed
 * ClusterEvent to `onEvent`, in order. It returns only when `onEvent` answers 'stop'; otherwise it
 * ends by throwing: the stream closing, going quiet for longer than `idleMs` (a half-open
 * connection), or carrying something that is not a cluster event are each a ClusterRequestError
 * that says which.
 */
import { createParser } from 'eventsource-parser';
import type { ClusterEvent } from '../../../contract/events.ts';
import { ClusterRequestError } from './cluster-errors.ts';
import { parseEventFrame } from './event-frame.ts';

export interface ReadEventsOptions {
  /** Cut and reconnect when nothing (not even a keep-alive comment) arrived for this long. */
  idleMs: number;
  signal: AbortSignal;
  /**
   * Called for each event; may return a promise (back-pressure: reading waits for it). 'stop' ends
   * the reading there: the stream is closed and the reader returns.
   */
  onEvent: (event: ClusterEvent) => void | 'stop' | Promise<void | 'stop'>;
  /** Told about every chunk, including comments, for "last heard from" times. */
  onActivity?: () => void;
}

/** Marks the stream's end: the reader returns this reason through its thrown error. */
export class StreamEnded extends ClusterRequestError {}

/** Read events until `onEvent` says 'stop' (resolves) or the stream ends (rejects with the reason). */
export async function readClusterEvents(body: ReadableStream<Uint8Array>, host: string, options: ReadEventsOptions): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue: ClusterEvent[] = [];
  let failure: ClusterRequestError | null = null;
  const parser = createParser({
    onEvent(message) {
      if (failure) return;
      const frame = parseEventFrame(message.data);
      if (!frame.ok) {
        failure = new ClusterRequestError('incompatible', `the event stream of ${host} carried ${frame.problem}`);
        return;
      }
      queue.push(frame.event);
    },
  });

  let idleTimer: NodeJS.Timeout | null = null;
  let idled = false;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idled = true;
      void reader.cancel().catch(() => {});
    }, options.idleMs);
  };
  const onAbort = () => void reader.cancel().catch(() => {});
  options.signal.addEventListener('abort', onAbort);
  armIdle();
  try {
    for (;;) {
      let chunk: { done: boolean; value?: Uint8Array };
      try {
        chunk = await reader.read();
      } catch (error) {
        if (options.signal.aborted) throw new StreamEnded('unreachable', 'the event stream was closed by the app');
        throw new StreamEnded('unreachable', `the event stream from ${host} was cut (${(error as Error).message ?? error})`);
      }
      if (chunk.done) {
        if (options.signal.aborted) throw new StreamEnded('unreachable', 'the event stream was closed by the app');
        if (idled) {
          throw new StreamEnded('timeout', `the event stream from ${host} went quiet for ${Math.round(options.idleMs / 1000)} s: reconnecting`);
        }
        throw new StreamEnded('unreachable', `the cluster at ${host} closed the event stream`);
      }
      armIdle();
      options.onActivity?.();
      parser.feed(decoder.decode(chunk.value!, { stream: true }));
      while (queue.length > 0) {
        if ((await options.onEvent(queue.shift()!)) === 'stop') return;
      }
      if (failure) throw failure;
    }
  } finally {
    if (idleTimer) clearTimeout(idleTimer);
    options.signal.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
  }
}
