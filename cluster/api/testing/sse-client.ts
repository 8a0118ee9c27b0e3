/** A minimal SSE client for tests: collects ClusterEvents (parsed with the contract) and comments. */
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { ClusterEvent } from '../../../contract/events.ts';

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: ClusterEvent[];
  /** SSE `id:` of each message, as sent. */
  ids: string[];
  comments: string[];
  /** Wait until at least n events arrived (rejects after timeoutMs). */
  waitForEvents(n: number, timeoutMs?: number): Promise<ClusterEvent[]>;
  waitForComment(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Wait until an event matching `match` arrived; resolves with it. */
  waitForEvent(match: (event: ClusterEvent) => boolean, timeoutMs?: number): Promise<ClusterEvent>;
  /** Settles when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Open `url` as an event stream with the given headers. */
export function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: ClusterEvent[] = [];
      const ids: string[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      const notify = () => waiters.forEach((w) => w());
      const parser = createParser({
        onEvent(message) {
          events.push(ClusterEvent.parse(JSON.parse(message.data)));
          ids.push(message.id ?? '');
          notify();
        },
        onComment(comment) {
          comments.push(comment);
          notify();
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      function waitUntil(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
        if (ok()) return Promise.resolve();
        return new Promise((res2, rej) => {
          const timer = setTimeout(() => {
            waiters.delete(check);
            rej(new Error(`timed out waiting for ${what} (have ${events.length} events)`));
          }, timeoutMs);
          const check = () => {
            if (!ok()) return;
            clearTimeout(timer);
            waiters.delete(check);
            res2();
          };
          waiters.add(check);
        });
      }
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ids,
        comments,
        ended,
        async waitForEvents(n, timeoutMs) {
          await waitUntil(() => events.length >= n, `${n} events`, timeoutMs);
          return events;
        },
        async waitForEvent(match, timeoutMs) {
          await waitUntil(() => events.some(match), 'a matching event', timeoutMs);
          return events.find(match)!;
        },
        waitForComment: (pattern, timeoutMs) => waitUntil(() => comments.some((c) => pattern.test(c)), `comment ${pattern}`, timeoutMs),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
