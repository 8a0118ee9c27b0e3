/**
 * The cluster's thresholds as every part of a node reads them (queue metrics, the summary,
 * `/metrics`, alert previews): from the AlertStore, kept for a few seconds so a busy API does not
 * read them on every call. A change made on another node shows here within `ttlMs`, shorter than
 * an evaluation interval; one made through this node shows at once (`set`).
 */
import type { Thresholds } from '../../contract/thresholds.ts';
import type { AlertStore } from './alert-store.ts';

/** Shorter than the evaluation interval, so every node shows a change before the next evaluation. */
export const THRESHOLDS_TTL_MS = 5_000;

export class ThresholdCache {
  private value: { thresholds: Thresholds; readAt: number } | null = null;
  private reading: Promise<Thresholds> | null = null;

  constructor(
    private readonly alerts: Pick<AlertStore, 'getThresholds' | 'putThresholds'>,
    private readonly ttlMs = THRESHOLDS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The thresholds, read again once the kept copy is older than the TTL (one read at a time). */
  async get(): Promise<Thresholds> {
    if (this.value && this.now() - this.value.readAt < this.ttlMs) return this.value.thresholds;
    this.reading ??= this.alerts
      .getThresholds()
      .then((thresholds) => {
        this.value = { thresholds, readAt: this.now() };
        return thresholds;
      })
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /** Stores new thresholds for the cluster and uses them on this node at once. */
  async set(thresholds: Thresholds): Promise<void> {
    await this.alerts.putThresholds(thresholds);
    this.value = { thresholds, readAt: this.now() };
  }
}

const caches = new WeakMap<object, ThresholdCache>();

/** The one cache of a node's AlertStore, so the engine and the API on one node see a change together. */
export function thresholdCacheFor(alerts: Pick<AlertStore, 'getThresholds' | 'putThresholds'>): ThresholdCache {
  let cache = caches.get(alerts);
  if (!cache) {
    cache = new ThresholdCache(alerts);
    caches.set(alerts, cache);
  }
  return cache;
}
