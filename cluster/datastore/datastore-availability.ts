/**
 * Whether the datastore answers, known at any moment without waiting for it: a probe pings it
 * every second with a short timeout. The API consults it so that a call during an outage fails in
 * a moment with a message naming the datastore instead of hanging until the datastore returns,
 * `/healthz` says 503 at once, and worker nodes heartbeat the moment it is back.
 */

export interface AvailabilityOptions {
  /** Time between probes (default 1 s). */
  intervalMs?: number;
  /** A ping slower than this counts as a failed probe (default 3 s). */
  timeoutMs?: number;
  /** Failed probes in a row before the datastore counts as unreachable (default 2). */
  failuresToDown?: number;
}

export interface AvailabilityState {
  reachable: boolean;
  latencyMs: number | null;
  /** Why the last probe failed (while unreachable). */
  error: string | null;
}

/** Seconds a client is told to wait before retrying during an outage. */
export const RETRY_AFTER_S = 5;

export class DatastoreAvailability {
  private state: AvailabilityState = { reachable: true, latencyMs: null, error: null };
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<AvailabilityState> | null = null;
  private readonly listeners = new Set<(reachable: boolean) => void>();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly failuresToDown: number;
  private failuresInARow = 0;

  constructor(
    /** The datastore as shown to admins, e.g. `redis://127.0.0.1:6379` or `embedded:/var/lib/…`. */
    readonly description: string,
    /** The kind in words, e.g. "Redis", "PostgreSQL", "the embedded PostgreSQL". */
    readonly what: string,
    private readonly ping: () => Promise<number>,
    options: AvailabilityOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.failuresToDown = Math.max(1, options.failuresToDown ?? 2);
  }

  get reachable(): boolean {
    return this.state.reachable;
  }

  get current(): AvailabilityState {
    return { ...this.state };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  /**
   * Pings now (one probe at a time; callers arriving meanwhile share it) and answers what this
   * probe found. The shared state turns unreachable only after `failuresToDown` failed probes in a
   * row: a busy but healthy datastore (a PostgreSQL pool whose connections all run long queries)
   * can miss one ping, and one miss must not answer every call with 503.
   */
  probe(): Promise<AvailabilityState> {
    this.probing ??= this.ping_().finally(() => (this.probing = null));
    return this.probing;
  }

  private async ping_(): Promise<AvailabilityState> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const latencyMs = await Promise.race([
        this.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      this.failuresInARow = 0;
      this.set({ reachable: true, latencyMs, error: null });
      return this.current;
    } catch (error) {
      this.failuresInARow += 1;
      const failed: AvailabilityState = { reachable: false, latencyMs: null, error: error instanceof Error ? error.message || error.name : String(error) };
      if (this.failuresInARow >= this.failuresToDown) this.set(failed);
      return failed;
    } finally {
      clearTimeout(timer);
    }
  }

  private set(next: AvailabilityState): void {
    const changed = next.reachable !== this.state.reachable;
    this.state = next;
    if (!changed) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(next.reachable);
      } catch {
        // A listener's failure is its own; the others still hear the change.
      }
    }
  }

  /** Called with the new value whenever reachability changes. */
  onChange(listener: (reachable: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The words for a call refused or cut short by an outage: which datastore, why, what to do. */
  message(): string {
    const why = this.state.error ? ` (${this.state.error})` : '';
    return (
      `the cluster's datastore ${this.what} at ${this.description} cannot be reached${why}. ` +
      `Retry in ${RETRY_AFTER_S} s; if it lasts, check that ${this.what} is running and reachable from the cluster.`
    );
  }
}
