/**
 * Running-job control across worker processes (control.redis.test.ts, control-embedded.pg.test.ts):
 * an API-side node without workers (engine + monitor) and two real `sigmatiq-cluster worker`
 * processes serving the training queue. Graceful stop, force stop, pause/resume go from the API
 * node to whichever process holds the job; a SIGKILLed worker's job is recovered by the other.
 * Prints the measured force-stop and SIGKILL-recovery times.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../../contract/api.ts';
import type { TestKind } from '../../engine/engine-test-support.ts';
import { ADMIN, eventually, FAST_RECOVERY, spawnWorker, testCluster, type TestCluster, type TestNode, waitForState, type WorkerProcess } from './worker-test-support.ts';

/** Long enough to act on while it runs: a progress report and a checkpoint every 250 ms. */
const LONG_TRAINING = { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31', epochs: 400, epochDelayMs: 250 };

export function controlSuite(kind: TestKind): void {
  let cluster: TestCluster;
  let api: TestNode;
  let workers: WorkerProcess[] = [];
  const submit = (r: Partial<SubmitJobRequest>) => api.engine.submit({ type: 'training', user: 'ops', priority: 'normal', config: LONG_TRAINING, ...r } as SubmitJobRequest, ADMIN);
  const epochOf = (message: string | undefined) => Number(/epoch (\d+)\//.exec(message ?? '')?.[1] ?? 0);

  beforeAll(async () => {
    cluster = await testCluster(kind);
    api = await cluster.node({ workers: false, engine: { stuckAfterMs: 60_000 } });
    workers = [spawnWorker(cluster, ['--queues', 'training', '--concurrency', '1']), spawnWorker(cluster, ['--queues', 'training', '--concurrency', '1'])];
    await Promise.all(workers.map((w) => w.ready));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await cluster?.cleanup();
  });

  async function runningOn(id: string): Promise<{ node: string; epoch: number }> {
    const job = await waitForState(api.engine, id, ['running'], 60_000);
    const progressed = await eventually(async () => {
      const d = await api.engine.getJob(id);
      return d.state === 'running' && epochOf(d.progress?.message) >= 2 ? d : null;
    }, 60_000, `${id} training`);
    return { node: progressed.workerId ?? job.workerId ?? '', epoch: epochOf(progressed.progress?.message) };
  }

  describe(`running-job control across two worker processes on ${kind}`, () => {
    test('both worker nodes are registered and running-job control is available', async () => {
      const online = await eventually(async () => {
        const w = (await api.engine.workers()).filter((n) => n.status === 'online');
        return w.length === 2 ? w : null;
      }, 20_000, 'two worker nodes online');
      expect(online.map((w) => w.queues)).toEqual([['training'], ['training']]);
      expect(new Set(online.map((w) => w.pid)).size).toBe(2);
    });

    test('pause holds the job at a step boundary with its lock alive; resume continues where it was', async () => {
      const job = await submit({});
      const { node } = await runningOn(job.id);
      expect(node).not.toBe('');
      await api.engine.jobAction(job.id, 'pause', {}, ADMIN);
      const paused = await waitForState(api.engine, job.id, ['paused'], 15_000);
      const heldAt = epochOf(paused.progress?.message);
      // Held for longer than a lock lasts: the lock is renewed, the job neither moves nor stalls.
      await new Promise((r) => setTimeout(r, FAST_RECOVERY.lockDurationMs + 1_500));
      const still = await api.engine.getJob(job.id);
      expect(still.state).toBe('paused');
      expect(epochOf(still.progress?.message)).toBe(heldAt);
      expect(still.attempts).toBe(0);
      await api.engine.jobAction(job.id, 'resume', {}, ADMIN);
      const resumed = await eventually(async () => {
        const d = await api.engine.getJob(job.id);
        return d.state === 'running' && epochOf(d.progress?.message) > heldAt ? d : null;
      }, 15_000, 'progress after resume');
      expect(resumed.workerId).toBe(node);
      expect(resumed.logsTail.some((l) => /resumed at/.test(l.message)) || resumed.logCount > 0).toBe(true);
      await api.engine.jobAction(job.id, 'force-stop', {}, ADMIN);
      await waitForState(api.engine, job.id, ['cancelled'], 10_000);
    });

    test('graceful stop: the handler finishes its step and the job ends cancelled', async () => {
      const job = await submit({});
      await runningOn(job.id);
      await api.engine.jobAction(job.id, 'stop', { reason: 'not needed' }, ADMIN);
      const done = await waitForState(api.engine, job.id, ['cancelled', 'failed', 'completed'], 20_000);
      expect(done.state).toBe('cancelled');
      expect(done.cancelReason).toMatch(/^stopped at step boundary before "epoch \d+\/400" \(alice: not needed\)/);
      expect(done.result).toBeNull();
    });

    test('force stop kills the child process within 5 s and the job ends cancelled "force stopped"', async () => {
      const job = await submit({});
      await runningOn(job.id);
      // The registry learns of running jobs with the next heartbeat of the node.
      await eventually(async () => (await api.engine.workers()).some((w) => w.runningJobs.includes(job.id)) || null, 15_000, 'the job in the worker registry');
      const asked = performance.now();
      await api.engine.jobAction(job.id, 'force-stop', {}, ADMIN);
      const done = await waitForState(api.engine, job.id, ['cancelled', 'failed'], 10_000);
      const ms = performance.now() - asked;
      expect(done.state).toBe('cancelled');
      expect(done.cancelReason).toBe('force stopped by alice');
      expect(ms).toBeLessThan(5_000);
      console.log(`[measure] ${kind}: force stop → cancelled in ${Math.round(ms)} ms`);
      // Both nodes keep working: the next job runs.
      const next = await submit({ config: { ...LONG_TRAINING, epochs: 3, epochDelayMs: 0 } });
      expect((await waitForState(api.engine, next.id, ['completed', 'failed'], 60_000)).state).toBe('completed');
    });

    test('a SIGKILLed worker process leaves no job running: its job is recovered and finishes on the other node', async () => {
      const job = await submit({ attempts: 2, config: { ...LONG_TRAINING, epochs: 40, epochDelayMs: 100 } });
      const { node } = await runningOn(job.id);
      const holder = (await api.engine.workers()).find((w) => w.id === node)!;
      const victim = workers.find((w) => w.child.pid === holder.pid)!;
      expect(victim).toBeDefined();
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const back = await eventually(async () => {
        const d = await api.engine.getJob(job.id);
        return d.state === 'pending' || (d.state === 'running' && d.workerId !== node) ? d : null;
      }, 60_000, 'the job recovered from the dead node');
      const recoveredMs = performance.now() - killedAt;
      const done = await waitForState(api.engine, job.id, ['completed', 'failed'], 90_000);
      expect(done.state, done.errorMessage ?? '').toBe('completed');
      expect(back.workerId === null || back.workerId !== node).toBe(true);
      console.log(`[measure] ${kind}: SIGKILL → job back in the queue after ${Math.round(recoveredMs)} ms (lock ${FAST_RECOVERY.lockDurationMs} ms, stalled check every ${FAST_RECOVERY.stalledIntervalMs} ms)`);
      await eventually(async () => (await api.engine.workers()).some((w) => w.id === node && w.status === 'lost') || null, 40_000, 'the dead node shown as lost').catch(() => {
        throw new Error('the SIGKILLed node was never shown as lost');
      });
    }, 180_000);
  });
}
