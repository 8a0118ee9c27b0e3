import { expect, it, vi } from 'vitest';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { EventHub } from './event-hub.ts';
import { QueryCache } from './query-cache.ts';
import { structuralShare } from './structural-share.ts';

it('delivers a burst of events as one batch per window (at most 10 UI updates a second)', async () => {
  vi.useFakeTimers();
  let emit: (e: AdminEvent) => void = () => {};
  const hub = new EventHub({ onEvent: (l) => ((emit = l), () => {}) }, 100);
  const batches: number[] = [];
  hub.subscribe((b) => batches.push(b.length));
  for (let i = 0; i < 500; i++) {
    emit({ kind: 'jobs-changed', clusterId: 'local', jobIds: [String(i)] });
    vi.advanceTimersByTime(1); // 500 events over half a second
  }
  vi.advanceTimersByTime(200);
  vi.useRealTimers();
  expect(batches.reduce((a, b) => a + b, 0)).toBe(500);
  expect(batches.length).toBeLessThanOrEqual(6);
});

it('collapses refreshes requested while a fetch runs into one follow-up fetch, keeping data meanwhile', async () => {
  const cache = new QueryCache();
  let calls = 0;
  let release: () => void = () => {};
  cache.configure('k', () => {
    calls++;
    return new Promise((r) => (release = () => r(calls)));
  });
  cache.refresh('k');
  for (let i = 0; i < 20; i++) cache.refresh('k');
  release();
  await new Promise((r) => setTimeout(r, 0));
  expect(cache.snapshot('k').data).toBe(1);
  expect(calls).toBe(2); // the first, and one for all 20 requests made meanwhile
  release();
  await new Promise((r) => setTimeout(r, 0));
  expect(cache.snapshot('k').data).toBe(2);
});

it('keeps the identity of unchanged records after a refetch, so their rows skip re-rendering', () => {
  const prev = [{ id: 'a', n: 1 }, { id: 'b', n: 1 }];
  const next = structuralShare(prev, [{ id: 'a', n: 1 }, { id: 'b', n: 2 }]);
  expect(next[0]).toBe(prev[0]);
  expect(next[1]).not.toBe(prev[1]);
  expect(structuralShare(prev, [{ id: 'a', n: 1 }, { id: 'b', n: 1 }])).toBe(prev);
});
