/**
 * Reconciliation: the job index re-checked against BullMQ, a bounded page at a time.
 *
 * The recorders follow BullMQ's event streams, which can miss things: on PostgreSQL event ids come
 * from a sequence, so a reader can pass an id whose transaction commits later, and removals by
 * other tools are not announced. Each pass reads up to `limit` unfinished index rows (pending or
 * active, in creation order, continuing where the last pass stopped and wrapping around), reads
 * their BullMQ jobs in one call per queue, and records a correcting `reconciled` change (or the
 * removal, or the `cancelled` record of a pending cancel) for rows that disagree.
 *
 * A recorder that is merely behind must not cause corrections: a row is corrected only when the
 * same disagreement (same row version) was already seen by the previous visit, at least a pass
 * earlier. The change's dedup key is the row version, so engines on several nodes that correct the
 * same row record it once; its `src` is the queue's recorder position read before BullMQ, so a
 * newer recorded event always wins over the correction.
 *
 * Each pass also releases jobs held for dependencies that all completed: only a recorded
 * completion releases them, and a completion the stream lost is only corrected here.
 */
import { JOB_TYPES } from '../../contract/domain.ts';
import { type RecordChange, rowsByType } from '../datastore/shared-store.ts';
import { fetchBullJobs } from './bull-job-fetch.ts';
import type { EngineContext } from './engine-context.ts';
import { removalChange } from './event-recorder.ts';
import { buildJobRow } from './job-record.ts';
import { releaseCompletedHolds } from './job-submit.ts';

export interface ReconcileState {
  /** Creation sequence after which the next pass starts (0 = from the beginning). */
  after: number;
  /** Rows that disagreed at their last visit: id → change sequence of the row then. */
  suspects: Map<string, number>;
}

export interface ReconcileResult {
  checked: number;
  corrected: number;
}

export function newReconcileState(): ReconcileState {
  return { after: 0, suspects: new Map() };
}

/** One bounded pass; `confirmed: false` corrects at the first sight (tests, a one-off repair). */
export async function reconcilePass(ctx: EngineContext, state: ReconcileState, limit = 200, confirmed = true): Promise<ReconcileResult> {
  const { store } = ctx;
  const rows = await store.unfinished(state.after, limit);
  state.after = rows.length < limit ? 0 : rows.at(-1)!.createdSeq;
  const byType = rowsByType(rows);
  const changes: RecordChange[] = [];
  const at = new Date().toISOString();
  for (const type of JOB_TYPES) {
    const list = byType.get(type);
    if (!list) continue;
    // Read the position before BullMQ: what BullMQ says next is at least that new.
    const src = (await store.recorderCursor(type)) ?? '';
    const jobs = await fetchBullJobs(ctx.datastore, ctx.queue(type), list.map((r) => r.id));
    const now = Date.now();
    for (const row of list) {
      const raw = jobs.get(row.id);
      let change: RecordChange | null = null;
      const base = { src, at, dedupKey: `reconcile:${row.id}:${row.changeSeq}` };
      if (!raw) {
        change = removalChange(row, false, type, base);
      } else {
        const actual = buildJobRow({ job: raw.job, type, bullState: raw.state, now, stuckAfterMs: ctx.settings.stuckAfterMs });
        // Whether it is in line too: a delay that ended or a run-now whose event was missed would
        // otherwise keep a job out of line, or a delayed one ahead of others.
        if (actual && (actual.base !== row.base || actual.paused !== row.paused || actual.priority !== row.priority || actual.ready !== row.ready)) {
          change = { ...base, job: { row: actual, change: 'reconciled' } };
        }
      }
      if (!change) {
        state.suspects.delete(row.id);
        continue;
      }
      if (confirmed && state.suspects.get(row.id) !== row.changeSeq) {
        state.suspects.set(row.id, row.changeSeq);
        continue;
      }
      state.suspects.delete(row.id);
      changes.push(change);
    }
  }
  // Suspects never visited again (finished meanwhile) must not pile up.
  if (state.suspects.size > 10_000) state.suspects.clear();
  const results = changes.length > 0 ? await store.recordChanges(changes) : [];
  for (const c of changes) ctx.notifyApplied(c.job?.row.id ?? c.removed?.id ?? null);
  await releaseCompletedHolds(ctx);
  return { checked: rows.length, corrected: results.filter((r) => r.eventId !== null).length };
}
