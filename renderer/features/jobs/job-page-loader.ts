/**
 * Loads the Jobs view's rows: keyset pages from `queryJobs`, in order as the user scrolls (a keyset
 * cursor only continues where the last page ended). Loaded rows stay on screen while more load.
 * On change events the loaded range is reloaded in the background and swapped in at once, with
 * unchanged rows keeping their identity (so their table rows do not re-render); deep in a long
 * list we offer a refresh instead of moving rows under the reader. A plain object outside React,
 * read through useSyncExternalStore.
 */
import type { AdminApi, CachedJob, JobQuery } from '../../../contract/admin-api.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { structuralShare } from '../../api/structural-share.ts';

export const PAGE_SIZE = 500;
/** Beyond this many loaded rows, changes are offered as a refresh rather than applied live. */
export const LIVE_RELOAD_LIMIT = 5000;
const MIN_RELOAD_INTERVAL_MS = 1000;

export interface JobPagesSnapshot {
  /** Jobs matching the query in all (known after the first page). */
  total: number | null;
  rows: readonly CachedJob[];
  loading: boolean;
  error: string | null;
  syncedAt: string | null;
  /** Changes arrived that are not shown (deep in the list). */
  stale: boolean;
}

const INITIAL: JobPagesSnapshot = { total: null, rows: [], loading: true, error: null, syncedAt: null, stale: false };

/**
 * Pages of one query. Create one per query; `stop` when the view leaves it. A stopped loader can
 * `start` again: React runs a mounted component's effects twice in development (StrictMode), and
 * the second run gets the loader the first one stopped.
 */
export class JobPageLoader {
  private snap: JobPagesSnapshot = INITIAL;
  private cursor: string | null = null;
  private want = 0;
  private busy = false;
  private stopped = false;
  private lastReload = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: Pick<AdminApi, 'queryJobs'>,
    private readonly query: Omit<JobQuery, 'cursor' | 'limit'>,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): JobPagesSnapshot => this.snap;

  /** Makes sure rows up to `index` are (being) loaded. */
  readonly ensure = (index: number): void => {
    if (index > this.want) this.want = index;
    void this.pump();
  };

  /** Reloads what is loaded now (the Refresh button, or after changes). */
  readonly reload = (): void => {
    void this.reloadNow().then((done) => {
      if (!done) this.scheduleReload();
    });
  };

  /** Called with change events that concern this query. */
  changed(): void {
    if (this.snap.rows.length > LIVE_RELOAD_LIMIT) this.set({ stale: true });
    else this.scheduleReload();
  }

  /** Loads again after `stop`, from what it had, starting with the first page if it had none. */
  start(): void {
    this.stopped = false;
    this.ensure(0);
  }

  /** Stops loading and reloading; answers that arrive after this are dropped. */
  stop(): void {
    this.stopped = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }

  private set(patch: Partial<JobPagesSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }

  private needsMore(): boolean {
    return this.snap.total === null || (this.snap.rows.length <= this.want && this.cursor !== null);
  }

  /** Loads pages until `want` is covered. Never runs together with a reload: both continue a cursor. */
  private async pump(): Promise<void> {
    if (this.busy || this.stopped || !this.needsMore()) return;
    this.busy = true;
    this.set({ loading: true });
    try {
      while (!this.stopped && this.needsMore()) {
        const page = await this.api.queryJobs({ ...this.query, limit: PAGE_SIZE, ...(this.cursor ? { cursor: this.cursor } : {}) });
        if (this.stopped) return;
        this.cursor = page.nextCursor;
        this.set({ rows: this.snap.rows.concat(page.items), total: page.total, syncedAt: page.syncedAt, error: null });
      }
    } catch (e) {
      this.set({ error: errorMessage(e) });
    } finally {
      this.busy = false;
      if (!this.stopped) this.set({ loading: false });
    }
  }

  /** Reloads the loaded range and swaps it in at once; false when a load was running. */
  private async reloadNow(): Promise<boolean> {
    if (this.busy || this.stopped) return false;
    this.busy = true;
    this.lastReload = Date.now();
    const need = Math.max(this.snap.rows.length, PAGE_SIZE);
    let rows: CachedJob[] = [];
    let cursor: string | null = null;
    try {
      let total = 0;
      let syncedAt: string | null = null;
      do {
        const page = await this.api.queryJobs({ ...this.query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
        if (this.stopped) return true;
        rows = rows.concat(page.items);
        cursor = page.nextCursor;
        total = page.total;
        syncedAt = page.syncedAt;
      } while (rows.length < need && cursor !== null);
      this.cursor = cursor;
      this.set({ rows: structuralShare(this.snap.rows, rows), total, syncedAt, stale: false, error: null });
    } catch (e) {
      this.set({ error: errorMessage(e) });
    } finally {
      this.busy = false;
    }
    void this.pump();
    return true;
  }

  /** At most one reload per MIN_RELOAD_INTERVAL_MS; retried while a page is loading. */
  private scheduleReload(): void {
    if (this.reloadTimer || this.stopped) return;
    const wait = Math.max(50, this.lastReload + MIN_RELOAD_INTERVAL_MS - Date.now());
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reloadNow().then((done) => {
        if (!done) this.scheduleReload();
      });
    }, wait);
  }
}
