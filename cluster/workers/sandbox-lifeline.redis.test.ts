/**
 * No job process outlives its worker node: a real `sigmatiq-cluster worker` process runs a long
 * job in BullMQ's sandbox, is SIGKILLed, and its job's child process must be gone within seconds
 * (not left to spin under PID 1).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import { ADMIN, eventually, spawnWorker, testCluster, type TestCluster, type TestNode, waitForState, type WorkerProcess } from './testing/worker-test-support.ts';

/** Several minutes of training: it is still running whenever the node is killed. */
const LONG_TRAINING = { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31', epochs: 2_000, epochDelayMs: 250 };

/** The process's state letter from /proc (Z: a zombie, exited but not reaped), or null when it is gone. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return null;
  }
}

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};

let cluster: TestCluster;
let api: TestNode;
let worker: WorkerProcess | null = null;

beforeAll(async () => {
  cluster = await testCluster('redis');
  api = await cluster.node({ workers: false });
});

afterAll(async () => {
  await worker?.stop();
  await cluster?.cleanup();
});

const sandboxedChildren = (nodePid: number) => childrenOf(nodePid).filter((pid) => /bullmq.*main\.js/.test(commandOf(pid)));

/** SIGKILLs the node and fails unless every one of `children` has exited within 10 s. */
async function killNodeAndExpectGone(node: WorkerProcess, children: number[]): Promise<void> {
  node.child.kill('SIGKILL');
  await new Promise((r) => node.child.once('exit', r));
  const alive = () => children.filter((pid) => ![null, 'Z', 'X'].includes(processState(pid)));
  await eventually(async () => alive().length === 0, 10_000, 'the job children to exit').catch(() => {
    const left = alive();
    const described = left.map((pid) => `${pid} (${processState(pid)}) ${commandOf(pid)}`).join('; ');
    for (const pid of left) process.kill(pid, 'SIGKILL');
    throw new Error(`job children still running 10 s after their node was SIGKILLed: ${described}`);
  });
}

const submitLong = () => api.engine.submit({ type: 'training', user: 'ops', priority: 'normal', config: LONG_TRAINING } as SubmitJobRequest, ADMIN);

describe('sandboxed job processes', () => {
  test('a running job child whose worker node is SIGKILLed exits within seconds', async () => {
    worker = spawnWorker(cluster, ['--queues', 'training', '--concurrency', '1']);
    await worker.ready;
    const job = await submitLong();
    await waitForState(api.engine, job.id, ['running'], 60_000);
    await eventually(async () => ((await api.engine.getJob(job.id)).progress?.message ?? '').startsWith('epoch'), 60_000, 'the job training');
    const nodePid = worker.child.pid!;
    const children = sandboxedChildren(nodePid);
    expect(children.length, `children of ${nodePid}: ${childrenOf(nodePid).map(commandOf).join('; ')}`).toBeGreaterThan(0);
    await killNodeAndExpectGone(worker, children);
  }, 120_000);

  test('a job child still loading the job code when its node is SIGKILLed exits within seconds', async () => {
    worker = spawnWorker(cluster, ['--queues', 'training', '--concurrency', '1']);
    await worker.ready;
    const nodePid = worker.child.pid!;
    expect(sandboxedChildren(nodePid)).toEqual([]);
    await submitLong();
    // The node forks the child when it takes the job; kill it before the child has loaded the processor.
    const children = await eventually(async () => {
      const found = sandboxedChildren(nodePid);
      return found.length > 0 ? found : null;
    }, 60_000, 'the node to fork a job child');
    await killNodeAndExpectGone(worker, children);
  }, 120_000);
});
