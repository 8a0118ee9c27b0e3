/**
 * The worker runtime's integration suite, run on each datastore (runtime.redis.test.ts,
 * runtime-embedded.pg.test.ts): one node with the engine, the in-process worker runtime (real
 * sandboxed child processes) and the monitor. Each job type runs through the real runtime and its
 * result is checked; failures, stuck jobs, schedules, maintenance windows, the registry,
 * resources and concurrency changes are checked end to end.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SubmitJobRequest } from '../../../contract/api.ts';
import type { JobType } from '../../../contract/domain.ts';
import { ResourceSample, WorkerNode } from '../../../contract/metrics.ts';
import type { TestKind } from '../../engine/engine-test-support.ts';
import { EngineError } from '../../engine/job-engine.ts';
import { runJobHandler } from '../../jobs/job-handler.ts';
import { JOB_HANDLERS } from '../../jobs/job-handlers.ts';
import { UNIVERSE_SYMBOLS } from '../../jobs/market-data/synthetic-universe.ts';
import { startMonitor, type Monitor } from '../../monitor/monitor.ts';
import { ADMIN, eventually, testCluster, type TestCluster, type TestNode, waitForState } from './worker-test-support.ts';

const STUCK_AFTER_MS = 2_500;

export function runtimeSuite(kind: TestKind): void {
  let cluster: TestCluster;
  let node: TestNode;
  let monitor: Monitor;
  const notes: string[] = [];
  const submit = (r: Partial<SubmitJobRequest> & { type: JobType }) => node.engine.submit({ user: 'tester', priority: 'normal', config: {}, ...r } as SubmitJobRequest, ADMIN);

  beforeAll(async () => {
    cluster = await testCluster(kind);
    node = await cluster.node({ engine: { stuckAfterMs: STUCK_AFTER_MS }, runtime: { concurrency: 2 } });
    monitor = startMonitor({ engine: node.engine, store: node.datastore.store, nodeId: node.runtime!.nodeId, worker: true, sampleMs: 1_000, checkMs: 500, note: (l) => notes.push(l) });
  });
  afterAll(async () => {
    await monitor?.stop();
    await cluster?.cleanup();
  });

  describe(`worker runtime on ${kind}`, () => {
    test('a backtest completes with the same figures as the handler run directly, with progress, logs, resources and outputs', async () => {
      const config = { strategy: 'momentum', symbols: ['ALPH', 'BRVO'], start: '2019-01-02', end: '2021-12-31' };
      const job = await submit({ type: 'backtest', config });
      const done = await waitForState(node.engine, job.id, ['completed', 'failed']);
      expect(done.state, done.errorMessage ?? '').toBe('completed');
      const direct = await runJobHandler(JOB_HANDLERS.backtest, { jobId: 'direct', config, dataDir: cluster.workDir, outputDir: `${cluster.workDir}/direct` });
      expect(done.result!.metrics).toEqual(direct.metrics);
      expect(done.result!.outputs.map((o) => o.name).sort()).toEqual(['equity-curve.csv', 'trades.csv']);
      expect(done.progress).toMatchObject({ percent: 100, stepIndex: 3, stepCount: 4 });
      expect(done.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
      expect(done.logCount).toBeGreaterThanOrEqual(4);
      expect(done.logsTail.some((l) => /step 3\/4: Simulate/.test(l.message))).toBe(true);
      expect(done.resources.samples.length).toBeGreaterThan(0);
      expect(done.resources.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
      // The node it ran on stays on the finished record.
      expect(done.workerId).toBe(node.runtime!.nodeId);
      expect(done.attempts).toBe(1);
    });

    test('signal, matrix-build, training on that matrix, and a report of finished jobs complete with their results', async () => {
      const signal = await submit({ type: 'signal', config: { symbols: ['ALPH', 'CHRL'] } });
      const matrix = await submit({ type: 'matrix-build', config: { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31' } });
      const s = await waitForState(node.engine, signal.id, ['completed', 'failed']);
      expect(s.state, s.errorMessage ?? '').toBe('completed');
      expect(s.result!.table!.rows.map((r) => r[0])).toEqual(['ALPH', 'CHRL']);
      const m = await waitForState(node.engine, matrix.id, ['completed', 'failed']);
      expect(m.state, m.errorMessage ?? '').toBe('completed');
      const training = await submit({ type: 'training', config: { matrixJobId: matrix.id, epochs: 15 } });
      const t = await waitForState(node.engine, training.id, ['completed', 'failed']);
      expect(t.state, t.errorMessage ?? '').toBe('completed');
      expect(t.result!.metrics.accuracy).toEqual(expect.any(Number));
      expect(t.result!.outputs.map((o) => o.name)).toContain('model.json');
      expect(t.logsTail.some((l) => /epoch 15\/15/.test(l.message)) || t.logCount > 15).toBe(true);
      const report = await submit({ type: 'report', config: { kind: 'jobs-summary', sinceHours: 1, formats: ['json'] } });
      const r = await waitForState(node.engine, report.id, ['completed', 'failed']);
      expect(r.state, r.errorMessage ?? '').toBe('completed');
      // The report read the finished jobs through the node: the signal, matrix and training above.
      expect(Number(r.result!.metrics.finished)).toBeGreaterThanOrEqual(3);
    });

    test('a sweep runs as a flow: child backtests first, then the parent ranks them', async () => {
      const startId = await node.engine.lastEventId();
      const sweep = await submit({ type: 'sweep', user: 'sweeper', config: { symbols: ['ALPH'], start: '2019-01-02', end: '2021-12-31', grid: { fastWindow: [5, 10], slowWindow: [50] } } });
      const children = await eventually(async () => {
        const c = (await node.engine.getJob(sweep.id)).children;
        return c.length === 2 ? c : null;
      }, 10_000, 'both children indexed');
      expect(children.map((c) => c.type)).toEqual(['backtest', 'backtest']);
      const done = await waitForState(node.engine, sweep.id, ['completed', 'failed'], 90_000);
      expect(done.state, done.errorMessage ?? '').toBe('completed');
      expect(done.children).toHaveLength(2);
      expect(done.children.every((c) => c.state === 'completed' && c.parentId === sweep.id)).toBe(true);
      const table = done.result!.table!;
      expect(table.columns.slice(0, 3)).toEqual(['rank', 'fastWindow', 'slowWindow']);
      expect(table.rows.map((row) => row[0])).toEqual([1, 2]);
      const childIds = done.children.map((c) => c.id).sort();
      // While it waited, the parent showed its children's progress.
      const events = (await node.engine.readEvents(startId, 1000)).events;
      const waiting = events.flatMap((e) => (e.kind === 'job' && e.job.id === sweep.id && e.job.state === 'pending' && e.job.progress ? [e.job.progress.message] : []));
      expect(waiting.some((m) => /^[12]\/2 child backtests done$/.test(m))).toBe(true);
      expect(table.rows.map((row) => row[table.columns.indexOf('jobId')]).sort()).toEqual(childIds);
      // The report of the sweep reads its result through the node.
      const report = await submit({ type: 'report', config: { kind: 'sweep-results', sourceJobId: sweep.id, formats: ['csv'] } });
      const r = await waitForState(node.engine, report.id, ['completed', 'failed']);
      expect(r.state, r.errorMessage ?? '').toBe('completed');
    });

    test('invalid configs fail at submission with field errors, and nothing is queued', async () => {
      const bad = await node.engine.submit({ type: 'backtest', user: 'tester', priority: 'normal', config: { symbols: ['alph'], capital: -5 } } as SubmitJobRequest, ADMIN).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(EngineError);
      expect((bad as EngineError).code).toBe('validation_failed');
      const paths = ((bad as EngineError).details as { path: string }[]).map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['config.symbols.0', 'config.capital']));
      const grid = await node.engine.submit({ type: 'sweep', user: 'tester', priority: 'normal', config: { grid: { fastWindow: [60], slowWindow: [50] } } } as SubmitJobRequest, ADMIN).catch((e: unknown) => e);
      expect((grid as EngineError).code).toBe('validation_failed');
      expect(((grid as EngineError).details as { path: string }[])[0]!.path).toBe('config.grid');
    });

    test('real failures: an unknown symbol and an oversized training fail without retries, with the reason', async () => {
      const unknown = await submit({ type: 'backtest', config: { symbols: ['ALPH', 'ZZZT'] }, attempts: 3 });
      const oversized = await submit({ type: 'training', config: { symbols: UNIVERSE_SYMBOLS.slice(0, 20), start: '2012-01-03', end: '2024-12-31', lags: 250 }, attempts: 3 });
      const u = await waitForState(node.engine, unknown.id, ['failed', 'completed']);
      const history = JSON.stringify((await node.engine.readEvents('0', 5000)).events.flatMap((e) => (e.kind === 'job' && e.job.id === unknown.id ? [[e.change, e.job.state, e.job.errorMessage]] : [])));
      expect(u.state).toBe('failed');
      expect(u.errorMessage ?? history).toMatch(/data not available for symbol ZZZT/);
      expect(u.attempts).toBe(1);
      const o = await waitForState(node.engine, oversized.id, ['failed', 'completed']);
      expect(o.state).toBe('failed');
      expect(o.errorMessage).toMatch(/maxMatrixBytes/);
      expect(o.attempts).toBe(1);
    });

    test('a job without progress past the threshold shows stuck, is announced once, and force stop ends it', async () => {
      const startId = await node.engine.lastEventId();
      const job = await submit({ type: 'training', user: 'slowpoke', config: { epochs: 3, epochDelayMs: 60_000 } });
      await waitForState(node.engine, job.id, ['stuck'], 30_000);
      await monitor.checkNow();
      const events = await eventually(async () => {
        const all = (await node.engine.readEvents(startId, 1000)).events;
        const stuck = all.filter((e) => e.kind === 'job' && e.job.id === job.id && e.change === 'stuck');
        return stuck.length > 0 ? stuck : null;
      }, 10_000, 'a stuck event');
      expect(events).toHaveLength(1);
      expect(events[0]!.kind === 'job' && events[0]!.job.state).toBe('stuck');
      await node.engine.jobAction(job.id, 'force-stop', { reason: 'hung' }, ADMIN);
      const done = await waitForState(node.engine, job.id, ['cancelled', 'failed'], 10_000);
      expect(done.state).toBe('cancelled');
      expect(done.cancelReason).toMatch(/^force stopped alice: hung/);
    });

    test('a schedule runs its job; paused, it adds none', async () => {
      // Schedules run at most once a minute: a fixed second a few seconds ahead fires soon.
      const second = Math.floor(Date.now() / 1000 + 4) % 60;
      const schedule = await node.engine.createSchedule({ name: 'each minute', type: 'signal', user: 'cron', priority: 'normal', config: { symbols: ['ALPH'] }, cron: `${second} * * * * *` }, ADMIN);
      expect(schedule.nextRunAt).not.toBeNull();
      const ran = await eventually(async () => {
        const page = await node.engine.listJobs({ user: ['cron'], state: ['completed'], sort: '-created', limit: 10 } as never);
        return page.items[0] ?? null;
      }, 30_000, 'a scheduled job completed');
      expect(ran.type).toBe('signal');
      await node.engine.setSchedulePaused(schedule.id, true, ADMIN);
      await node.engine.deleteSchedule(schedule.id, ADMIN);
      expect(await node.engine.listSchedules()).toEqual([]);
    });

    test('a maintenance window pauses its queues while active and resumes only those it paused', async () => {
      await node.engine.queueAction('report', 'pause', {}, ADMIN); // paused by an admin before the window
      const now = Date.now();
      const w = await node.engine.createMaintenanceWindow({ name: 'db upgrade', queues: ['matrix-build', 'report'], startsAt: new Date(now - 1000).toISOString(), endsAt: new Date(now + 4_000).toISOString() }, ADMIN);
      await monitor.checkNow();
      expect(await node.engine.queue('matrix-build').isPaused()).toBe(true);
      const held = await submit({ type: 'matrix-build', config: { symbols: ['ALPH'], start: '2020-01-02', end: '2020-12-31' } });
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await node.engine.getJob(held.id)).state).toBe('pending');
      await eventually(async () => {
        await monitor.checkNow();
        return !(await node.engine.queue('matrix-build').isPaused());
      }, 15_000, 'the queue resumed after the window');
      expect(await node.engine.queue('report').isPaused()).toBe(true);
      expect(notes.some((n) => /db upgrade.*paused queue matrix-build/.test(n))).toBe(true);
      expect((await waitForState(node.engine, held.id, ['completed', 'failed'])).state).toBe('completed');
      await node.engine.queueAction('report', 'resume', {}, ADMIN);
      await node.engine.deleteMaintenanceWindow(w.id, ADMIN);
    });

    test('the node is in the registry, samples its resources, and follows a concurrency change', async () => {
      const workers = WorkerNode.array().parse(await node.engine.workers());
      const me = workers.find((w) => w.id === node.runtime!.nodeId)!;
      expect(me).toMatchObject({ status: 'online', pid: process.pid });
      expect(me.queues).toHaveLength(6);
      const samples = await eventually(async () => {
        const s = await node.engine.resources(new Date(Date.now() - 60_000).toISOString(), node.runtime!.nodeId);
        return s.length >= 2 ? s : null;
      }, 15_000, 'resource samples');
      for (const s of samples) ResourceSample.parse(s);
      expect(samples.at(-1)!.memoryPercent).toBeGreaterThan(0);
      await node.engine.queueAction('signal', 'set-concurrency', { concurrency: 3 }, ADMIN);
      await eventually(async () => node.runtime!.concurrency().signal === 3, 10_000, 'local concurrency 3');
      await eventually(async () => (await node.engine.workers()).find((w) => w.id === node.runtime!.nodeId)?.concurrency.signal === 3, 10_000, 'registry shows 3');
    });
  });
}
