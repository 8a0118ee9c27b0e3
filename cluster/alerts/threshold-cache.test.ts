import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';
import { ThresholdCache, thresholdCacheFor } from './threshold-cache.ts';

/** The two AlertStore calls the cache makes, over a value another node may change. */
function storeOf(initial: Thresholds) {
  const store = {
    value: initial,
    reads: 0,
    async getThresholds() {
      store.reads++;
      return store.value;
    },
    async putThresholds(t: Thresholds) {
      store.value = t;
    },
  };
  return store;
}

const stricter: Thresholds = { ...DEFAULT_THRESHOLDS, queueLength: { ...DEFAULT_THRESHOLDS.queueLength, warning: 2, critical: 4 } };

describe('ThresholdCache', () => {
  it('reads once per TTL and sees a change made elsewhere once the TTL has passed', async () => {
    const store = storeOf(DEFAULT_THRESHOLDS);
    let now = 0;
    const cache = new ThresholdCache(store, 5_000, () => now);
    expect(await cache.get()).toEqual(DEFAULT_THRESHOLDS);
    store.value = stricter; // another node's PUT
    now = 4_999;
    expect(await cache.get()).toEqual(DEFAULT_THRESHOLDS);
    expect(store.reads).toBe(1);
    now = 5_000;
    expect(await cache.get()).toEqual(stricter);
    expect(store.reads).toBe(2);
  });

  it('uses what this node stores at once', async () => {
    const store = storeOf(DEFAULT_THRESHOLDS);
    const cache = new ThresholdCache(store, 60_000, () => 0);
    await cache.get();
    await cache.set(stricter);
    expect(await cache.get()).toEqual(stricter);
    expect(store.value).toEqual(stricter);
  });

  it('makes one read for calls that arrive together', async () => {
    const store = storeOf(DEFAULT_THRESHOLDS);
    const cache = new ThresholdCache(store, 5_000, () => 0);
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(store.reads).toBe(1);
  });

  it('is one cache per store, so the engine and the API of a node agree', () => {
    const store = storeOf(DEFAULT_THRESHOLDS);
    expect(thresholdCacheFor(store)).toBe(thresholdCacheFor(store));
    expect(thresholdCacheFor(store)).not.toBe(thresholdCacheFor(storeOf(DEFAULT_THRESHOLDS)));
  });
});
