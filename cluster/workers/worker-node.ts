/**
 * A node's job side, as `serve` (in-process, next to the API) and `worker` (worker-only) start it:
 * the worker runtime, the monitor and — when asked — the sample workload, stopped in reverse.
 */
import type { JobType } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { startMonitor, type Monitor } from '../monitor/monitor.ts';
import { startSampleWorkload, type SampleWorkload } from './sample-workload.ts';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './worker-runtime.ts';

export interface WorkerNodeOptions extends Omit<WorkerRuntimeOptions, 'datastore' | 'engine'> {
  datastore: Datastore;
  engine: BullJobEngine;
  /** False: no workers here (API-only node): only this node's resource samples. */
  workers: boolean;
  sampleWorkload?: boolean;
  sampleMs?: number;
  checkMs?: number;
  note?: (line: string) => void;
}

export interface WorkerNode {
  readonly nodeId: string;
  readonly runtime: WorkerRuntime | null;
  readonly monitor: Monitor;
  readonly sampleWorkload: SampleWorkload | null;
  stop(graceMs?: number): Promise<void>;
}

export async function startWorkerNode(options: WorkerNodeOptions): Promise<WorkerNode> {
  const { datastore, engine, note = () => undefined } = options;
  const runtime = options.workers ? await startWorkerRuntime(options) : null;
  const nodeId = runtime?.nodeId ?? options.nodeId ?? `api-${process.pid}`;
  const monitor = startMonitor({ engine, store: datastore.store, nodeId, worker: runtime !== null, sampleMs: options.sampleMs, checkMs: options.checkMs, onError: options.onError, note });
  const workload = options.sampleWorkload ? startSampleWorkload({ engine, note, stuckAfterMs: engine.settings.stuckAfterMs }) : null;
  let stopped: Promise<void> | null = null;
  return {
    nodeId,
    runtime,
    monitor,
    sampleWorkload: workload,
    stop(graceMs?: number) {
      return (stopped ??= (async () => {
        await workload?.stop();
        await monitor.stop();
        await runtime?.stop(graceMs);
      })());
    },
  };
}

/** The queues of a `--queues a,b` value; throws with the accepted names on an unknown one. */
export function parseQueueList(value: string, known: readonly JobType[]): JobType[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !known.includes(n as JobType));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`${unknown.length > 0 ? `unknown queue${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}` : 'no queue given'}; the queues are ${known.join(', ')}`);
  }
  return [...new Set(names)] as JobType[];
}
