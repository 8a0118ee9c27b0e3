/**
 * ClusterSync: keeps the cache equal to one cluster, with no gaps.
 *
 * - First connect (or an interrupted first pull): page through the history route from the stored
 *   cursor until done, then stream events after the last page's `eventId`.
 * - Reconnect: stream from the last stored event id (`Last-Event-ID`); the cluster replays what we
 *   missed. A `reset` (our id is older than what the cluster keeps) pulls history from the stored
 *   cursor, then streams again from the new id.
 * - A cluster whose event ids went backwards was rebuilt (new datastore): its cached jobs are
 *   dropped and pulled again from scratch.
 * - Resync (asked for by the admin through ClusterClient.resync, which passes `fullPull` to
 *   prepare): the whole history is pulled again over the cached jobs.
 * - Live events are coalesced per job and written in batched transactions (every `flushMs` or
 *   `maxBatch` events), each together with the event id it reaches — so a crash never leaves the
 *   cursor ahead of the data.
 * - A batch the cache cannot take (full disk, I/O error…) is held and tried again; the stream ends
 *   at the next event, and the next connect waits until the cache can be written, then resumes from
 *   the stored event id — the cluster sends again what was not written. Nothing escapes a timer.
 */
import type { JobFilter } from '../../../contract/api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { compareEventIds, type ClusterEvent, type HistoryPage } from '../../../contract/events.ts';
import type { JobCache } from '../cache/job-cache.ts';
import { ClusterRequestError } from '../clusters/cluster-errors.ts';
import type { PrepareRequest, StreamSession } from '../clusters/cluster-client.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';
import { DetailReads, type DetailReadsOptions } from './detail-reads.ts';
import { EventCoalescer, type CoalescedBatch } from './event-coalescer.ts';

/** A cache write failed; the cache's health says why (or the error was logged). */
class CacheWriteFailed extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ClusterSyncOptions {
  clusterId: string;
  cache: JobCache;
  http: ClusterHttp;
  /** Jobs changed in the cache (ids), for the UI. */
  onJobsChanged?: (jobIds: string[]) => void;
  /** Queues, workers or the summary changed. */
  onQueuesChanged?: () => void;
  /** Every event received once (replayed duplicates dropped), for those that follow more than jobs (alerts, lag). */
  onClusterEvent?: (event: ClusterEvent) => void;
  flushMs?: number;
  maxBatch?: number;
  historyPageSize?: number;
  /** Minimum time between stored queue samples (charts), in ms. */
  sampleEveryMs?: number;
  /** A pull writes as a bulk load when the cluster has at least this many jobs the cache lacks (JobCache.bulkLoadWorthIt). */
  bulkLoadMinJobs?: number;
  /** How finished jobs' details are read in the background (batch, concurrency, idle wait). */
  detailReads?: Partial<Pick<DetailReadsOptions, 'batch' | 'concurrency' | 'idleMs' | 'retryRefusedMs' | 'pauseMs'>>;
  log?: (line: string) => void;
}

/**
 * compareEventIds without BigInt for the common case (same-form decimals without leading zeros):
 * a longer number is larger, equal lengths compare as text. Called once per live event.
 */
