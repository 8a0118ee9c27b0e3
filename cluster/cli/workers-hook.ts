/**
 * The one place where `serve` starts workers next to the API. The worker runtime (BullMQ Workers,
 * sandboxed processors, the sample workload) is issue 4's; until it lands this hook starts none and
 * says so. Issue 4 replaces the body of `startWorkers` — the serve command does not change.
 */
import type { Datastore } from '../datastore/open-datastore.ts';
import type { JobEngine } from '../engine/job-engine.ts';

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

/** Start this node's workers on the datastore; `note` receives one-line status messages. */
export async function startWorkers(
  _deps: { datastore: Datastore; engine: JobEngine },
  options: WorkerOptions,
  note: (line: string) => void,
): Promise<WorkersHandle> {
  if (options.enabled && (options.workers ?? 1) > 0) {
    note('workers: this build has no worker runtime yet (issue 4); running as an API-only node');
  }
  if (options.sampleWorkload) note('sample workload: needs the worker runtime (issue 4); not started');
  return { started: 0, stop: async () => undefined };
}
