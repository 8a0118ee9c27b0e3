/**
 * A small cache of AdminApi results keyed by strings. Each key has at most one request in flight;
 * refresh requests made meanwhile collapse into one follow-up fetch, and `minIntervalMs` spaces
 * refreshes of heavy queries. Old data stays on screen while a refresh runs (no flicker), and a
 * failed refresh keeps the last good data next to the error.
 */
import { AdminApiError, errorMessage } from './admin-api-error.ts';
import { structuralShare } from './structural-share.ts';

export interface QuerySnapshot<T> {
  data: T | undefined;
  error: AdminApiError | null;
  /** True until the first answer (data or error). */
  loading: boolean;
  /** A request is in flight. */
  fetching: boolean;
  /** When data last arrived (ms since epoch), 0 if never. */
  updatedAt: number;
}

interface Entry {
  snapshot: QuerySnapshot<unknown>;
  listeners: Set<() => void>;
  inFlight: boolean;
  again: boolean;
  lastStart: number;
  timer: ReturnType<typeof setTimeout> | null;
  fetcher: () => Promise<unknown>;
  minIntervalMs: number;
}

/** An answer to a request sent this recently is as fresh as a new request's would be. */
const JOIN_FRESH_MS = 1000;

const EMPTY: QuerySnapshot<never> = { data: undefined, error: null, loading: true, fetching: false, updatedAt: 0 };

/** Cached AdminApi results shared by every component asking the same key. */
export class QueryCache {
  private readonly entries = new Map<string, Entry>();

  snapshot<T>(key: string): QuerySnapshot<T> {
    return (this.entries.get(key)?.snapshot ?? EMPTY) as QuerySnapshot<T>;
  }

  subscribe(key: string, listener: () => void): () => void {
    const entry = this.entry(key);
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Registers how to fetch `key` (the latest fetcher wins) and how far apart refreshes must be. */
  configure(key: string, fetcher: () => Promise<unknown>, minIntervalMs = 0): void {
    const entry = this.entry(key);
    entry.fetcher = fetcher;
    entry.minIntervalMs = minIntervalMs;
  }

  /** Fetches now, or once after the request in flight (several calls collapse into one). */
  refresh(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.inFlight) {
      entry.again = true;
      return;
    }
    if (entry.timer) return;
    const wait = entry.lastStart + entry.minIntervalMs - Date.now();
    if (wait > 0) {
      entry.timer = setTimeout(() => {
        entry.timer = null;
        void this.run(key, entry);
      }, wait);
      return;
    }
    void this.run(key, entry);
  }

  /**
   * Fetches now, unless a request for `key` is in flight or one answered that was sent less than
   * JOIN_FRESH_MS ago: a component mounting then takes that answer (the app's start, the shell and
   * a screen asking for the clusters send one request, not one each).
   */
  join(key: string): void {
    const entry = this.entries.get(key);
    if (entry && (entry.inFlight || (entry.snapshot.updatedAt > 0 && Date.now() - entry.lastStart < JOIN_FRESH_MS))) return;
    this.refresh(key);
  }

  /** Refreshes every key for which `predicate` is true. */
  refreshWhere(predicate: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (predicate(key)) this.refresh(key);
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        snapshot: EMPTY,
        listeners: new Set(),
        inFlight: false,
        again: false,
        lastStart: 0,
        timer: null,
        fetcher: () => Promise.reject(new Error(`no fetcher for ${key}`)),
        minIntervalMs: 0,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async run(key: string, entry: Entry): Promise<void> {
    entry.inFlight = true;
    entry.again = false;
    entry.lastStart = Date.now();
    this.set(entry, { ...entry.snapshot, fetching: true });
    try {
      const data = await entry.fetcher();
      this.set(entry, {
        data: structuralShare(entry.snapshot.data, data),
        error: null,
        loading: false,
        fetching: false,
        updatedAt: Date.now(),
      });
    } catch (error) {
      const e = error instanceof AdminApiError ? error : new AdminApiError('failed', errorMessage(error));
      this.set(entry, { ...entry.snapshot, error: e, loading: false, fetching: false });
    } finally {
      entry.inFlight = false;
      if (entry.again) this.refresh(key);
    }
  }

  private set(entry: Entry, snapshot: QuerySnapshot<unknown>): void {
    entry.snapshot = snapshot;
    for (const l of entry.listeners) l();
  }
}
