/**
 * What the load model of a queue stands on, gathered from the rows the queue metrics read anyway:
 * the job index's finished jobs of the last hour, the running jobs and the jobs ready and waiting.
 * Pure, so the counting is tested on known rows; cluster-summary.ts feeds it.
 *
 * A job "arrives" when it joins the ready backlog: at the later of its creation and its runAt (a
 * job scheduled for later is not load until then). Approximations, each because the exact answer
 * would need another read per refresh:
 * - arrivals are counted over the jobs still visible: finished in the last hour, running, and ready
 *   and waiting; a job that arrived and is now delayed again, waits for other jobs, or was removed
 *   is missed;
 * - cancelled jobs count neither as arrivals nor as completions: an admin took them away, so they
 *   are not work the queue did or failed to do;
 * - ready jobs beyond those read (the oldest MAX_WAITING_READ are read) are younger than every job
 *   read, so they count as arrivals in a period when the youngest job read arrived in it;
 * - the servers are what the live worker nodes serving the queue run (serversOf), from their last
 *   heartbeat: a node started or resized since counts from its next one.
 *
 * The same rows keep score of the wait predictions (forecast-error.ts): each started job that
 * carries one, queued for now (a job scheduled or delayed to a later runAt was not predicted for
 * when it became ready). A job an admin retried counts the wait before its latest start.
 */
import type { JobType } from '../../contract/domain.ts';
import type { WorkerNode } from '../../contract/metrics.ts';
import type { FinishedSample } from '../datastore/shared-store.ts';
import type { ScoredWait } from './forecast-error.ts';
import { latest } from './latest.ts';
import type { LoadInputs } from './load-model.ts';

export const LOAD_SHORT_MS = 15 * 60_000;
export const LOAD_LONG_MS = 60 * 60_000;
/** The most recent run times the run time statistics use (enough for a stable mean and variation). */
export const MAX_RUN_SAMPLES = 500;

type Started = Pick<FinishedSample, 'type' | 'createdAt' | 'runAt'> & Partial<Pick<FinishedSample, 'startedAt' | 'predictedWaitMs'>>;

export interface LoadSources {
  now: number;
  type: JobType;
  paused: boolean;
  concurrency: number;
  /** Jobs of this queue the live worker nodes can run at once (serversOf). */
  servers: number;
  /** Jobs of this type running now. */
  running: number;
  /** Jobs of this type ready to run and waiting. */
  ready: number;
  /** Jobs finished since at least an hour ago (any type; filtered here). */
  finished: readonly FinishedSample[];
  /** Running jobs (any type; filtered here). */
  runningRows: readonly Started[];
  /** When each ready job read became ready (this queue's), and how many ready jobs were not read. */
  waitingSince: readonly number[];
  waitingUnread: number;
}

/**
 * Jobs of a queue the live worker nodes can run at once: none without a live node serving it; with
 * a concurrency an admin set, that (BullMQ's limit across the nodes, each of which sizes its
 * workers to it); without one, the sum of what the serving nodes run each (`serve --workers N`, a
 * worker node's `--concurrency N`), which the queue's default concurrency does not limit.
 */
export function serversOf(type: JobType, setConcurrency: number | null, workers: readonly Pick<WorkerNode, 'status' | 'queues' | 'concurrency'>[]): number {
  const serving = workers.filter((w) => w.status === 'online' && w.queues.includes(type));
  if (serving.length === 0) return 0;
  if (setConcurrency !== null) return setConcurrency;
  return serving.reduce((n, w) => n + (w.concurrency[type] ?? 0), 0);
}

function readyAt(s: Pick<FinishedSample, 'createdAt' | 'runAt'>): number {
  return Math.max(s.createdAt, s.runAt ?? 0);
}

/** Run times of the type's latest jobs that started and finished (not cancelled) since a time. */
export function recentRunTimes(finished: readonly FinishedSample[], type: JobType, since: number): number[] {
  const ran = finished.filter((s) => s.type === type && s.base !== 'cancelled' && s.startedAt !== null && s.finishedAt >= since);
  return latest(ran, (s) => s.finishedAt, MAX_RUN_SAMPLES).map((s) => Math.max(0, s.finishedAt - s.startedAt!));
}

/** Started jobs of the type with a prediction made when they were queued, against the wait they had. */
export function scoredWaitsOf(type: JobType, rows: readonly Started[]): ScoredWait[] {
  const out: ScoredWait[] = [];
  for (const r of rows) {
    if (r.type !== type || r.startedAt == null || r.predictedWaitMs == null) continue;
    if (r.runAt !== null && r.runAt > r.createdAt) continue;
    out.push({ predictedMs: r.predictedWaitMs, actualMs: Math.max(0, r.startedAt - r.createdAt), startedAt: r.startedAt });
  }
  return out;
}

export function loadInputsOf(src: LoadSources): LoadInputs {
  const short = src.now - LOAD_SHORT_MS;
  const long = src.now - LOAD_LONG_MS;
  const mine = src.finished.filter((s) => s.type === src.type);
  const finished = mine.filter((s) => s.base !== 'cancelled');
  const arrivedAt = [
    ...finished.map(readyAt),
    ...src.runningRows.filter((s) => s.type === src.type).map(readyAt),
    ...src.waitingSince,
  ];
  const youngestRead = src.waitingSince.length > 0 ? Math.max(...src.waitingSince) : null;
  const unreadIn = (since: number) => (youngestRead !== null && youngestRead >= since ? src.waitingUnread : 0);
  const arrivalsIn = (since: number) => arrivedAt.filter((t) => t >= since).length + unreadIn(since);
  const completionsIn = (since: number) => finished.filter((s) => s.finishedAt >= since).length;
  const runTimesMs = recentRunTimes(finished, src.type, long);
  return {
    paused: src.paused,
    concurrency: src.concurrency,
    servers: src.servers,
    busy: src.running,
    backlog: src.ready,
    arrivals15m: arrivalsIn(short),
    completions15m: completionsIn(short),
    arrivals60m: arrivalsIn(long),
    completions60m: completionsIn(long),
    runTimesMs,
    scoredWaits: scoredWaitsOf(src.type, [...mine, ...src.runningRows]),
  };
}
