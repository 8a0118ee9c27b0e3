/**
 * The one place where `serve` starts workers next to the API: the worker runtime (a BullMQ Worker
 * per queue, sandboxed processors), the monitor (resource samples; stuck jobs, maintenance windows
 * and registry pruning when this node leads) and, with --sample-workload, the demo job generator.
 *
 * `--workers N` sets this node's concurrency per queue while the cluster has none set (an admin's
 * set-concurrency wins at run time); `--no-workers` (or `--workers 0`) makes an API-only node,
 * which still samples its own resources.
 */
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import { workDirFor } from '../workers/work-dir.ts';
import { startWorkerNode } from '../workers/worker-node.ts';

export interface WorkerOptions {
  /** Worker processes/concurrency asked for with --workers N (null = the default). */
  workers: number | null;
  /** False with --no-workers: an API-only node. */
  enabled: boolean;
  /** --sample-workload: keep submitting a realistic mix of jobs (the desktop's demo cluster). */
  sampleWorkload: boolean;
}

export interface WorkersHandle {
  /** Worker slots started (0 when none). */
  readonly started: number;
  /** Let running jobs reach a checkpoint and stop (called on SIGTERM before the engine closes). */
  stop(): Promise<void>;
}

function isBullEngine(engine: JobEngine): engine is BullJobEngine {
  return typeof (engine as Partial<BullJobEngine>).queue === 'function' && typeof (engine as Partial<BullJobEngine>).publishJobChange === 'function';
}

/** Start this node's workers on the datastore; `note` receives one-line status messages. */
export async function startWorkers(deps: { datastore: Datastore; engine: JobEngine }, options: WorkerOptions, note: (line: string) => void): Promise<WorkersHandle> {
  const { datastore, engine } = deps;
  if (!isBullEngine(engine)) {
    note('workers: this engine is not the BullMQ engine; running as an API-only node');
    return { started: 0, stop: async () => undefined };
  }
  const withWorkers = options.enabled && options.workers !== 0;
  const workDir = workDirFor(datastore.description);
  // This node serves running-job control itself.
  if (withWorkers) engine.settings.runningJobControl = true;
  const node = await startWorkerNode({
    datastore,
    engine,
    workers: withWorkers,
    concurrency: options.workers,
    workDir,
    sampleWorkload: options.sampleWorkload,
    note,
    onError: (e) => note(`workers: ${e instanceof Error ? e.message : String(e)}`),
  });
  const concurrency = node.runtime?.concurrency() ?? {};
  const slots = Object.values(concurrency).reduce((a, b) => a + (b ?? 0), 0);
  if (node.runtime) note(`workers: node ${node.nodeId}, ${Object.entries(concurrency).map(([q, n]) => `${q}×${n}`).join(', ')}; job files in ${workDir}`);
  else note('workers: none on this node (API only)');
  return { started: slots, stop: () => node.stop() };
}
