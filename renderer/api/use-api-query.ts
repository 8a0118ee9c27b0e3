/**
 * Reads AdminApi data through the shared query cache and keeps it fresh: refetches when a batch of
 * events matches `refreshOn`, and every `pollMs` for data that has no events (resource samples,
 * heartbeats).
 */
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { AdminApi, AdminEvent } from '../../contract/admin-api.ts';
import { useApiContext } from './api-context.tsx';
import type { QuerySnapshot } from './query-cache.ts';

export interface ApiQueryOptions {
  /** Refetch when a batch of events contains one for which this is true. */
  refreshOn?: (event: AdminEvent) => boolean;
  /** Refetch on this interval (ms). */
  pollMs?: number;
  /** Refreshes of this key are at least this far apart (ms). */
  minIntervalMs?: number;
  /** Skip fetching (e.g. no cluster chosen yet). */
  enabled?: boolean;
  /**
   * Only read what the cache holds (kept fresh by an active user of the same key elsewhere, e.g.
   * the shell). For components mounted by the hundred, like table cells: no fetch, timer or event
   * subscription per instance.
   */
  passive?: boolean;
}

export interface ApiQuery<T> extends QuerySnapshot<T> {
  refetch: () => void;
}

/** Cached, live AdminApi data for `key`. `key` must change whenever `fetch`'s inputs change. */
export function useApiQuery<T>(key: string, fetch: (api: AdminApi) => Promise<T>, options: ApiQueryOptions = {}): ApiQuery<T> {
  const { api, hub, cache } = useApiContext();
  const enabled = (options.enabled ?? true) && !options.passive;
  const fetchRef = useRef(fetch);
  const refreshOnRef = useRef(options.refreshOn);
  useEffect(() => {
    fetchRef.current = fetch;
    refreshOnRef.current = options.refreshOn;
  });

  const subscribe = useCallback((listener: () => void) => cache.subscribe(key, listener), [cache, key]);
  const snapshot = useSyncExternalStore(subscribe, () => cache.snapshot<T>(key));

  useEffect(() => {
    if (!enabled) return;
    cache.configure(key, () => fetchRef.current(api), options.minIntervalMs);
    cache.join(key);
    const stopEvents = hub.subscribe((batch) => {
      const match = refreshOnRef.current;
      if (match && batch.some(match)) cache.refresh(key);
    });
    const timer = options.pollMs ? setInterval(() => cache.refresh(key), options.pollMs) : null;
    return () => {
      stopEvents();
      if (timer) clearInterval(timer);
    };
  }, [api, hub, cache, key, enabled, options.pollMs, options.minIntervalMs]);

  const refetch = useCallback(() => cache.refresh(key), [cache, key]);
  return { ...snapshot, refetch };
}

/** Calls `listener` with each batch of AdminApi events while mounted. */
export function useAdminEvents(listener: (events: readonly AdminEvent[]) => void): void {
  const { hub } = useApiContext();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => hub.subscribe((batch) => ref.current(batch)), [hub]);
}
