import { expect, it, vi } from 'vitest';
import { QueryCache } from './query-cache.ts';

function deferredFetcher() {
  const calls: ((value: string) => void)[] = [];
  const fetcher = () => new Promise<string>((resolve) => calls.push(resolve));
  return { calls, fetcher };
}

it('a join while a request is in flight takes its answer instead of asking again', async () => {
  const cache = new QueryCache();
  const { calls, fetcher } = deferredFetcher();
  cache.configure('clusters', fetcher);
  cache.join('clusters');
  cache.join('clusters');
  expect(calls).toHaveLength(1);
  calls[0]!('a');
  await Promise.resolve();
  await Promise.resolve();
  expect(cache.snapshot<string>('clusters').data).toBe('a');
  expect(calls).toHaveLength(1);
  // Just answered: the answer stands for a join now, but not a second later (a screen opened
  // later gets fresh data).
  cache.join('clusters');
  expect(calls).toHaveLength(1);
  const now = Date.now();
  const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 1000);
  try {
    cache.join('clusters');
    expect(calls).toHaveLength(2);
  } finally {
    clock.mockRestore();
  }
});

it('a refresh while a request is in flight still asks once more after it (a change may have come meanwhile)', async () => {
  const cache = new QueryCache();
  const { calls, fetcher } = deferredFetcher();
  cache.configure('clusters', fetcher);
  cache.refresh('clusters');
  cache.refresh('clusters');
  expect(calls).toHaveLength(1);
  calls[0]!('a');
  await new Promise((r) => setTimeout(r, 0));
  expect(calls).toHaveLength(2);
});
