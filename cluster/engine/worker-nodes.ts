/**
 * The cluster's worker nodes, kept in the SharedStore: the worker registry (settings written by
 * worker nodes, cluster/workers/worker-registry.ts) and the system resource samples they record.
 *
 * Worker nodes register themselves with `putSetting(workerKey(id), WorkerRegistration)` and
 * refresh `lastHeartbeatAt`; a node silent for WORKER_LOST_AFTER_MS is shown as lost.
 */
import type { ResourceSample, WorkerNode } from '../../contract/metrics.ts';
import type { SharedStore } from '../datastore/shared-store.ts';

/**
 * Three missed heartbeats (worker-registry.ts beats every third of this): short enough that a dead
 * node's jobs read as "worker lost" well before BullMQ's stalled check takes them back (lock
 * duration 20 s, checked every 10 s), long enough that one slow write never marks a node lost.
 */
export const WORKER_LOST_AFTER_MS = 9_000;

export const workerKey = (id: string) => `worker:${id}`;

/** What a worker node writes about itself (WorkerNode without the computed status). */
export type WorkerRegistration = Omit<WorkerNode, 'status'>;

export function isWorkerLost(lastHeartbeatAt: string, now: number): boolean {
  return now - Date.parse(lastHeartbeatAt) > WORKER_LOST_AFTER_MS;
}

/** Ids of the registered worker nodes that are lost now. */
export async function lostNodeIds(store: SharedStore, now: number): Promise<Set<string>> {
  const regs = await store.listSettings<WorkerRegistration>('worker:');
  return new Set(regs.filter(({ value }) => isWorkerLost(value.lastHeartbeatAt, now)).map(({ value }) => value.id));
}

export async function listWorkers(store: SharedStore): Promise<WorkerNode[]> {
  const now = Date.now();
  const regs = await store.listSettings<WorkerRegistration>('worker:');
  return regs.map(({ value }) => ({
    ...value,
    status: isWorkerLost(value.lastHeartbeatAt, now) ? 'lost' : 'online',
  }));
}

/** The nodes' system resource samples since a time (default: the last hour), of one node or all. */
export async function listResources(store: SharedStore, since: string | undefined, nodeId: string | undefined): Promise<ResourceSample[]> {
  const from = since ? Date.parse(since) : Date.now() - 3600_000;
  return store.readSamples(from, nodeId, 5000);
}
