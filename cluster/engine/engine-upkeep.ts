/**
 * The engine's background work: a housekeeping pass every minute (event log retention, tombstones,
 * samples, idempotency keys, typical durations) and, every few seconds, bounded reconciliation
 * passes (index vs BullMQ, reconcile.ts) followed by a stream-trim step (stream-trim.ts).
 *
 * Nothing runs until `start()`; `close()` stops the timers and waits for a pass in flight.
 */
import type { EngineContext } from './engine-context.ts';
import { newReconcileState, reconcilePass, type ReconcileResult } from './reconcile.ts';
import { trimStreams, type TrimOptions } from './stream-trim.ts';
import { refreshTypicalDurations } from './typical-durations.ts';

/** Event log retention (count and age); a client's id older than what is kept gets `reset`. */
export interface EventRetention {
  maxEvents: number;
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: EventRetention = { maxEvents: 200_000, maxAgeMs: 7 * 24 * 3600_000 };

const HOUSEKEEPING_EVERY_MS = 60_000;
/** Rows per reconciliation pass. */
const RECONCILE_ROWS = 200;
/** Reconciliation passes per background tick at most. */
const RECONCILE_PASSES_PER_TICK = 5;
/** Resource samples (nodes' and jobs') older than this are dropped. */
const SAMPLES_KEPT_MS = 24 * 3600_000;

export interface UpkeepOptions {
  retention: EventRetention;
  /** Milliseconds between reconciliation ticks (0 = only when called). */
  reconcileEveryMs: number;
  onError(error: unknown): void;
}

export class EngineUpkeep {
  private housekeepingTimer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private readonly reconcileState = newReconcileState();
  private reconciling: Promise<ReconcileResult> | null = null;
  private trimming: Promise<number> | null = null;
  private backgroundBusy = false;
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: UpkeepOptions,
  ) {}

  /** Starts the timers (unref'd: they never keep a process alive). */
  start(): void {
    if (this.closed || this.housekeepingTimer) return;
    const { onError, reconcileEveryMs } = this.options;
    this.housekeepingTimer = setInterval(() => void this.housekeeping().catch(onError), HOUSEKEEPING_EVERY_MS);
    this.housekeepingTimer.unref();
    if (reconcileEveryMs > 0) {
      this.reconcileTimer = setInterval(() => void this.backgroundPass().catch(onError), reconcileEveryMs);
      this.reconcileTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.reconciling?.catch(() => undefined);
    await this.trimming?.catch(() => undefined);
  }

  async reconcile(options: { limit?: number; confirmed?: boolean } = {}): Promise<ReconcileResult> {
    if (this.closed) return { checked: 0, corrected: 0 };
    // One pass at a time (a slow datastore must not stack passes).
    if (this.reconciling) await this.reconciling.catch(() => undefined);
    this.reconciling = reconcilePass(this.ctx, this.reconcileState, options.limit ?? RECONCILE_ROWS, options.confirmed ?? true);
    try {
      return await this.reconciling;
    } finally {
      this.reconciling = null;
    }
  }

  async trimStreams(options?: TrimOptions): Promise<number> {
    if (this.closed) return 0;
    // One at a time, like reconciliation: a slow step must not stack behind the next tick.
    if (this.trimming) return this.trimming;
    this.trimming = trimStreams(this.ctx, options);
    try {
      return await this.trimming;
    } finally {
      this.trimming = null;
    }
  }

  async housekeeping(): Promise<void> {
    if (this.closed) return;
    const { store } = this.ctx;
    await store.trimEvents(this.options.retention);
    const { oldestId } = await store.readEvents(await store.lastEventId(), 1);
    await store.trimTombstones(Number(oldestId));
    await store.trimSamples(Date.now() - SAMPLES_KEPT_MS);
    await store.trimIdempotencyKeys();
    await refreshTypicalDurations(this.ctx);
  }

  /**
   * One tick: reconciliation passes (up to RECONCILE_PASSES_PER_TICK while they come back full, so
   * 100k unfinished jobs are visited in minutes, not the better part of an hour), then a
   * stream-trim step. A tick still at it when the next comes (a slow datastore) skips the next.
   */
  private async backgroundPass(): Promise<void> {
    if (this.backgroundBusy) return;
    this.backgroundBusy = true;
    try {
      for (let pass = 0; pass < RECONCILE_PASSES_PER_TICK && !this.closed; pass++) {
        if ((await this.reconcile()).checked < RECONCILE_ROWS) break;
      }
      await this.trimStreams();
    } finally {
      this.backgroundBusy = false;
    }
  }
}
