/**
 * Fans AdminEvents out to subscribers (windows, SSE clients). Job and queue changes arrive by the
 * hundred per second under load; they are gathered per cluster and sent at most every
 * `intervalMs` (100 ms → ≤ 10 batches a second), so the UI refreshes smoothly instead of thrashing.
 * Status, cluster-list and settings events are rare and go out at once.
 */
import type { AdminEvent } from '../../contract/admin-api.ts';

/** More ids than this in one batch are not listed: the UI refetches its page either way. */
const MAX_IDS = 1000;

export class AdminEventHub {
  private readonly listeners = new Set<(event: AdminEvent) => void>();
  private readonly jobs = new Map<string, Set<string>>();
  private readonly queues = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;

  constructor(
    private readonly intervalMs = 100,
    private readonly log?: (line: string) => void,
  ) {}

  subscribe(listener: (event: AdminEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Send now (rare events). */
  emit(event: AdminEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log?.(`an event listener failed: ${String(error)}`);
      }
    }
  }

  jobsChanged(clusterId: string, jobIds: readonly string[]): void {
    let set = this.jobs.get(clusterId);
    if (!set) this.jobs.set(clusterId, (set = new Set()));
    for (const id of jobIds) if (set.size < MAX_IDS) set.add(id);
    this.schedule();
  }

  queuesChanged(clusterId: string): void {
    this.queues.add(clusterId);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Send what was gathered. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = Date.now();
    const jobs = [...this.jobs];
    const queues = [...this.queues];
    this.jobs.clear();
    this.queues.clear();
    for (const [clusterId, ids] of jobs) this.emit({ kind: 'jobs-changed', clusterId, jobIds: [...ids] });
    for (const clusterId of queues) this.emit({ kind: 'queues-changed', clusterId });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
