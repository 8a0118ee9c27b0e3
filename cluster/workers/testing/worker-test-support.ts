/**
 * Test support for the worker runtime's integration tests: a cluster node (datastore, engine and
 * optionally an in-process worker runtime) on a fresh datastore, real `worker` command processes,
 * and waits on job states. Not used by production code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobState } from '../../../contract/domain.ts';
import type { JobDetail } from '../../../contract/jobs.ts';
import { inject } from 'vitest';
import { type Datastore, openDatastore } from '../../datastore/open-datastore.ts';
import type { BullJobEngine } from '../../engine/bull-job-engine.ts';
import { createEngine, type CreateEngineOptions } from '../../engine/create-engine.ts';
import { eventually, testDatastore, type TestDatastore, type TestKind } from '../../engine/engine-test-support.ts';
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from '../worker-runtime.ts';

export { eventually };

export interface TestNode {
  datastore: Datastore;
  engine: BullJobEngine;
  runtime: WorkerRuntime | null;
  close(): Promise<void>;
}

export interface TestCluster {
  kind: TestKind;
  store: TestDatastore & { prefix?: string };
  /** Shared work folder (market data and outputs) of every node in the test. */
  workDir: string;
  node(options?: { workers?: boolean; engine?: Partial<CreateEngineOptions>; runtime?: Partial<WorkerRuntimeOptions> }): Promise<TestNode>;
  /** `--datastore …` (and `--redis-prefix …`) for worker processes joining this cluster. */
  workerDatastoreArgs(): string[];
  cleanup(): Promise<void>;
}

/** Short lock/stall timings so recovery tests finish in seconds. */
export const FAST_RECOVERY = { lockDurationMs: 4_000, stalledIntervalMs: 2_000 } as const;

export async function testCluster(kind: TestKind): Promise<TestCluster> {
  const store: TestDatastore & { prefix?: string } = kind === 'redis' ? redisTestDatastore() : await testDatastore(kind);
  const workDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-work-'));
  const nodes: TestNode[] = [];
  return {
    kind,
    store,
    workDir,
    async node(options = {}) {
      const datastore = await store.open();
      const engine = createEngine({ datastore, ...options.engine });
      await engine.start();
      const runtime =
        options.workers === false
          ? null
          : await startWorkerRuntime({ datastore, engine, workDir, concurrency: 2, pollMs: 1_000, heartbeatMs: 1_000, progressIntervalMs: 100, ...FAST_RECOVERY, ...options.runtime });
      const node: TestNode = {
        datastore,
        engine,
        runtime,
        async close() {
          await runtime?.stop(0);
          await engine.close();
          await datastore.close();
        },
      };
      nodes.push(node);
      return node;
    },
    workerDatastoreArgs() {
      if (store.prefix) return ['--datastore', store.spec, '--redis-prefix', store.prefix];
      if (kind === 'postgres') return ['--datastore', store.spec];
      // Worker processes reach an embedded cluster's PostgreSQL by its loopback URL.
      const opened = nodes[0];
      if (!opened) throw new Error('open a node first: worker processes join its embedded PostgreSQL');
      const { connection } = opened.datastore.bullmq.options() as { connection: { connectionString: string } };
      return ['--datastore', connection.connectionString];
    },
    async cleanup() {
      for (const n of nodes.splice(0).reverse()) await n.close().catch(() => undefined);
      await store.cleanup();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** A Redis datastore with its own key prefix (the prefix is needed by worker processes). */
function redisTestDatastore(): TestDatastore & { prefix: string } {
  const spec = inject('redisUrl');
  const prefix = `w${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  return { spec, prefix, open: () => openDatastore(spec, { prefix }), cleanup: async () => undefined };
}

/** Waits until the job is in one of `states`; returns its detail. */
export async function waitForState(engine: BullJobEngine, id: string, states: JobState[], timeoutMs = 60_000): Promise<JobDetail> {
  let last: JobDetail | null = null;
  try {
    return await eventually(
      async () => {
        last = await engine.getJob(id).catch(() => null);
        return last && states.includes(last.state) ? last : null;
      },
      timeoutMs,
      `job ${id} to be ${states.join('/')}`,
    );
  } catch (error) {
    const seen = last as JobDetail | null;
    throw new Error(`${(error as Error).message}; last seen ${seen ? `${seen.state} (${seen.errorMessage ?? seen.progress?.message ?? ''})` : 'nothing'}`, { cause: error });
  }
}

export const ADMIN = { name: 'alice', role: 'admin' as const, sourceAddress: '127.0.0.1' };

const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the node printed its ready line. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Runs the real `sigmatiq-cluster worker` command on the test datastore. */
export function spawnWorker(cluster: TestCluster, args: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', CLI, 'worker', ...cluster.workerDatastoreArgs(), '--work-dir', cluster.workDir,
      '--lock-duration', String(FAST_RECOVERY.lockDurationMs), '--stalled-interval', String(FAST_RECOVERY.stalledIntervalMs), ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'development' } },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/"event":"worker-ready"/.test(out)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    output: () => out,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
