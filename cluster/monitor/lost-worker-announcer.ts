/**
 * Lost worker nodes as job changes: a node that stops heartbeating is *shown* lost by the worker
 * registry at once, but its running jobs change nothing in BullMQ until the stalled check takes
 * them back (after their lock expires), so nothing told event and history consumers — the
 * desktop's cache — that those jobs wait to be recovered. The monitor's leader announces each
 * running job of a newly lost node once (a `worker-lost` job change, recorded with `workerLost`,
 * see event-recorder.ts). When BullMQ recovers or finishes the job, that change records it without
 * the flag; when the node heartbeats again instead, its jobs still on it are announced
 * `worker-back`, which records them without the flag too.
 */
import { ListJobsQuery } from '../../contract/api.ts';
import type { JobType } from '../../contract/domain.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { WORKER_BACK_CHANGE, WORKER_LOST_CHANGE } from '../engine/event-recorder.ts';

const PREFIX = 'monitor:lost:';

export interface LostMarker {
  /** The node's last heartbeat when it was announced (a node lost again later is announced again). */
  lastHeartbeatAt: string;
  announcedAt: string;
  jobs: { id: string; type: JobType }[];
}

/** One pass: announce the jobs of newly lost nodes, and of nodes back online; returns the node ids of each. */
export async function announceLostWorkers(engine: BullJobEngine, store: SharedStore): Promise<{ lost: string[]; back: string[] }> {
  const workers = await engine.workers();
  const byId = new Map(workers.map((w) => [w.id, w]));
  const markers = new Map((await store.listSettings<LostMarker>(PREFIX)).map(({ key, value }) => [key.slice(PREFIX.length), value]));
  const newlyLost = workers.filter((w) => w.status === 'lost' && markers.get(w.id)?.lastHeartbeatAt !== w.lastHeartbeatAt);
  const returned = [...markers.keys()].filter((id) => byId.get(id)?.status === 'online');
  const gone = [...markers.keys()].filter((id) => !byId.has(id));
  const running = newlyLost.length + returned.length > 0 ? await runningJobsOn(engine, new Set([...newlyLost.map((w) => w.id), ...returned])) : new Map();

  for (const node of newlyLost) {
    const jobs = running.get(node.id) ?? [];
    for (const job of jobs) await engine.publishJobChange(job.type, job.id, WORKER_LOST_CHANGE);
    // Stored after the announcements: a pass that fails midway announces again next time.
    await store.putSetting(PREFIX + node.id, { lastHeartbeatAt: node.lastHeartbeatAt, announcedAt: new Date().toISOString(), jobs } satisfies LostMarker);
  }
  for (const id of returned) {
    const announced = new Set(markers.get(id)!.jobs.map((j) => j.id));
    for (const job of running.get(id) ?? []) if (announced.has(job.id)) await engine.publishJobChange(job.type, job.id, WORKER_BACK_CHANGE);
    await store.deleteSetting(PREFIX + id);
  }
  // Stopped cleanly or pruned from the registry: its jobs have moved on, with their own changes.
  for (const id of gone) await store.deleteSetting(PREFIX + id);
  return { lost: newlyLost.map((w) => w.id), back: returned };
}

/** The running (or stuck, or paused) jobs of these nodes, from the job index. */
async function runningJobsOn(engine: BullJobEngine, nodes: ReadonlySet<string>): Promise<Map<string, { id: string; type: JobType }[]>> {
  const byNode = new Map<string, { id: string; type: JobType }[]>();
  let cursor: string | undefined;
  do {
    const page = await engine.listJobs(ListJobsQuery.parse({ state: ['running', 'stuck', 'paused'], limit: 500, ...(cursor ? { cursor } : {}) }));
    for (const job of page.items) {
      if (!job.workerId || !nodes.has(job.workerId)) continue;
      const list = byNode.get(job.workerId) ?? [];
      list.push({ id: job.id, type: job.type });
      byNode.set(job.workerId, list);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return byNode;
}
