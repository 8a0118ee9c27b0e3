/**
 * DetailReads: brings every finished job's detail — config, error stack (one per attempt), result
 * metrics — into the cache without anyone opening it. History pages carry it for their finished
 * jobs (written with the rows); events carry the job record only, and a cluster may no longer have
 * a job's BullMQ copy when its page was read. The rest is in the cluster's job detail (the getJob
 * route, `GET /api/v1/jobs/:id`), so this reads it in
 * small batches with a few requests in flight, failed jobs first and newest first, while the
 * cluster is connected. What it works through is a query (`JobCache.detailsWanted`: finished jobs
 * whose stored detail is missing or older than their record), so a restart or a lost connection
 * loses nothing: the next connection picks up where this one stopped. Saving a failed job's
 * detail puts it in its failure group.
 */
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { JobCache } from '../cache/job-cache.ts';
import { ClusterRequestError } from '../clusters/cluster-errors.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';

export interface DetailReadsOptions {
  clusterId: string;
  cache: JobCache;
  http: Pick<ClusterHttp, 'call'>;
  /** Jobs asked per round. */
  batch?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** How long to wait when nothing is wanted, unless woken by new finished jobs. */
  idleMs?: number;
  /** A job the cluster refused for another reason than "gone" is asked again after this long. */
  retryRefusedMs?: number;
  /**
   * Wait this long after connecting before the first read, and between rounds: the sync's own
   * catch-up and live events go first, and a connection that keeps dropping is not loaded further.
   */
  pauseMs?: number;
  onJobsChanged?: (jobIds: string[]) => void;
  log?: (line: string) => void;
}

export class DetailReads {
  private readonly o: Required<Omit<DetailReadsOptions, 'onJobsChanged' | 'log'>> & DetailReadsOptions;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  /** Jobs the cluster refused (other than 404), with when to ask again. */
  private readonly refused = new Map<string, number>();
  /** Detail reads done since this object was made (for tests and logs). */
  read = 0;

  constructor(options: DetailReadsOptions) {
    this.o = { batch: 25, concurrency: 3, idleMs: 5_000, retryRefusedMs: 10 * 60_000, pauseMs: 1_000, ...options };
  }

  /** New finished jobs arrived: look now instead of at the end of the idle wait. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Work until `signal` aborts (the connection ended); a connection problem ends it too. */
  async run(signal: AbortSignal): Promise<void> {
    await pause(this.o.pauseMs, signal);
    while (!signal.aborted) {
      const now = Date.now();
      const wanted = this.o.cache.health.writable
        ? this.o.cache.detailsWanted(this.o.clusterId, this.o.batch + this.refused.size).filter((j) => (this.refused.get(j.id) ?? 0) <= now).slice(0, this.o.batch)
        : [];
      if (wanted.length === 0) {
        await this.idle(signal);
        continue;
      }
      const changed: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < wanted.length && !signal.aborted) {
          const { id } = wanted[next++]!;
          if (await this.readOne(id, signal)) changed.push(id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.o.concurrency, wanted.length) }, worker));
      if (changed.length > 0) this.o.onJobsChanged?.(changed);
      await pause(Math.min(this.o.pauseMs, 100), signal);
    }
  }

  /** Read and save one job's detail; false when nothing was saved. Connection problems end the run. */
  private async readOne(id: string, signal: AbortSignal): Promise<boolean> {
    try {
      const detail = await this.o.http.call(API_ROUTES.getJob, { params: { id }, signal });
      this.read++;
      this.o.cache.saveDetail(this.o.clusterId, detail);
      this.refused.delete(id);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      if (error instanceof ClusterRequestError && error.kind === 'api' && error.httpStatus === 404) {
        // Removed on the cluster (its queue no longer keeps it): the record is all there will be.
        this.o.cache.detailUnavailable(this.o.clusterId, id);
        return true;
      }
      if (error instanceof ClusterRequestError && (error.kind === 'api' || error.kind === 'incompatible')) {
        this.refused.set(id, Date.now() + this.o.retryRefusedMs);
        this.o.log?.(`cluster ${this.o.clusterId}: could not read the detail of job ${id}: ${error.message}; asking again later`);
        return false;
      }
      throw error;
    }
  }

  private idle(signal: AbortSignal): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.o.idleMs);
      timer.unref?.();
      this.wakeUp = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
