/**
 * One subscription to the AdminApi's events, fanned out to the UI in batches: events that arrive
 * within one window are delivered together, so a burst of job changes causes at most
 * 1000 / BATCH_WINDOW_MS UI refreshes per second instead of one per event.
 */
import type { AdminApi, AdminEvent } from '../../contract/admin-api.ts';

export const BATCH_WINDOW_MS = 100;

export type EventBatchListener = (events: readonly AdminEvent[]) => void;

/** Batches AdminApi events for the UI. */
export class EventHub {
  private readonly listeners = new Set<EventBatchListener>();
  private buffer: AdminEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly api: Pick<AdminApi, 'onEvent'>,
    private readonly windowMs = BATCH_WINDOW_MS,
  ) {}

  /** Starts delivering batches to `listener`; returns the function that stops it. */
  subscribe(listener: EventBatchListener): () => void {
    this.listeners.add(listener);
    if (!this.unsubscribe) this.unsubscribe = this.api.onEvent((event) => this.push(event));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private push(event: AdminEvent): void {
    this.buffer.push(event);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  private flush(): void {
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    for (const listener of this.listeners) listener(batch);
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.buffer = [];
  }
}
