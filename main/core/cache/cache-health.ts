/**
 * Whether the cache file can be written. A write that fails for a storage reason (full disk, I/O
 * error, read-only or locked file) pauses every write: the sync stops taking events, the UI keeps
 * reading what the cache holds and shows the message, and a probe write is tried every `retryMs`;
 * once one succeeds, writing (and syncing) resumes. The log gets one line when writing stops and one
 * when it resumes — not one per attempt, also when a nearly full disk makes it go back and forth.
 */
import type { StorageProblem } from '../../../contract/admin-api.ts';
import { describeStorageProblem, storageFaultOf } from './storage-problems.ts';

export interface CacheHealthState {
  problem: StorageProblem | null;
  message: string | null;
  since: string | null;
  writesPaused: boolean;
  /** Since when a bulk load is on (bulk-load.ts): search and reports miss the jobs it writes until it ends. */
  bulkLoadSince?: string | null;
}

export interface CacheHealthOptions {
  /** The folder holding the cache file (named in the messages). */
  folder: string;
  /** A real write about a sync batch's size, undone again; throws while the file cannot take it. */
  probe: () => void;
  log?: (line: string) => void;
  retryMs?: number;
}

/** The same problem is logged again only after this long. */
const RELOG_MS = 10 * 60_000;

const OK: CacheHealthState = { problem: null, message: null, since: null, writesPaused: false };

export class CacheHealth {
  private current: CacheHealthState = OK;
  private readonly listeners = new Set<(state: CacheHealthState) => void>();
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastLogged: { message: string; at: number } | null = null;
  /** A stop was logged and its resume not yet. */
  private stopLogged = false;

  constructor(private readonly o: CacheHealthOptions) {}

  get state(): CacheHealthState {
    return this.current;
  }

  get writable(): boolean {
    return !this.current.writesPaused;
  }

  get retryMs(): number {
    return this.o.retryMs ?? 15_000;
  }

  /**
   * A write failed: when for a storage reason, pause writing (retried by itself) and return true;
   * false for anything else (the caller handles it).
   */
  report(error: unknown): boolean {
    const fault = storageFaultOf(error, this.o.folder);
    if (fault === null) return false;
    // Damage found while running is handled at the next start (quick_check); until then it is an I/O error.
    const problem = fault === 'corrupt' ? 'io-error' : fault;
    this.set({ problem, message: describeStorageProblem(problem, this.o.folder, error), since: this.current.since ?? new Date().toISOString(), writesPaused: true });
    return true;
  }

  /** Start in a known problem state (the file could not be opened normally). */
  startDegraded(problem: StorageProblem, message: string, writesPaused: boolean): void {
    this.set({ problem, message, since: new Date().toISOString(), writesPaused });
  }

  /** Try writing now; true when the cache is (again) writable. */
  retryNow(): boolean {
    if (this.writable) return true;
    try {
      this.o.probe();
    } catch (error) {
      if (!this.report(error)) this.o.log?.(`the job cache's write test failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (this.stopLogged) this.o.log?.(`the job cache in ${this.o.folder} can be written again: syncing resumes`);
    this.stopLogged = false;
    this.set(OK);
    return true;
  }

  /** Resolves when writes are not paused (at once when they are not); rejects when `signal` aborts. */
  whenWritable(signal?: AbortSignal): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        this.waiters.delete(done);
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiters.add(done);
    });
  }

  /** A bulk load began (when) or ended (null): only said, writing goes on. */
  bulkLoad(since: string | null): void {
    if ((this.current.bulkLoadSince ?? null) === since) return;
    this.current = { ...this.current, bulkLoadSince: since };
    for (const listener of this.listeners) listener(this.current);
  }

  onChange(listener: (state: CacheHealthState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private set(state: CacheHealthState): void {
    const prev = this.current;
    if (prev.problem === state.problem && prev.message === state.message && prev.writesPaused === state.writesPaused) return;
    // A bulk load stays on whatever happens to writing.
    const next = prev.bulkLoadSince ? { ...state, bulkLoadSince: prev.bulkLoadSince } : state;
    this.current = next;
    if (next.message && this.shouldLog(next.message)) {
      this.o.log?.(next.message);
      this.stopLogged = true;
    }
    if (next.writesPaused && !this.timer) {
      this.timer = setInterval(() => this.retryNow(), this.retryMs);
      this.timer.unref?.();
    }
    if (!next.writesPaused) {
      this.close();
      for (const wake of [...this.waiters]) wake();
    }
    for (const listener of this.listeners) listener(next);
  }

  private shouldLog(message: string): boolean {
    const now = Date.now();
    if (this.lastLogged && this.lastLogged.message === message && now - this.lastLogged.at < RELOG_MS) return false;
    this.lastLogged = { message, at: now };
    return true;
  }
}
