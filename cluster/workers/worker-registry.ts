/**
 * A worker node's entry in the cluster's worker registry (engine/worker-nodes.ts): host, pid,
 * queues, concurrency per queue, running jobs and the node's CPU/memory (its own process plus the
 * latest readings its job children reported), refreshed every heartbeat. A node that stops
 * heartbeating for WORKER_LOST_AFTER_MS is shown as lost; a node that shuts down cleanly removes
 * its entry. Entries lost for longer than a day are pruned by the monitor's leader.
 */
import { hostname } from 'node:os';
import type { JobType } from '../../contract/domain.ts';
import type { DatastoreAvailability } from '../datastore/datastore-availability.ts';
import type { SharedStore } from '../datastore/shared-store.ts';
import { WORKER_LOST_AFTER_MS, workerKey, type WorkerRegistration } from '../engine/worker-nodes.ts';
import { ProcessUsage } from './process-usage.ts';

export interface NodeSnapshot {
  queues: JobType[];
  concurrency: Partial<Record<JobType, number>>;
  runningJobs: string[];
  /** Latest CPU % and RSS reported by the node's job children. */
  children: { cpuPercent: number; rssBytes: number }[];
}

/** Default heartbeat: three per lost-after window, so one slow write never marks a node lost. */
export const HEARTBEAT_MS = Math.floor(WORKER_LOST_AFTER_MS / 3);

export class WorkerRegistry {
  readonly host = hostname();
  readonly startedAt = new Date().toISOString();
  private readonly usage = new ProcessUsage();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();
  private offAvailability: (() => void) | null = null;

  constructor(
    readonly nodeId: string,
    private readonly store: SharedStore,
    private readonly snapshot: () => NodeSnapshot,
    private readonly onError: (error: unknown) => void,
    private readonly heartbeatMs = HEARTBEAT_MS,
    /** When given: no beats while the datastore is down, and one the moment it is back. */
    private readonly availability?: DatastoreAvailability,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      if (this.availability && !this.availability.reachable) return;
      this.beating = this.beat().catch(this.onError);
    }, this.heartbeatMs);
    this.timer.unref();
    // After an outage the node would read as lost until its next beat: beat as soon as it is back.
    this.offAvailability = this.availability?.onChange((reachable) => {
      if (reachable && this.timer) this.beating = this.beat().catch(this.onError);
    }) ?? null;
  }

  /** Write the registration now (also after a concurrency change). */
  async beat(): Promise<void> {
    const s = this.snapshot();
    const own = this.usage.read();
    const registration: WorkerRegistration = {
      id: this.nodeId,
      host: this.host,
      pid: process.pid,
      queues: s.queues,
      concurrency: s.concurrency as Record<string, number>,
      runningJobs: s.runningJobs,
      startedAt: this.startedAt,
      lastHeartbeatAt: new Date().toISOString(),
      cpuPercent: Math.round((own.cpuPercent + s.children.reduce((a, c) => a + c.cpuPercent, 0)) * 10) / 10,
      rssBytes: own.rssBytes + s.children.reduce((a, c) => a + c.rssBytes, 0),
    };
    await this.store.putSetting(workerKey(this.nodeId), registration);
  }

  /** Stop heartbeating and remove the entry (a clean shutdown is not a lost node). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.offAvailability?.();
    await this.beating.catch(() => undefined);
    await this.store.deleteSetting(workerKey(this.nodeId)).catch(this.onError);
  }
}
