/** The desktop reads a cluster's alert events like every other event: parsed with the contract, in order. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/alerts.ts';
import type { ClusterEvent } from '../../../contract/events.ts';
import { readClusterEvents } from './event-stream-reader.ts';

const alert: Alert = {
  id: 'alert-0123456789abcdef0123',
  ruleId: 'queue-length',
  state: 'firing',
  severity: 'warning',
  value: 120,
  startedAt: '2026-01-01T12:00:00.000Z',
  message: 'Queue > 100 jobs: 120 jobs',
  ruleName: 'Queue > 100 jobs',
  metric: 'queueLength',
  scope: { kind: 'cluster' },
};

function body(frames: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(frames));
    },
  });
}

describe('readClusterEvents with alert events', () => {
  it('hands alert.firing, alert.acknowledged and alert.resolved over with their ids and alerts', async () => {
    const sent = [
      { id: '41', at: alert.startedAt, kind: 'alert.firing', alert },
      { id: '42', at: '2026-01-01T12:01:00.000Z', kind: 'alert.acknowledged', alert: { ...alert, acknowledgedBy: 'olga', acknowledgedAt: '2026-01-01T12:01:00.000Z' } },
      { id: '43', at: '2026-01-01T12:05:00.000Z', kind: 'alert.resolved', alert: { ...alert, state: 'resolved', value: 3, resolvedAt: '2026-01-01T12:05:00.000Z' } },
    ];
    const got: ClusterEvent[] = [];
    await readClusterEvents(body(sent.map((e) => `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`).join('')), 'cluster.test', {
      idleMs: 5_000,
      signal: new AbortController().signal,
      onEvent: (event) => {
        got.push(event);
        return got.length === sent.length ? 'stop' : undefined;
      },
    });
    expect(got).toEqual(sent);
  });
});
