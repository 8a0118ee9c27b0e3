/**
 * The monitor of a cluster node: resource samples of this node (every node), and the cluster-wide
 * duties — stuck-job announcements, lost-worker announcements, maintenance-window enforcement,
 * pruning long-lost worker registrations — run by one leader at a time.
 *
 * The leader is the online worker node with the smallest id in the worker registry: every node
 * computes the same answer from the same registry without a lock, a lost leader is replaced once
 * its heartbeat is WORKER_LOST_AFTER_MS old, and two leaders for a moment are harmless (each duty
 * is idempotent). A node without workers (an API-only node) never leads.
 */
import { hostname } from 'node:os';
import type { SharedStore } from '../datastore/shared-store.ts';
import { WORKER_LOST_AFTER_MS, workerKey } from '../engine/worker-nodes.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { announceLostWorkers } from './lost-worker-announcer.ts';
import { enforceMaintenanceWindows } from './maintenance-enforcer.ts';
import { ResourceSampler } from './resource-sampler.ts';
import { announceStuckJobs } from './stuck-detector.ts';

export interface MonitorOptions {
  engine: BullJobEngine;
  store: SharedStore;
  /** This node's id: the worker node id when it runs workers. */
  nodeId: string;
  /** True when this node runs workers (and so is in the registry and may lead). */
  worker: boolean;
  /** Resource sample interval (default 5 s; 0 = no sampling). */
  sampleMs?: number;
  /** How often the leader checks stuck jobs and maintenance windows (default 5 s). */
  checkMs?: number;
  onError?: (error: unknown) => void;
  /** One-line notes (maintenance pauses/resumes, stuck announcements). */
  note?: (line: string) => void;
}

export interface Monitor {
  /** Run the leader duties once now (tests, and right after start). */
  checkNow(): Promise<void>;
  isLeader(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Registrations lost for longer than this are removed from the registry. */
export const PRUNE_LOST_AFTER_MS = 24 * 3600_000;

export function startMonitor(options: MonitorOptions): Monitor {
  const onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq monitor: ${e instanceof Error ? e.message : String(e)}\n`));
  const note = options.note ?? (() => undefined);
  const sampler = new ResourceSampler(options.nodeId, hostname());
  const timers: NodeJS.Timeout[] = [];
  // One chain for samples and duties: never two passes at once, and checkNow waits its turn.
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function isLeader(): Promise<boolean> {
    if (!options.worker) return false;
    const workers = await options.engine.workers();
    const online = workers.filter((w) => w.status === 'online').map((w) => w.id).sort();
    return online[0] === options.nodeId;
  }

  async function leaderDuties(): Promise<void> {
    if (stopped) return;
    try {
      if (!(await isLeader())) return;
      const stuck = await announceStuckJobs(options.engine, options.store);
      if (stuck.length > 0) note(`monitor: ${stuck.length} job(s) stuck (no progress for ${Math.round(options.engine.settings.stuckAfterMs / 1000)} s): ${stuck.join(', ')}`);
      const nodes = await announceLostWorkers(options.engine, options.store);
      for (const id of nodes.lost) note(`monitor: worker node ${id} lost (no heartbeat for ${Math.round(WORKER_LOST_AFTER_MS / 1000)} s): its running jobs wait to be recovered`);
      for (const id of nodes.back) note(`monitor: worker node ${id} heartbeats again`);
      for (const c of await enforceMaintenanceWindows(options.engine, options.store)) {
        note(`monitor: maintenance window "${c.window}": ${c.action === 'pause' ? 'paused' : 'resumed'} queue ${c.type}`);
      }
      await pruneLostWorkers();
    } catch (error) {
      onError(error);
    }
  }

  async function pruneLostWorkers(): Promise<void> {
    const now = Date.now();
    for (const w of await options.engine.workers()) {
      if (now - Date.parse(w.lastHeartbeatAt) > Math.max(PRUNE_LOST_AFTER_MS, WORKER_LOST_AFTER_MS)) await options.store.deleteSetting(workerKey(w.id));
    }
  }

  async function sampleOnce(): Promise<void> {
    try {
      await options.store.appendSamples([await sampler.sample()]);
    } catch (error) {
      onError(error);
    }
  }

  const sampleMs = options.sampleMs ?? 5_000;
  if (sampleMs > 0) {
    void sampler.prime().catch(onError);
    timers.push(setInterval(() => (running = running.then(sampleOnce)), sampleMs));
  }
  timers.push(setInterval(() => (running = running.then(leaderDuties)), options.checkMs ?? 5_000));
  for (const t of timers) t.unref();

  return {
    checkNow: () => (running = running.then(leaderDuties)),
    isLeader,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await running.catch(() => undefined);
    },
  };
}
