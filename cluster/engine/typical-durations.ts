/**
 * Typical running time per job type, from the cluster's own recent history: the median duration of
 * the last completed jobs of each type. ETAs use it before a job's progress says much, and blend it
 * with the progress rate as the job advances.
 */
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { EngineContext } from './engine-context.ts';
import { listJobs } from './job-list.ts';

/** How many recent completed jobs of a type make its typical duration. */
const SAMPLE = 50;

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Refresh `ctx.typicalDurations` from the index (one small keyset page per type). */
export async function refreshTypicalDurations(ctx: EngineContext): Promise<void> {
  for (const type of JOB_TYPES as readonly JobType[]) {
    const page = await listJobs(ctx, { state: ['completed'], type: [type], sort: '-finished', limit: SAMPLE });
    const typical = median(page.items.map((j) => j.durationMs).filter((d): d is number => d !== null && d > 0));
    if (typical === undefined) ctx.typicalDurations.delete(type);
    else ctx.typicalDurations.set(type, typical);
  }
}
