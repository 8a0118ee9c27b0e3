/**
 * Stuck jobs: a running job whose last progress (or start) is older than the cluster's stuck
 * threshold is *shown* as `stuck` by the engine at read time. This detector makes the change an
 * event: it lists the stuck jobs and announces each one once per silence (a `job` event with
 * change `stuck`, through the engine's `publishJobChange`), so event consumers (the desktop's
 * alerts and notifications) learn about it without polling. A job that reports progress again is
 * `running` again; if it falls silent again it is announced again.
 */
import { ListJobsQuery } from '../../contract/api.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';

const PREFIX = 'monitor:stuck:';

export interface StuckMarker {
  /** The job's last progress (or start) time when it was announced. */
  since: string | null;
  announcedAt: string;
}

/** One pass: announce newly stuck jobs, forget markers of jobs no longer stuck; returns the ids announced. */
export async function announceStuckJobs(engine: BullJobEngine, store: SharedStore): Promise<string[]> {
  const announced: string[] = [];
  const stuck = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await engine.listJobs(ListJobsQuery.parse({ state: ['stuck'], limit: 500, ...(cursor ? { cursor } : {}) }));
    for (const job of page.items) {
      stuck.add(job.id);
      const since = job.lastProgressAt ?? job.startedAt;
      const marker = await store.getSetting<StuckMarker>(PREFIX + job.id);
      if (marker && marker.since === since) continue;
      await store.putSetting(PREFIX + job.id, { since, announcedAt: new Date().toISOString() } satisfies StuckMarker);
      await engine.publishJobChange(job.type, job.id, 'stuck');
      announced.push(job.id);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const { key } of await store.listSettings<StuckMarker>(PREFIX)) {
    if (!stuck.has(key.slice(PREFIX.length))) await store.deleteSetting(key);
  }
  return announced;
}
