/**
 * What the wait time is measured over, read from BullMQ and the job index: when each job ready to
 * run became ready, and the running jobs' starts. BullMQ knows which jobs are ready (waiting or
 * prioritized, not delayed or held for dependencies); the job index knows their times.
 */
import type { Queue } from 'bullmq';
import type { JobType } from '../../contract/domain.ts';
import type { FinishedSample, SharedStore } from '../datastore/shared-store.ts';

/** Job types whose jobs wait for child jobs before they run (a sweep's parent): no queue wait of their own. */
export const WAITS_FOR_CHILDREN: ReadonlySet<JobType> = new Set<JobType>(['sweep']);

/** Ready jobs read per queue; more count as the youngest read (see waitsOf). */
export const MAX_WAITING_READ = 500;
/** Running jobs read for their waits (more than any cluster runs at once). */
const MAX_RUNNING_READ = 2_000;

/** Jobs BullMQ can hand to a worker now: waiting or prioritized (not delayed, not waiting for children). */
export async function readyCount(queue: Queue): Promise<number> {
  return (await readyAndActive(queue)).ready;
}

/**
 * The ready jobs and the jobs holding a worker slot, in one read: the load model sets one against
 * the other (idle workers take ready jobs), and the job index's running count lags BullMQ's by the
 * recorders' delay, which right after a resume reads every worker idle with their jobs gone.
 */
export async function readyAndActive(queue: Queue): Promise<{ ready: number; active: number }> {
  const counts = await queue.getJobCounts('wait', 'prioritized', 'active');
  return { ready: (counts.wait ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0 };
}

/**
 * When each ready job of a queue became ready: the later of its creation and its runAt. The
 * waiting list is read from its oldest end; the prioritized set in run order.
 */
export async function waitingSince(queue: Queue, store: SharedStore, ready: number): Promise<{ since: number[]; unread: number }> {
  if (ready === 0) return { since: [], unread: 0 };
  const ids = await queue.getRanges(['wait', 'prioritized'], 0, MAX_WAITING_READ - 1, true);
  const rows = await store.getRows(ids.slice(0, MAX_WAITING_READ));
  const since: number[] = [];
  for (const row of rows.values()) {
    if (row.base !== 'pending') continue;
    const runAt = row.record.runAt ? Date.parse(row.record.runAt) : 0;
    since.push(Math.max(row.createdAt, runAt));
  }
  return { since, unread: Math.max(0, ready - since.length) };
}

/** Running jobs with their start, for the waits of recently started jobs. */
export async function runningStarts(store: SharedStore, stuckBefore: number): Promise<(Pick<FinishedSample, 'createdAt' | 'startedAt' | 'runAt' | 'predictedWaitMs'> & { type: JobType })[]> {
  const page = await store.listRows({ filter: { bases: ['active'] }, sort: 'created', desc: true, limit: MAX_RUNNING_READ, stuckBefore });
  return page.rows.map((r) => ({
    type: r.type,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    runAt: r.record.runAt ? Date.parse(r.record.runAt) : null,
    predictedWaitMs: r.record.predictedWaitMs ?? null,
  }));
}