export function eventIdOrder(a: string, b: string): number {
  if ((a.length > 1 && a[0] === '0') || (b.length > 1 && b[0] === '0')) return compareEventIds(a, b);
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const ACTIVE_FILTER: JobFilter = { state: ['pending', 'running', 'paused', 'stuck'] };

export class ClusterSync implements StreamSession {
  private readonly coalescer = new EventCoalescer();
  private timer: NodeJS.Timeout | null = null;
  private needsHistory = false;
  /** The newest event id received (written or pending), to drop replayed duplicates. */
  private lastSeenId: string | null = null;
  private lastSampleAt = 0;
  /** A batch the cache could not take: written when it can, or dropped (and pulled again) at the next connect. */
  private held: CoalescedBatch | null = null;
  /** A write failed for a reason that is not the storage's: wait a little before trying again. */
  private failedOddly = false;
  private readonly o: Required<Omit<ClusterSyncOptions, 'onJobsChanged' | 'onQueuesChanged' | 'onClusterEvent' | 'log' | 'bulkLoadMinJobs'>> & ClusterSyncOptions;

  /** Reads the details (config, stack, result) of finished jobs while connected. */
  readonly details: DetailReads;

  constructor(options: ClusterSyncOptions) {
    this.o = { flushMs: 100, maxBatch: 500, historyPageSize: 1000, sampleEveryMs: 60_000, detailReads: {}, ...options };
    this.details = new DetailReads({
      clusterId: options.clusterId,
      cache: options.cache,
      http: options.http,
      ...this.o.detailReads,
      onJobsChanged: (ids) => this.o.onJobsChanged?.(ids),
      log: options.log,
    });
  }

  /** Read finished jobs' details for as long as this connection lasts; a failed round is tried again. */
  private startDetailReads(signal: AbortSignal): void {
    const loop = async () => {
      while (!signal.aborted) {
        try {
          await this.details.run(signal);
        } catch (error) {
          if (signal.aborted) return;
          this.o.log?.(`cluster ${this.id}: reading job details paused: ${error instanceof Error ? error.message : String(error)}`);
          await sleep(this.o.detailReads.idleMs ?? 5_000, signal).catch(() => undefined);
        }
      }
    };
    void loop();
  }

  private get id(): string {
    return this.o.clusterId;
  }

  async prepare(signal: AbortSignal, request: PrepareRequest): Promise<string | null> {
    // A full pull that completed is not repeated when a later write of the same prepare fails.
    const pull = { full: request.fullPull };
    for (;;) {
      if (this.failedOddly) {
        this.failedOddly = false;
        await sleep(this.o.cache.health.retryMs, signal);
      }
      await this.o.cache.health.whenWritable(signal);
      try {
        const resumeId = await this.catchUp(signal, pull);
        this.startDetailReads(signal);
        return resumeId;
      } catch (error) {
        if (!(error instanceof CacheWriteFailed)) throw error;
      }
    }
  }

  /** Run a cache write; a failure is reported (storage) or logged and becomes CacheWriteFailed. */
  private write<T>(what: () => T): T {
    try {
      return what();
    } catch (error) {
      if (!this.o.cache.health.report(error)) {
        this.failedOddly = true;
        this.o.log?.(`cluster ${this.id}: could not write to the cache: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw new CacheWriteFailed(error instanceof Error ? error.message : String(error));
    }
  }

  private async catchUp(signal: AbortSignal, pull: { full: boolean }): Promise<string | null> {
    this.held = null;
    this.flush();
    let state = this.o.cache.syncState(this.id);
    if (pull.full) {
      this.o.log?.(`cluster ${this.id}: pulling every job again (resync asked for)`);
      await this.pullHistory(signal, null);
      pull.full = false;
    } else if (!this.needsHistory && state.lastEventId !== null && state.historyComplete) {
      // Cheap probe: a cluster whose newest event id is below ours was rebuilt.
      const probe = await this.o.http.call(API_ROUTES.history, {
        query: { after: state.historyCursor ?? undefined, limit: 1 },
        signal,
      });
      if (compareEventIds(probe.eventId, state.lastEventId) < 0) await this.rebuild(signal, 'its event ids went back');
    } else if (state.lastEventId === null || !state.historyComplete || this.needsHistory) {
      await this.pullHistory(signal, state.historyCursor);
    }
    this.needsHistory = false;
    state = this.o.cache.syncState(this.id);
    this.lastSeenId = state.lastEventId;
    return state.lastEventId;
  }

  /** Drop this cluster's cached jobs and pull its whole history again. */
  private async rebuild(signal: AbortSignal, why: string): Promise<void> {
    this.o.log?.(`cluster ${this.id}: ${why}: rebuilding its cached jobs from the cluster`);
    this.write(() => this.o.cache.dropClusterJobs(this.id));
    await this.pullHistory(signal, null);
  }

  /**
   * Page through history from `cursor` until the cluster says there is no more. The next page is
   * asked for as soon as a page arrives, so the cluster reads it while this one is written.
   */
  async pullHistory(signal: AbortSignal, from: string | null): Promise<void> {
    let bulk = false;
    try {
      await this.pullPages(signal, from, async () => {
        bulk = await this.bulkLoadWanted(signal, from);
        if (!bulk) return;
        this.o.log?.(`cluster ${this.id}: pulling its history as a bulk load (search and reports see the new jobs when it ends)`);
        this.write(() => this.o.cache.beginBulkLoad(this.id));
      });
    } finally {
      if (bulk) this.endBulkLoad();
    }
  }

  /**
   * A pull of a whole history (from scratch, or one never completed) longer than a page writes the
   * rest as a bulk load when the cluster has many jobs the cache lacks (JobCache.bulkLoadWorthIt);
   * its summary says how many it has.
   */
  private async bulkLoadWanted(signal: AbortSignal, from: string | null): Promise<boolean> {
    if (from !== null && this.o.cache.syncState(this.id).historyComplete) return false;
    let total: number;
    try {
      total = (await this.o.http.call(API_ROUTES.summary, { signal })).total;
    } catch (error) {
      if (signal.aborted) throw error;
      // The pages say whether the cluster can be read; without a total the triggers stay.
      return false;
    }
    return this.o.cache.bulkLoadWorthIt(this.id, total, this.o.bulkLoadMinJobs);
  }

  /** End this cluster's part of the bulk load; a failure leaves the load on, finished at the next open of the cache. */
  private endBulkLoad(): void {
    try {
      this.o.cache.endBulkLoad(this.id);
    } catch (error) {
      if (!this.o.cache.health.report(error)) this.o.log?.(`cluster ${this.id}: could not finish the bulk load: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The pages of a pull; `whenLonger` runs once, after the first page, when more follow. */
  private async pullPages(signal: AbortSignal, from: string | null, whenLonger: () => Promise<void>): Promise<void> {
    let longer = false;
    const before = this.o.cache.syncState(this.id).lastEventId;
    const ask = (after: string | null): Promise<HistoryPage> => {
      const request = this.o.http.call(API_ROUTES.history, {
        query: { after: after ?? undefined, limit: this.o.historyPageSize },
        signal,
        timeoutMs: 60_000,
      });
      // Awaited below, unless a write failed first: then nobody waits for it.
      request.catch(() => undefined);
      return request;
    };
    let cursor = from;
    let next = ask(cursor);
    for (;;) {
      let page: HistoryPage;
      try {
        page = await next;
      } catch (error) {
        // A cursor the cluster refuses (its datastore was replaced): start from scratch.
        if (error instanceof ClusterRequestError && error.kind === 'api' && error.httpStatus === 400 && cursor !== null) {
          this.o.log?.(`cluster ${this.id}: the cluster refused our history cursor (${error.message}): rebuilding`);
          this.write(() => this.o.cache.dropClusterJobs(this.id));
          cursor = null;
          next = ask(cursor);
          continue;
        }
        throw error;
      }
      const done = !page.hasMore;
      if (!done) {
        if (page.cursor === cursor && page.items.length === 0 && page.removed.length === 0) {
          throw new ClusterRequestError('incompatible', 'the cluster says more history follows but its cursor does not move');
        }
        next = ask(page.cursor);
      }
      const changed = this.write(() =>
        this.o.cache.applyBatch(this.id, {
          jobs: page.items,
          removed: page.removed.map((r) => r.id),
          details: page.details,
          historyCursor: page.cursor,
          ...(done ? { lastEventId: page.eventId, historyComplete: true } : {}),
        }),
      );
      if (changed.length > 0) this.o.onJobsChanged?.(changed);
      if (!done && !longer) {
        longer = true;
        await whenLonger();
      }
      if (done) {
        if (from !== null && before !== null && compareEventIds(page.eventId, before) < 0) {
          await this.rebuild(signal, 'its event ids went back');
        }
        return;
      }
      cursor = page.cursor;
    }
  }

  onEvent(event: ClusterEvent): void | 'resync' | 'refresh' {
    if (event.kind === 'reset') {
      this.flush();
      this.needsHistory = true;
      this.o.log?.(`cluster ${this.id}: the cluster no longer has the events we missed (${event.reason}): pulling history`);
      return 'resync';
    }
    // Take nothing more while a batch waits for the cache: the stream resumes from the stored id.
    if (this.held) return 'resync';
    if (this.lastSeenId !== null && eventIdOrder(event.id, this.lastSeenId) <= 0) return; // replayed twice
    this.lastSeenId = event.id;
    this.o.onClusterEvent?.(event);
    switch (event.kind) {
      case 'job':
        this.coalescer.addJob(event.id, event.job);
        break;
      case 'job-removed':
        this.coalescer.addRemoval(event.id, event.jobId);
        break;
      case 'queue':
      case 'worker':
        this.coalescer.addOther(event.id);
        this.o.onQueuesChanged?.();
        break;
    }
    if (this.coalescer.size >= this.o.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.flushMs);
    // Places in line and queue metrics come with the live refresh: a job that entered or left the
    // queue (or changed its priority there) makes them stale.
    if ((event.kind === 'job' && (event.job.state === 'pending' || event.change === 'cancelled')) || event.kind === 'job-removed') return 'refresh';
  }

  /** Write the coalesced events in one transaction with the id they reach. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.held && this.coalescer.size === 0) return;
    const batch = this.held ?? this.coalescer.drain();
    this.held = null;
    let changed: string[];
    try {
      if (!this.o.cache.health.writable) throw new CacheWriteFailed('writing is paused');
      changed = this.write(() => this.o.cache.applyBatch(this.id, { jobs: batch.jobs, removed: batch.removed, lastEventId: batch.lastEventId }));
    } catch (error) {
      if (!(error instanceof CacheWriteFailed)) throw error;
      // Nothing of it was written, its event id neither: hold it and try again.
      this.held = batch;
      this.timer = setTimeout(() => this.flush(), this.o.cache.health.retryMs);
      this.timer.unref?.();
      return;
    }
    if (changed.length > 0) this.o.onJobsChanged?.(changed);
    if (batch.jobs.some((j) => j.state === 'failed' || j.state === 'completed')) this.details.wake();
  }

  async settle(): Promise<void> {
    this.flush();
    if (this.held) {
      // The stream ended: the next connect resumes from the stored id, which the held batch never reached.
      this.held = null;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Live data while online: the summary (with queues) and the active and pending jobs. */
  async refresh(signal: AbortSignal): Promise<void> {
    const summary = await this.o.http.call(API_ROUTES.summary, { signal });
    const now = Date.now();
    this.o.cache.saveSnapshot(this.id, 'summary', summary);
    if (now - this.lastSampleAt >= this.o.sampleEveryMs) {
      this.lastSampleAt = now;
      this.o.cache.recordQueueSamples(this.id, new Date(now).toISOString(), summary.queues);
    }
    const live = await this.o.http.call(API_ROUTES.listJobs, {
      query: { state: ACTIVE_FILTER.state!.join(','), sort: 'priority', limit: 500 },
      signal,
    });
    const changed = this.o.cache.refreshLive(this.id, live.items);
    this.o.cache.touch(this.id);
    if (changed.length > 0) this.o.onJobsChanged?.(changed);
    this.o.onQueuesChanged?.();
  }
}
