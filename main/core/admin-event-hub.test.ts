import { describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { AdminEventHub } from './admin-event-hub.ts';

describe('AdminEventHub', () => {
  it('batches job changes per cluster to at most one batch per interval (≤ 10/s at 100 ms)', async () => {
    const hub = new AdminEventHub(100);
    // One flush sends its events synchronously: a batch is what arrives before the next microtask
    // (timestamps cannot tell, the clock may tick during a flush).
    const seen: { at: number; batch: number; event: AdminEvent }[] = [];
    let batch = 0;
    let open = false;
    hub.subscribe((event) => {
      if (!open) {
        open = true;
        batch += 1;
        queueMicrotask(() => (open = false));
      }
      seen.push({ at: Date.now(), batch, event });
    });
    const started = Date.now();
    // 1,000 changes a second for 1 s, on two clusters.
    while (Date.now() - started < 1_000) {
      hub.jobsChanged('a', [`job-${Date.now() % 50}`]);
      hub.jobsChanged('b', ['x']);
      hub.queuesChanged('a');
      await new Promise((r) => setTimeout(r, 1));
    }
    const sending = Date.now() - started;
    await new Promise((r) => setTimeout(r, 150));
    const batches = new Set(seen.map((s) => s.batch));
    // At most one batch per interval, however long a loaded machine stretched the second: batches
    // start ~100 ms apart (≥ 90: the clock is read a little later in one flush than in the hub, and
    // a timer may fire 1 ms short), so ≤ one per 100 ms sent, + 1. Unthrottled, they are 1 ms apart.
    const starts = [...batches].map((b) => seen.find((s) => s.batch === b)!.at);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(90);
    expect(batches.size).toBeLessThanOrEqual(Math.floor((sending + 100) / 100) + 1);
    expect(batches.size).toBeGreaterThanOrEqual(5);
    const jobEvents = seen.filter((s) => s.event.kind === 'jobs-changed');
    // Each batch lists a cluster once, with its ids de-duplicated.
    for (const b of batches) {
      const inBatch = jobEvents.filter((s) => s.batch === b).map((s) => s.event as Extract<AdminEvent, { kind: 'jobs-changed' }>);
      expect(new Set(inBatch.map((e) => e.clusterId)).size).toBe(inBatch.length);
      for (const e of inBatch) expect(new Set(e.jobIds).size).toBe(e.jobIds.length);
    }
    hub.close();
  });

  it('sends rare events at once and keeps going when a listener throws', () => {
    const logs: string[] = [];
    const hub = new AdminEventHub(100, (l) => logs.push(l));
    const got: AdminEvent[] = [];
    hub.subscribe(() => {
      throw new Error('boom');
    });
    hub.subscribe((e) => got.push(e));
    hub.emit({ kind: 'clusters-changed' });
    expect(got).toEqual([{ kind: 'clusters-changed' }]);
    expect(logs[0]).toMatch(/listener failed: Error: boom/);
    hub.close();
  });
});
