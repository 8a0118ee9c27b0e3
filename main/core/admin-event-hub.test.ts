import { describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { AdminEventHub } from './admin-event-hub.ts';

describe('AdminEventHub', () => {
  it('batches job changes per cluster to at most one batch per interval (≤ 10/s at 100 ms)', async () => {
    const hub = new AdminEventHub(100);
    const seen: { at: number; event: AdminEvent }[] = [];
    hub.subscribe((event) => seen.push({ at: Date.now(), event }));
    const started = Date.now();
    // 1,000 changes a second for 1 s, on two clusters.
    while (Date.now() - started < 1_000) {
      hub.jobsChanged('a', [`job-${Date.now() % 50}`]);
      hub.jobsChanged('b', ['x']);
      hub.queuesChanged('a');
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 150));
    const batches = new Set(seen.map((s) => s.at));
    expect(batches.size).toBeLessThanOrEqual(12);
    expect(batches.size).toBeGreaterThanOrEqual(5);
    const jobEvents = seen.filter((s) => s.event.kind === 'jobs-changed');
    // Each batch lists a cluster once, with its ids de-duplicated.
    for (const at of batches) {
      const inBatch = jobEvents.filter((s) => s.at === at).map((s) => s.event as Extract<AdminEvent, { kind: 'jobs-changed' }>);
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
