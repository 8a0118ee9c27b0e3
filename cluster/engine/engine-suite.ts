/**
 * The engine's integration suite, run against every datastore (engine.redis.test.ts,
 * engine.pg.test.ts, engine-embedded.pg.test.ts). One datastore per file; each test works on its
 * own job type or user so tests do not see each other's jobs. Test processors are real BullMQ
 * Workers on the same datastore.
 */
import { UnrecoverableError, type Job as BullJob } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ListJobsQuery, SubmitJobRequest } from '../../contract/api.ts';
import { JOB_TYPES, type JobType, PRIORITIES, type Priority, priorityRank } from '../../contract/domain.ts';
import { ClusterEvent, HistoryPage, type FinishedJobDetail } from '../../contract/events.ts';
import type { SweepConfig } from '../../contract/job-configs.ts';
import { Job, JobDetail } from '../../contract/jobs.ts';
import { Summary } from '../../contract/metrics.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { JobRow } from '../datastore/shared-store.ts';
import { expandSweepGrid } from '../jobs/sweep/sweep-grid.ts';
import type { BullJobEngine } from './bull-job-engine.ts';
import { createEngine } from './create-engine.ts';
import { ADMIN, eventually, testDatastore, type TestDatastore, type TestKind } from './engine-test-support.ts';
import { EngineError } from './job-engine.ts';
import { workerKey, type WorkerRegistration } from './worker-nodes.ts';

const submit = (engine: BullJobEngine, r: Partial<SubmitJobRequest> & { type: JobType }) =>
  engine.submit({ user: 'tester', priority: 'normal', config: {}, ...r } as SubmitJobRequest, ADMIN);
const list = (engine: BullJobEngine, q: Partial<ListJobsQuery>) => engine.listJobs({ sort: '-created', limit: 50, ...q } as ListJobsQuery);

async function engineError(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

async function listAll(engine: BullJobEngine, q: Partial<ListJobsQuery>): Promise<Job[]> {
  const out: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(engine, { ...q, cursor, limit: q.limit ?? 200 });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export function engineSuite(kind: TestKind): void {
  let t: TestDatastore;
  let ds: Datastore;
  let ds2: Datastore;
  let a: BullJobEngine;
  let b: BullJobEngine;
  const workers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    t = await testDatastore(kind);
    ds = await t.open();
    // The second node: its own connections to the same datastore (embedded: same server).
    ds2 = kind === 'embedded' ? ds : await t.open();
    a = createEngine({ datastore: ds, stuckAfterMs: 60_000 });
    await a.start();
    b = createEngine({ datastore: ds2, stuckAfterMs: 60_000 });
    await b.start();
  });

  afterAll(async () => {
    for (const w of workers) await w.close();
    await a?.close();
    await b?.close();
    if (ds2 !== ds) await ds2?.close();
    await ds?.close();
    await t?.cleanup();
  });

  function worker(type: JobType, processor: (job: BullJob) => Promise<unknown>, concurrency = 1) {
    const { Worker } = ds.bullmq.classes;
    const w = new Worker(type, processor, { ...ds.bullmq.options(), concurrency });
    w.on('error', () => undefined);
    workers.push(w);
    return w;
  }

  /** Make the index believe what BullMQ does not, as if the recorders had missed a change. */
  async function misindex(type: JobType, id: string, change: (row: JobRow) => JobRow) {
    const row = (await ds.store.getRow(id))!;
    await ds.store.recordChange({
      dedupKey: `test:misindex:${id}`,
      src: (await ds.store.recorderCursor(type)) ?? '',
      at: new Date().toISOString(),
      job: { row: change(row), change: 'test' },
    });
  }

  test('1,000 jobs of mixed priority: positions and a real worker run critical first, FIFO within a priority', async () => {
    const type: JobType = 'signal';
    const submitted: Job[] = [];
    const s0 = Date.now();
    for (let i = 0; i < 1000; i++) {
      submitted.push(await submit(a, { type, priority: PRIORITIES[(i * 7) % 4]!, user: `u${i % 5}` }));
    }
    console.log(`[${kind}] submitted 1,000 in ${Date.now() - s0} ms`);
    const byPosition = await listAll(a, { type: [type], sort: 'position' });
    expect(byPosition).toHaveLength(1000);
    expect(byPosition.map((j) => j.position)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const ranks = byPosition.map((j) => priorityRank(j.priority));
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    // FIFO inside each priority: submission order.
    const order = new Map(submitted.map((j, i) => [j.id, i]));
    for (let i = 1; i < byPosition.length; i++) {
      if (byPosition[i]!.priority === byPosition[i - 1]!.priority) expect(order.get(byPosition[i]!.id)!).toBeGreaterThan(order.get(byPosition[i - 1]!.id)!);
    }
    const t0 = Date.now();
    const processed: string[] = [];
    const w = worker(type, async (job) => {
      processed.push(job.id!);
      return { outputs: [], metrics: {}, nextSteps: [] };
    });
    await eventually(async () => processed.length === 1000, 60_000, '1,000 jobs processed');
    const t1 = Date.now();
    await w.close();
    expect(processed).toEqual(byPosition.map((j) => j.id));
    console.log(`[${kind}] processed 1,000 in ${t1 - t0} ms`);
    // The recorders catch up with ~4,000 BullMQ events (added, waiting, active, completed per job).
    await eventually(async () => (await a.summary()).queues.find((q) => q.type === type)!.counts.completed === 1000, 120_000, 'index caught up');
  });

  test('config is validated with the type schema; nothing is enqueued on errors; {} is valid for every type', async () => {
    const before = (await a.summary()).total;
    const bad = await engineError(submit(a, { type: 'backtest', config: { symbols: ['bad symbol'], capital: -1 } }));
    expect(bad.code).toBe('validation_failed');
    const paths = (bad.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['config.symbols.0', 'config.capital']));
    const unknown = await engineError(submit(a, { type: 'training', config: { epochz: 3 } }));
    expect(unknown.code).toBe('validation_failed');
    expect(unknown.message).toContain('config');
    const badDep = await engineError(submit(a, { type: 'report', dependsOn: ['nope-1'] }));
    expect(badDep.code).toBe('validation_failed');
    expect((await a.summary()).total).toBe(before);
    for (const type of JOB_TYPES.filter((x) => x !== 'signal')) {
      const job = await submit(a, { type, user: 'defaults' });
      expect(Job.parse(job).state).toBe('pending');
      const detail = JobDetail.parse(await a.getJob(job.id));
      expect(Object.keys(detail.config).length).toBeGreaterThan(0);
    }
    await a.bulkAction({ action: 'delete', filter: { user: ['defaults'] }, dryRun: false }, ADMIN);
    // The sweep's child backtests go with it; their removals are recorded right after.
    await eventually(async () => (await list(a, { user: ['defaults'] })).items.length === 0, 60_000, 'all deleted');
  });

  /** How many child backtests a sweep has (its grid; the index may not show them all yet). */
  async function childCount(sweep: Job): Promise<number> {
    return expandSweepGrid((await a.getJob(sweep.id)).config as SweepConfig).children.length;
  }

  test('a bulk delete of sweeps together with their child backtests deletes every job, none skipped', async () => {
    const sweeps: Job[] = [];
    for (let i = 0; i < 3; i++) sweeps.push(await submit(a, { type: 'sweep', user: 'sweeper' }));
    const children = await childCount(sweeps[0]!);
    expect(children).toBeGreaterThan(1);
    // Children indexed too, so the filter selects each sweep and its children in one chunk, at once.
    const total = sweeps.length * (1 + children);
    await eventually(async () => (await listAll(a, { user: ['sweeper'] })).length === total, 30_000, 'sweeps and children indexed');
    const result = await a.bulkAction({ action: 'delete', filter: { user: ['sweeper'] }, dryRun: false }, ADMIN);
    expect(result.matched).toBe(total);
    // A child removed with its sweep is not 'skipped: started running meanwhile', and on
    // PostgreSQL the sweep does not lose a deadlock to its child's removal and stay.
    expect(result.results.filter((r) => r.outcome !== 'ok')).toEqual([]);
    expect(result.ok).toBe(total);
    await eventually(async () => (await listAll(a, { user: ['sweeper'] })).length === 0, 30_000, 'sweeps and children deleted');
    for (const sweep of sweeps) expect((await engineError(a.getJob(sweep.id))).code).toBe('not_found');
  });

  test('deleting a sweep whose child backtests failed deletes them with it, and the index forgets them', async () => {
    const sweep = await submit(a, { type: 'sweep', user: 'sweep-failing' });
    const children = await childCount(sweep);
    await eventually(async () => (await listAll(a, { user: ['sweep-failing'] })).length === 1 + children, 30_000, 'sweep and children indexed');
    const w = worker('backtest', async () => {
      throw new UnrecoverableError('data not available');
    });
    try {
      // A failed child is an 'ignored' dependency of its sweep (ignoreDependencyOnFailure), not an unprocessed one.
      await eventually(async () => (await listAll(a, { user: ['sweep-failing'], state: ['failed'] })).length === children, 60_000, 'children failed');
    } finally {
      await w.close();
    }
    await a.jobAction(sweep.id, 'delete', {}, ADMIN);
    await eventually(async () => (await listAll(a, { user: ['sweep-failing'] })).length === 0, 30_000, 'sweep and its failed children gone from the index');
  });

  test('cancel of a pending sweep cancels its children with it, alone or together with them in a bulk cancel', async () => {
    const one = await submit(a, { type: 'sweep', user: 'canceller' });
    await submit(a, { type: 'sweep', user: 'canceller' });
    const children = await childCount(one);
    const total = 2 * (1 + children);
    await eventually(async () => (await listAll(a, { user: ['canceller'] })).length === total, 30_000, 'sweeps and children indexed');
    await a.jobAction(one.id, 'cancel', {}, ADMIN);
    const states = async () => new Map((await listAll(a, { user: ['canceller'] })).map((j) => [j.id, j.state]));
    // The first sweep and its children are kept as cancelled records; the second is untouched.
    await eventually(async () => [...(await states())].filter(([, s]) => s === 'cancelled').length === 1 + children, 30_000, 'first sweep cancelled with its children');
    expect([...(await states())].filter(([, s]) => s === 'pending')).toHaveLength(1 + children);
    expect((await a.getJob(one.id)).cancelReason).toBe('by alice');
    const bulk = await a.bulkAction({ action: 'cancel', filter: { user: ['canceller'], state: ['pending'] }, dryRun: false }, ADMIN);
    expect(bulk.matched).toBe(1 + children);
    expect(bulk.results.filter((r) => r.outcome !== 'ok')).toEqual([]);
    await eventually(async () => [...(await states()).values()].every((s) => s === 'cancelled'), 30_000, 'all cancelled');
    expect(await states()).toHaveProperty('size', total);
    await a.bulkAction({ action: 'delete', filter: { user: ['canceller'] }, dryRun: false }, ADMIN);
  });

  test('jobs scheduled for later or waiting for another job are queued but not ready to run', async () => {
    const training = async () => (await a.summary()).queues.find((q) => q.type === 'training')!;
    const before = await training();
    const later = await submit(a, { type: 'training', user: 'quinn', runAt: new Date(Date.now() + 3_600_000).toISOString() });
    await submit(a, { type: 'training', user: 'quinn', dependsOn: [later.id] });
    const after = await training();
    expect(after.queueLength.value).toBe(before.queueLength.value! + 2);
    expect(after.readyCount).toBe(before.readyCount);
    if (after.readyCount === 0) expect(after.processingRatePerMin.level).toBe('good');
    const ready = await submit(a, { type: 'training', user: 'quinn' });
    expect((await training()).readyCount).toBe(before.readyCount + 1);
    await a.jobAction(ready.id, 'delete', {}, ADMIN);
    await a.bulkAction({ action: 'delete', filter: { user: ['quinn'] }, dryRun: false }, ADMIN);
  });

  test('wait time counts jobs still waiting in a paused queue, and the started ones once it resumes', async () => {
    const type: JobType = 'matrix-build';
    const queueOf = async () => (await a.summary()).queues.find((q) => q.type === type)!;
    await a.queueAction(type, 'pause', {}, ADMIN);
    const first = await submit(a, { type, user: 'waiter' });
    await submit(a, { type, user: 'waiter' });
    await submit(a, { type, user: 'waiter', priority: 'high' });
    const ageBefore = Date.now() - Date.parse(first.createdAt);
    const summary = await a.summary();
    const paused = summary.queues.find((q) => q.type === type)!;
    // Nothing of this queue has started: the readings come from the three jobs waiting.
    expect(paused.readyCount).toBeGreaterThanOrEqual(3);
    expect(paused.oldestWaitingMs).toBeGreaterThanOrEqual(ageBefore);
    expect(paused.waitTimeP95Ms.value).not.toBeNull();
    expect(paused.waitSampleCount).toBeGreaterThanOrEqual(3);
    expect(summary.oldestWaitingMs).toBeGreaterThanOrEqual(ageBefore);
    const started: string[] = [];
    const w = worker(type, async (job) => {
      started.push(job.id!);
      return { outputs: [], metrics: {}, nextSteps: [] };
    });
    await a.queueAction(type, 'resume', {}, ADMIN);
    await eventually(async () => (await queueOf()).counts.completed >= 3 && (await queueOf()).counts.pending === 0, 30_000, 'the three jobs ran');
    const resumed = await queueOf();
    expect(resumed.oldestWaitingMs).toBeNull();
    // They started moments ago, so their waits still count (and they waited at least as long as seen paused).
    expect(resumed.waitTimeP95Ms.value).toBeGreaterThanOrEqual(ageBefore);
    expect(resumed.finishedInWindow).toBeGreaterThanOrEqual(3);
    // Later tests queue matrix builds and count them pending: nothing may run them.
    await w.close();
    await a.bulkAction({ action: 'delete', filter: { user: ['waiter'] }, dryRun: false }, ADMIN);
  });

  test('a sweep waiting for its child backtests is not a wait in the sweep queue', async () => {
    const sweep = await submit(a, { type: 'sweep', user: 'sweep-waiter' });
    const children = await childCount(sweep);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    const bw = worker('backtest', async () => {
      await gate;
      return { outputs: [], metrics: {}, nextSteps: [] };
    }, 4);
    const sw = worker('sweep', async (job) => {
      ran.push(job.id!);
      return { outputs: [], metrics: {}, nextSteps: [] };
    });
    try {
      // The children hold the sweep back; the sweep queue has nothing waiting meanwhile.
      await eventually(async () => (await listAll(a, { user: ['sweep-waiter'], state: ['running'] })).length > 0, 30_000, 'a child running');
      const held = (await a.summary()).queues.find((q) => q.type === 'sweep')!;
      expect(held.oldestWaitingMs).toBeNull();
      release();
      await eventually(async () => ran.includes(sweep.id), 60_000, 'sweep ran after its children');
      await eventually(async () => (await a.getJob(sweep.id)).state === 'completed', 30_000, 'sweep recorded completed');
      const after = (await a.summary()).queues.find((q) => q.type === 'sweep')!;
      expect(after.waitTimeP95Ms.value).toBeNull();
      expect(children).toBeGreaterThan(0);
    } finally {
      release();
      await bw.close();
      await sw.close();
    }
    await a.bulkAction({ action: 'delete', filter: { user: ['sweep-waiter'] }, dryRun: false }, ADMIN);
  });

  test('state mapping: running, paused, stuck, completed, failed, cancelled (by a worker), with detail', async () => {
    const type: JobType = 'report';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = worker(
      type,
      async (job) => {
        const user = (job.data as { user: string }).user;
        if (user === 'fails') throw new Error('data not available');
        if (user === 'cancels') throw new UnrecoverableError('cancelled: force stopped by alice');
        if (user === 'holds' || user === 'pauses') {
          await job.log(JSON.stringify({ at: new Date().toISOString(), level: 'info', message: 'step one' }));
          await job.updateProgress({ percent: 40, step: 'Load data', stepIndex: 1, stepCount: 3, message: '', at: new Date().toISOString(), paused: user === 'pauses', cpuPercent: 12, rssBytes: 1e6, steps: ['Prepare', 'Load data', 'Write'] });
          await gate;
        }
        return { outputs: [{ name: 'r.csv', location: '/tmp/r.csv' }], metrics: { rows: 3 }, nextSteps: ['open it'] };
      },
      4,
    );
    const ok = await submit(a, { type, user: 'works' });
    const fails = await submit(a, { type, user: 'fails' });
    const cancels = await submit(a, { type, user: 'cancels' });
    const holds = await submit(a, { type, user: 'holds' });
    const pauses = await submit(a, { type, user: 'pauses' });
    const state = async (id: string) => (await a.getJob(id)).state;
    await eventually(async () => (await state(ok.id)) === 'completed', 15_000, 'completed');
    await eventually(async () => (await state(fails.id)) === 'failed', 15_000, 'failed');
    await eventually(async () => (await state(cancels.id)) === 'cancelled', 15_000, 'cancelled');
    await eventually(async () => (await state(holds.id)) === 'running' && (await a.getJob(holds.id)).progress !== null, 15_000, 'running');
    await eventually(async () => (await state(pauses.id)) === 'paused', 15_000, 'paused');
    const running = JobDetail.parse(await a.getJob(holds.id));
    expect(running.steps.map((s) => [s.name, s.status])).toEqual([['Prepare', 'done'], ['Load data', 'running'], ['Write', 'pending']]);
    expect(running.logsTail.map((l) => l.message)).toEqual(['step one']);
    expect(running.resources.samples.length).toBeGreaterThan(0);
    expect(running.eta).not.toBeNull();
    const cancelled = JobDetail.parse(await a.getJob(cancels.id));
    expect(cancelled.cancelReason).toBe('force stopped by alice');
    const failed = JobDetail.parse(await a.getJob(fails.id));
    expect(failed.errorMessage).toBe('data not available');
    expect(failed.errorStack).toContain('data not available');
    const done = JobDetail.parse(await a.getJob(ok.id));
    expect(done.result?.metrics).toEqual({ rows: 3 });
    expect(done.durationMs).not.toBeNull();
    // Stuck: the same running job seen by an engine with a tiny stuck threshold.
    const impatient = createEngine({ datastore: ds, stuckAfterMs: 1 });
    await impatient.start();
    try {
      await new Promise((r) => setTimeout(r, 20));
      expect((await impatient.getJob(holds.id)).state).toBe('stuck');
      expect((await impatient.listJobs({ state: ['stuck'], type: [type], sort: '-created', limit: 10 })).items.map((j) => j.id)).toEqual([holds.id]);
      expect((await impatient.summary()).counts.stuck).toBeGreaterThanOrEqual(1);
    } finally {
      await impatient.close();
    }
    const conflict = await engineError(a.jobAction(holds.id, 'stop', {}, ADMIN));
    expect(conflict.code).toBe('conflict');
    expect(conflict.message).toMatch(/not available/);
    expect((await engineError(a.jobAction(holds.id, 'cancel', {}, ADMIN))).code).toBe('conflict');
    release();
    await eventually(async () => (await state(holds.id)) === 'completed' && (await state(pauses.id)) === 'completed', 15_000, 'released');
    await w.close();
    const summary = Summary.parse(await a.summary());
    const q = summary.queues.find((x) => x.type === type)!;
    expect(q.failureRate.value).toBeGreaterThan(0);
    expect(q.processingRatePerMin.value).toBeGreaterThan(0);
    expect(q.waitTimeP95Ms.value).not.toBeNull();
  });

  test('lists: filters, text search, sorts and keyset pagination; bad cursors are refused', async () => {
    const type: JobType = 'matrix-build';
    const made: Job[] = [];
    for (let i = 0; i < 25; i++) {
      made.push(await submit(a, { type, user: i % 2 ? 'carol' : 'dave', priority: PRIORITIES[i % 4]!, config: { horizonDays: 10 + i } }));
    }
    const all = await listAll(a, { type: [type], limit: 7 });
    expect(all.map((j) => j.id)).toEqual([...made].reverse().map((j) => j.id));
    const asc = await listAll(a, { type: [type], sort: 'created', limit: 4 });
    expect(asc.map((j) => j.id)).toEqual(made.map((j) => j.id));
    expect((await listAll(a, { type: [type], user: ['carol'] })).every((j) => j.user === 'carol')).toBe(true);
    expect(await listAll(a, { type: [type], priority: ['critical', 'low'] })).toHaveLength(made.filter((j) => j.priority === 'critical' || j.priority === 'low').length);
    const found = await listAll(a, { q: '"horizondays":17' });
    expect(found.map((j) => j.id)).toEqual([made[7]!.id]);
    expect((await listAll(a, { q: made[3]!.id.toUpperCase() })).map((j) => j.id)).toEqual([made[3]!.id]);
    const byPriority = await listAll(a, { type: [type], sort: 'priority', limit: 5 });
    expect(byPriority.map((j) => priorityRank(j.priority))).toEqual([...byPriority.map((j) => priorityRank(j.priority))].sort((x, y) => x - y));
    const page = await list(a, { type: [type], limit: 5 });
    expect(page.nextCursor).not.toBeNull();
    for (const cursor of ['garbage!', 'eyJ2Ijo5fQ', Buffer.from('{"v":1,"s":"created","k":1,"i":"x"}').toString('base64url')]) {
      const error = await engineError(list(a, { type: [type], cursor, sort: '-created' }));
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(/cursor/);
    }
    // Pending jobs carry their position, and it matches the position order.
    const positions = await listAll(a, { type: [type], sort: 'position' });
    expect(positions.map((j) => j.position)).toEqual(positions.map((_, i) => i + 1));
  });

  test('actions: cancel, retry, delete, set-priority, queue pause/resume/concurrency, with conflicts', async () => {
    const type: JobType = 'backtest';
    await a.settle();
    const startId = await a.lastEventId();
    const low = await submit(a, { type, priority: 'low', user: 'erin' });
    const normal = await submit(a, { type, priority: 'normal', user: 'erin' });
    expect(normal.position).toBe(1);
    const raised = await a.jobAction(low.id, 'set-priority', { priority: 'critical' }, ADMIN);
    expect(raised.job?.priority).toBe('critical');
    expect(raised.job?.position).toBe(1);
    expect((await a.getJob(normal.id)).position).toBe(2);
    const cancelled = await a.jobAction(normal.id, 'cancel', { reason: 'not needed' }, ADMIN);
    expect(cancelled.job?.state).toBe('cancelled');
    expect((await a.getJob(normal.id)).cancelReason).toBe('alice: not needed');
    expect((await engineError(a.jobAction(normal.id, 'cancel', {}, ADMIN))).code).toBe('conflict');
    expect((await engineError(a.jobAction(normal.id, 'set-priority', { priority: 'high' }, ADMIN))).code).toBe('conflict');
    expect((await engineError(a.jobAction(low.id, 'retry', {}, ADMIN))).code).toBe('conflict');
    expect((await engineError(a.jobAction('backtest-missing', 'cancel', {}, ADMIN))).code).toBe('not_found');
    const retried = await a.jobAction(normal.id, 'retry', {}, ADMIN);
    expect(retried.job?.state).toBe('pending');
    await a.jobAction(normal.id, 'delete', {}, ADMIN);
    expect((await engineError(a.getJob(normal.id))).code).toBe('not_found');

    const paused = await a.queueAction(type, 'pause', {}, ADMIN);
    expect(paused.paused).toBe(true);
    const resumed = await a.queueAction(type, 'resume', {}, ADMIN);
    expect(resumed.paused).toBe(false);
    const sized = await a.queueAction(type, 'set-concurrency', { concurrency: 5 }, ADMIN);
    expect(sized.concurrency).toBe(5);
    expect((await b.queues()).find((q) => q.type === type)!.concurrency).toBe(5);
    expect((await engineError(a.queueAction(type, 'set-concurrency', {}, ADMIN))).code).toBe('validation_failed');
    await a.settle();
    const { events } = await a.readEvents(startId, 1000);
    const queueEvents = events.filter((e) => e.kind === 'queue' && e.type === type);
    expect(queueEvents.some((e) => e.kind === 'queue' && e.paused)).toBe(true);
    expect(queueEvents.some((e) => e.kind === 'queue' && e.concurrency === 5)).toBe(true);
  });

  test('dependsOn: a job waits until its dependencies completed', async () => {
    const type: JobType = 'training';
    const first = await submit(a, { type, user: 'frank' });
    const second = await submit(a, { type, user: 'frank', dependsOn: [first.id] });
    expect(second.state).toBe('pending');
    expect((await a.getJob(second.id)).dependsOn).toEqual([first.id]);
    const ran: string[] = [];
    const w = worker(type, async (job) => {
      ran.push(job.id!);
      return null;
    });
    await eventually(async () => ran.length === 2, 20_000, 'both ran');
    expect(ran).toEqual([first.id, second.id]);
    await w.close();
  });

  test('bulk actions by ids and by filter, with a dry run', async () => {
    const type: JobType = 'matrix-build';
    const jobs: Job[] = [];
    for (let i = 0; i < 12; i++) jobs.push(await submit(a, { type, user: 'grace' }));
    const dry = await a.bulkAction({ action: 'cancel', filter: { type: [type], user: ['grace'] }, dryRun: true }, ADMIN);
    expect(dry).toMatchObject({ matched: 12, ok: 0, results: [] });
    expect((await list(a, { type: [type], user: ['grace'], state: ['pending'] })).items).toHaveLength(12);
    const byIds = await a.bulkAction({ action: 'set-priority', priority: 'high', ids: [jobs[0]!.id, jobs[1]!.id, 'sweep-nope'], dryRun: false }, ADMIN);
    expect(byIds.ok).toBe(2);
    expect(byIds.failed).toBe(1);
    expect(byIds.results.find((r) => r.id === 'sweep-nope')?.outcome).toBe('failed');
    await eventually(async () => (await a.getJob(jobs[0]!.id)).priority === 'high', 60_000, 'priority applied');
    const cancel = await a.bulkAction({ action: 'cancel', filter: { type: [type], user: ['grace'] }, dryRun: false }, ADMIN);
    expect(cancel.matched).toBe(12);
    expect(cancel.ok).toBe(12);
    await eventually(async () => (await listAll(a, { type: [type], user: ['grace'], state: ['cancelled'] })).length === 12, 60_000, 'all cancelled');
    const again = await a.bulkAction({ action: 'cancel', ids: jobs.map((j) => j.id), dryRun: false }, ADMIN);
    expect(again.skipped).toBe(12);
    expect(again.results[0]!.message).toMatch(/cancelled/);
    const retry = await a.bulkAction({ action: 'retry', filter: { type: [type], user: ['grace'], state: ['cancelled'] }, dryRun: false }, ADMIN);
    expect(retry.ok).toBe(12);
    await eventually(async () => (await listAll(a, { type: [type], user: ['grace'], state: ['pending'] })).length === 12, 60_000, 'all pending again');
  });

  test('delay and run-now: a delayed job stays pending with its runAt and does not run; run-now puts it back in line; both in bulk', async () => {
    const type: JobType = 'signal';
    const user = 'delia';
    const near = (iso: string | null | undefined, ms: number) => expect(Math.abs(Date.parse(iso ?? '') - ms)).toBeLessThan(10_000);
    const [first, second, third] = [await submit(a, { type, user }), await submit(a, { type, user, priority: 'low' }), await submit(a, { type, user })];

    const delayed = await a.jobAction(first.id, 'delay', { seconds: 3600 }, ADMIN);
    expect(delayed.job?.state).toBe('pending');
    near(delayed.job?.runAt, Date.now() + 3_600_000);
    const until = new Date(Date.now() + 7_200_000).toISOString();
    expect((await a.jobAction(second.id, 'delay', { until }, ADMIN)).job?.runAt).toBe(until);
    // A delayed job is delayed again from now.
    near((await a.jobAction(first.id, 'delay', { seconds: 60 }, ADMIN)).job?.runAt, Date.now() + 60_000);

    expect((await engineError(a.jobAction(third.id, 'delay', {}, ADMIN))).code).toBe('validation_failed');
    expect((await engineError(a.jobAction(third.id, 'delay', { seconds: 5, until }, ADMIN))).code).toBe('validation_failed');
    const past = await engineError(a.jobAction(third.id, 'delay', { until: new Date(Date.now() - 1000).toISOString() }, ADMIN));
    expect(past).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/not in the future; use run-now/) });

    const now = await a.jobAction(first.id, 'run-now', {}, ADMIN);
    expect(now.job).toMatchObject({ state: 'pending', runAt: null });

    const dry = await a.bulkAction({ action: 'delay', seconds: 600, filter: { type: [type], user: [user], state: ['pending'] }, dryRun: true }, ADMIN);
    expect(dry).toMatchObject({ matched: 3, ok: 0, results: [] });
    const bulk = await a.bulkAction({ action: 'delay', seconds: 600, filter: { type: [type], user: [user], state: ['pending'] }, dryRun: false }, ADMIN);
    expect(bulk).toMatchObject({ matched: 3, ok: 3 });
    const runAts = await eventually(async () => {
      const jobs = await listAll(a, { type: [type], user: [user] });
      return jobs.every((j) => j.runAt !== null) ? jobs.map((j) => j.runAt) : undefined;
    }, 60_000, 'bulk delay recorded');
    expect(new Set(runAts).size).toBe(1);
    near(runAts[0], Date.now() + 600_000);
    // The answer carries each job's record after the delay, so a copy of it (the desktop's cache) shows the runAt at once.
    expect(bulk.results.map((r) => r.job?.runAt)).toEqual([runAts[0], runAts[0], runAts[0]]);

    // Nothing delayed runs; run-now (in bulk) puts two back in line and a worker runs exactly those.
    const ran: string[] = [];
    const w = worker(type, async (job) => {
      ran.push(job.id!);
      return null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(ran.filter((id) => [first.id, second.id, third.id].includes(id))).toEqual([]);
    const runNow = await a.bulkAction({ action: 'run-now', ids: [first.id, third.id], dryRun: false }, ADMIN);
    expect(runNow).toMatchObject({ ok: 2 });
    await eventually(async () => (await a.getJob(first.id)).state === 'completed' && (await a.getJob(third.id)).state === 'completed', 60_000, 'run now ran');
    expect(await a.getJob(second.id)).toMatchObject({ state: 'pending', runAt: runAts[0] });
    expect((await engineError(a.jobAction(first.id, 'delay', { seconds: 60 }, ADMIN))).code).toBe('conflict');
    await w.close();
    await a.bulkAction({ action: 'delete', filter: { user: [user] }, dryRun: false }, ADMIN);
  });

  test('delay in a paused queue and of a job held for its dependencies: the hold stays, run-now only drops the runAt', async () => {
    const type: JobType = 'signal';
    const user = 'dora';
    await a.queueAction(type, 'pause', {}, ADMIN);
    const ran: string[] = [];
    let w: ReturnType<typeof worker> | undefined;
    try {
      const first = await submit(a, { type, user });
      const held = await submit(a, { type, user, dependsOn: [first.id] });
      expect((await a.jobAction(first.id, 'delay', { seconds: 600 }, ADMIN)).job).toMatchObject({ state: 'pending' });
      const until = new Date(Date.now() + 3_600_000).toISOString();
      expect((await a.jobAction(held.id, 'delay', { until }, ADMIN)).job).toMatchObject({ state: 'pending', runAt: until });
      expect((await a.jobAction(held.id, 'run-now', {}, ADMIN)).job).toMatchObject({ state: 'pending', runAt: null });
      await a.queueAction(type, 'resume', {}, ADMIN);
      w = worker(type, async (job) => {
        if ((job.data as { user: string }).user === user) ran.push(job.id!);
        return null;
      });
      // The first job is delayed and the held one still waits for it: nothing runs.
      await new Promise((r) => setTimeout(r, 1500));
      expect(ran).toEqual([]);
      await a.jobAction(first.id, 'run-now', {}, ADMIN);
      const states = async () => `first ${(await a.getJob(first.id)).state}, held ${(await a.getJob(held.id)).state}, ran ${ran.length}`;
      if (!(await eventually(async () => ran.length === 2, 30_000).catch(() => false))) throw new Error(`both should have run: ${await states()}`);
      expect(ran).toEqual([first.id, held.id]);
    } finally {
      // Closed here too: a worker of this type left running would take the next tests' jobs.
      await w?.close();
      await a.queueAction(type, 'resume', {}, ADMIN);
      await a.bulkAction({ action: 'delete', filter: { user: [user] }, dryRun: false }, ADMIN);
    }
  });

  test('places in line count only jobs ready to run: a delayed job has none, and run-now gives it the place BullMQ runs it in', async () => {
    const type: JobType = 'report';
    const user = 'placido';
    await a.queueAction(type, 'pause', {}, ADMIN);
    const ran: string[] = [];
    try {
      const first = await submit(a, { type, user });
      const later = await submit(a, { type, user });
      const second = await submit(a, { type, user });
      const third = await submit(a, { type, user });
      const delayed = (await a.jobAction(later.id, 'delay', { seconds: 3600 }, ADMIN)).job;
      expect(delayed?.state).toBe('pending');
      expect(delayed?.position).toBeUndefined();
      const inLine = async () => (await listAll(a, { type: [type], user: [user], sort: 'position' })).map((j) => [j.id, j.position ?? null]);
      // The delayed job is ahead of no one, and is listed after the jobs in line.
      expect(await inLine()).toEqual([
        [first.id, 1],
        [second.id, 2],
        [third.id, 3],
        [later.id, null],
      ]);
      expect((await a.getJob(second.id)).position).toBe(2);
      expect((await a.getJob(later.id)).position).toBeUndefined();
      const created = await list(a, { type: [type], user: [user], state: ['pending'] });
      expect(created.items.map((j) => [j.id, j.position ?? null])).toEqual([
        [third.id, 3],
        [second.id, 2],
        [later.id, null],
        [first.id, 1],
      ]);
      // An index row that has the delayed job in line (written before the index told them apart, or
      // after a missed event) is corrected by reconciliation, which compares it with BullMQ.
      await misindex(type, later.id, (row) => ({ ...row, ready: true }));
      expect((await a.getJob(later.id)).position).toEqual(expect.any(Number));
      await eventually(
        async () => {
          await a.reconcile();
          return (await a.getJob(later.id)).position === undefined;
        },
        60_000,
        'the delayed job out of line again',
      );
      expect((await a.getJob(third.id)).position).toBe(3);

      // Run-now puts it at the back of its line, where BullMQ runs it.
      expect((await a.jobAction(later.id, 'run-now', {}, ADMIN)).job).toMatchObject({ state: 'pending', position: 4 });
      const order = [first.id, second.id, third.id, later.id];
      expect(await inLine()).toEqual(order.map((id, i) => [id, i + 1]));
      const w = worker(type, async (job) => {
        if ((job.data as { user: string }).user === user) ran.push(job.id!);
        return null;
      });
      await a.queueAction(type, 'resume', {}, ADMIN);
      await eventually(async () => ran.length === 4, 30_000, 'all four ran');
      expect(ran).toEqual(order);
      await w.close();
    } finally {
      await a.queueAction(type, 'resume', {}, ADMIN);
      await a.bulkAction({ action: 'delete', filter: { user: [user] }, dryRun: false }, ADMIN);
    }
  });

  test('a job whose delay ran out is in line where BullMQ runs it', async () => {
    const type: JobType = 'report';
    const user = 'tempo';
    const ran: string[] = [];
    let release = () => undefined as void;
    // One job at a time, each held until the test lets it finish.
    const w = worker(type, async (job) => {
      if ((job.data as { user: string }).user !== user) return null;
      ran.push(job.id!);
      await new Promise<void>((r) => (release = r));
      return null;
    });
    try {
      await submit(a, { type, user });
      await eventually(async () => ran.length === 1, 30_000, 'the first job started');
      const [first, later, second, third] = [await submit(a, { type, user }), await submit(a, { type, user }), await submit(a, { type, user }), await submit(a, { type, user })];
      await a.jobAction(later.id, 'delay', { seconds: 1 }, ADMIN);
      // Its delay runs out while the worker is busy: BullMQ promotes it as the worker asks for its next job.
      await new Promise((r) => setTimeout(r, 1_500));
      release();
      await eventually(async () => ran.length === 2, 30_000, 'the next job started');
      expect(ran[1]).toBe(first.id);
      const waiting = await eventually(
        async () => {
          const jobs = await listAll(a, { type: [type], user: [user], state: ['pending'], sort: 'position' });
          return jobs.length === 3 && jobs.every((j) => j.position !== undefined) ? jobs : undefined;
        },
        30_000,
        'the delayed job in line',
      );
      expect(waiting.map((j) => j.position)).toEqual([1, 2, 3]);
      expect(new Set(waiting.map((j) => j.id))).toEqual(new Set([later.id, second.id, third.id]));
      // The rest run one after another in the order of their places.
      while (ran.length < 5) {
        const started = ran.length;
        release();
        await eventually(async () => ran.length > started, 30_000, 'the next job started');
      }
      expect(ran.slice(2)).toEqual(waiting.map((j) => j.id));
    } finally {
      release();
      await w.close();
      await a.bulkAction({ action: 'delete', filter: { user: [user] }, dryRun: false }, ADMIN);
    }
  });

  test('a page of pending jobs gives each job the place in line and the record that a read of that job gives, on every page', async () => {
    const user = 'paige';
    const types: JobType[] = ['training', 'report'];
    for (const type of types) await a.queueAction(type, 'pause', {}, ADMIN);
    const { Queue } = ds.bullmq.classes;
    const raw = new Queue('training', { ...ds.bullmq.options() });
    try {
      const mine: Job[] = [];
      for (let i = 0; i < 12; i++) mine.push(await submit(a, { type: types[i % 2]!, user, priority: PRIORITIES[(i * 3) % 4]! }));
      await a.jobAction(mine[4]!.id, 'delay', { seconds: 3600 }, ADMIN);
      // Jobs another tool added to the training queue: an id of no type, and one that names another type.
      const foreign = ['by-another-tool-1', 'report-by-another-tool-2'];
      for (const jobId of foreign) await raw.add('training', { user, priority: 'high' }, { jobId, priority: 2 });
      await eventually(async () => (await listAll(a, { user: [user], state: ['pending'] })).length === 14, 30_000, 'the foreign jobs recorded');
      const ours = new Set([...mine.map((j) => j.id), ...foreign]);
      // Places as the run order of each type's line says them: its list sorted by position, counted.
      const lineOf = new Map<string, number>();
      for (const type of types) {
        for (const [i, job] of (await listAll(a, { type: [type], sort: 'position' })).entries()) if (job.position !== undefined) lineOf.set(job.id, i + 1);
      }
      // Every job's type and priority mixed on pages of 5, newest first, until all of this test's were seen.
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await list(a, { state: ['pending'], limit: 5, cursor });
        pages += 1;
        for (const job of page.items) {
          const read = await a.getJob(job.id);
          expect(read).toMatchObject(job);
          expect([job.id, job.position]).toEqual([job.id, read.position]);
          // Other tests' jobs of other types may be pending too; their queues are not held here.
          if (types.includes(job.type)) expect([job.id, job.position]).toEqual([job.id, lineOf.get(job.id)]);
          if (ours.has(job.id)) seen.add(job.id);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor && seen.size < ours.size);
      expect(seen.size).toBe(ours.size);
      expect(pages).toBeGreaterThan(2);
      // The delayed job has no place; the foreign jobs have theirs.
      expect((await a.getJob(mine[4]!.id)).position).toBeUndefined();
      for (const jobId of foreign) expect((await a.getJob(jobId)).position).toEqual(expect.any(Number));
    } finally {
      await raw.close();
      for (const type of types) await a.queueAction(type, 'resume', {}, ADMIN);
      await a.bulkAction({ action: 'delete', filter: { user: [user] }, dryRun: false }, ADMIN);
    }
  });

  test('load: run times and arrivals from finished jobs; without a live worker node arrivals will not drain, with one the queue is idle', async () => {
    const type: JobType = 'signal';
    const w = worker(type, async () => {
      await new Promise((r) => setTimeout(r, 20));
      return null;
    });
    const jobs: Job[] = [];
    for (let i = 0; i < 6; i++) jobs.push(await submit(a, { type, user: 'lena' }));
    await eventually(async () => {
      for (const j of jobs) if ((await a.getJob(j.id)).state !== 'completed') return false;
      return true;
    }, 60_000, 'all ran');
    await w.close();
    const load = async () => (await a.summary()).queues.find((q) => q.type === type)!.load!;
    const alone = await load();
    expect(alone.runSamples).toBeGreaterThanOrEqual(6);
    expect(alone.meanRunMs).toBeGreaterThan(0);
    expect(alone.arrivalPerMin).toBeGreaterThanOrEqual(6 / 15);
    expect(alone.completionPerMin).toBeGreaterThanOrEqual(6 / 15);
    expect(alone).toMatchObject({ backlog: 0, status: 'growing', drainSeconds: null });
    const now = new Date().toISOString();
    const node: WorkerRegistration = { id: 'load-node', host: 'test', pid: 1, queues: [type], concurrency: { [type]: 1 }, runningJobs: [], startedAt: now, lastHeartbeatAt: now, cpuPercent: null, rssBytes: null };
    await ds.store.putSetting(workerKey(node.id), node);
    try {
      expect(await load()).toMatchObject({ status: 'idle', backlog: 0, drainSeconds: 0, predictedWaitMs: 0, predictedWaitP95Ms: 0 });
      // Without a concurrency set by an admin, the queue shows what its live node runs.
      expect((await a.queues()).find((q) => q.type === type)!.concurrency).toBe(1);
      expect((await load()).recommendedConcurrency).toBeGreaterThanOrEqual(1);
    } finally {
      await ds.store.deleteSetting(workerKey(node.id));
    }
    await a.bulkAction({ action: 'delete', filter: { user: ['lena'] }, dryRun: false }, ADMIN);
  });

  test('bulk cancel checks BullMQ, not only the index: jobs that started or finished meanwhile are skipped with the reason; each cancel is recorded once', async () => {
    const type: JobType = 'training';
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const w = worker(type, async (job) => {
      if ((job.data as { user: string }).user === 'kate-held') await held;
      return null;
    });
    const done = await submit(a, { type, user: 'kate' });
    await eventually(async () => (await a.getJob(done.id)).state === 'completed', 60_000, 'completed');
    const running = await submit(a, { type, user: 'kate-held' });
    await eventually(async () => (await a.getJob(running.id)).state === 'running', 60_000, 'running');
    const pending: Job[] = [];
    for (let i = 0; i < 4; i++) pending.push(await submit(a, { type, user: 'kate' }));
    await a.settle();
    const start = await a.lastEventId();
    // The index has not seen the start or the end yet (as if its recorder were behind): it says pending.
    for (const id of [running.id, done.id]) {
      await misindex(type, id, (row) => ({ ...row, base: 'pending', startedAt: null, finishedAt: null, record: { ...row.record, state: 'pending' } }));
      expect((await a.getJob(id)).state).toBe('pending');
    }
    const ids = [...pending.map((j) => j.id), running.id, done.id, 'training-nope'];
    const result = await a.bulkAction({ action: 'cancel', ids, dryRun: false, reason: 'wrong data' }, ADMIN);
    expect(result).toMatchObject({ matched: 6, ok: 4, skipped: 2, failed: 1 });
    expect(result.results.find((r) => r.id === running.id)).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/started running meanwhile: use stop or force-stop/) });
    expect(result.results.find((r) => r.id === done.id)).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/changed meanwhile: it is completed now/) });
    // Nothing was removed from BullMQ for them.
    expect(await (await a.queue(type).getJob(done.id))!.getState()).toBe('completed');
    expect(result.results.find((r) => r.id === 'training-nope')?.outcome).toBe('failed');
    for (const job of pending) expect((await a.getJob(job.id)).state).toBe('cancelled');
    expect((await a.getJob(pending[0]!.id)).cancelReason ?? '').toMatch(/wrong data/);
    // BullMQ still runs the job the index thought pending.
    expect(await (await a.queue(type).getJob(running.id))!.getState()).toBe('active');
    await a.settle();
    await b.settle();
    const { events } = await a.readEvents(start, 1000);
    for (const job of pending) {
      expect(events.filter((e) => e.kind === 'job' && e.job.id === job.id && e.change === 'cancelled'), job.id).toHaveLength(1);
    }
    release();
    await eventually(async () => (await a.getJob(running.id)).state === 'completed', 60_000, 'the running job completes');
    await w.close();
    await a.bulkAction({ action: 'delete', filter: { user: ['kate', 'kate-held'] }, dryRun: false }, ADMIN);
  });

  test('two engines on one datastore act as one cluster, and see the same events', async () => {
    const type: JobType = 'report';
    await a.settle();
    await b.settle();
    const startId = await a.lastEventId();
    const job = await submit(a, { type, user: 'heidi' });
    const seenByB = await eventually(async () => (await list(b, { user: ['heidi'] })).items[0], 60_000, 'listed on b');
    expect(seenByB.id).toBe(job.id);
    const cancelled = await b.jobAction(job.id, 'cancel', {}, { ...ADMIN, name: 'bob' });
    expect(cancelled.job?.state).toBe('cancelled');
    expect((await a.getJob(job.id)).state).toBe('cancelled');
    await a.settle();
    await b.settle();
    const last = await a.lastEventId();
    expect(await b.lastEventId()).toBe(last);
    const fromA = (await a.readEvents(startId, 1000)).events;
    const fromB = (await b.readEvents(startId, 1000)).events;
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB).toEqual(fromA);
    const ids = fromA.map((e) => BigInt(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! - ids[i - 1]!).toBe(1n);
    for (const e of fromA) ClusterEvent.parse(e);
    // Each job change was recorded once although two recorders watched every queue.
    const heidi = fromA.filter((e) => e.kind === 'job' && e.job.id === job.id);
    expect(heidi.filter((e) => e.kind === 'job' && e.change === 'added')).toHaveLength(1);
    expect(heidi.at(-1)).toMatchObject({ job: { state: 'cancelled' } });
    // Wake-ups reach the other engine. Its first listener opens the wake-up connection, which may
    // not listen yet when the first submit is recorded: each recorded change sends one.
    let woke = false;
    const stop = b.onEventsAvailable(() => (woke = true));
    await eventually(
      async () => {
        if (!woke) await submit(a, { type, user: 'heidi' });
        return woke;
      },
      60_000,
      'wake-up on b',
    );
    stop();
  });

  test('reconciliation: the index and the event stream converge to BullMQ after a missed change and a removal by another tool', async () => {
    const type: JobType = 'signal';
    const passed = await ds.store.recorderCursor(type);
    const gone = await submit(a, { type, user: 'ivan' });
    const wrong = await submit(a, { type, user: 'ivan' });
    // Let the recorders go past the jobs' own events first, so none of them is recorded after the changes below.
    await eventually(async () => ((await ds.store.recorderCursor(type)) ?? '') > (passed ?? ''), 60_000, 'recorded');
    await a.settle();
    await b.settle();
    const start = await a.lastEventId();
    // A removal by another tool, straight through BullMQ (PostgreSQL does not announce it).
    const { Queue } = ds.bullmq.classes;
    const raw = new Queue(type, { ...ds.bullmq.options() });
    try {
      await (await raw.getJob(gone.id))!.remove();
    } finally {
      await raw.close();
    }
    // A change the recorders missed: the index says running while BullMQ still has the job waiting.
    await misindex(type, wrong.id, (row) => ({ ...row, base: 'active', startedAt: Date.now(), progressAt: Date.now(), record: { ...row.record, state: 'running' } }));
    expect((await a.getJob(wrong.id)).state).toBe('running');
    // Passes confirm a disagreement at a second visit, then correct it.
    await eventually(
      async () => {
        await a.reconcile();
        const listed = (await list(a, { type: [type], user: ['ivan'] })).items;
        return listed.length === 1 && listed[0]!.id === wrong.id && listed[0]!.state === 'pending';
      },
      60_000,
      'index reconciled',
    );
    const { events } = await a.readEvents(start, 1000);
    const fixed = events.filter((e) => e.kind === 'job' && e.job.id === wrong.id).at(-1);
    expect(fixed).toMatchObject({ change: 'reconciled', job: { state: 'pending' } });
    expect(events.some((e) => e.kind === 'job-removed' && e.jobId === gone.id)).toBe(true);
    // Nothing left to correct: further passes record nothing.
    await a.settle();
    expect((await a.reconcile({ confirmed: false, limit: 1000 })).corrected).toBe(0);
    await a.bulkAction({ action: 'delete', filter: { user: ['ivan'] }, dryRun: false }, ADMIN);
  });

  test('history rebuilds the full set of jobs, removed ones included', async () => {
    await a.settle();
    const cache = new Map<string, Job>();
    let cursor: string | undefined;
    let eventId = '0';
    for (;;) {
      const page = HistoryPage.parse(await a.history(cursor, 300));
      for (const j of page.items) cache.set(j.id, j);
      for (const r of page.removed) cache.delete(r.id);
      if (cursor === undefined) eventId = page.eventId;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const everything = await listAll(a, { limit: 500 });
    expect(new Set(cache.keys())).toEqual(new Set(everything.map((j) => j.id)));
    for (const j of everything) expect(cache.get(j.id)!.state).toBe(j.state);
    expect(BigInt(eventId)).toBeGreaterThan(0n);
    const again = await a.history(cursor, 100);
    expect(again.items).toHaveLength(0);
    expect(again.cursor).toBe(cursor);
    expect((await engineError(a.history('abc', 10))).code).toBe('bad_request');
  });

  test('history pages carry the config, stack and result of their finished jobs, as the job detail has them', async () => {
    const type: JobType = 'report';
    const w = worker(
      type,
      async (job) => {
        if ((job.data as { user: string }).user === 'olga-fails') throw new Error('no file /data/olga/bars.csv');
        return { outputs: [], metrics: { rows: 7 }, nextSteps: [] };
      },
      2,
    );
    try {
      await a.settle();
      const from = await a.lastEventId();
      const fails = await submit(a, { type, user: 'olga-fails', config: { kind: 'jobs-summary', sinceHours: 3 } });
      const works = await submit(a, { type, user: 'olga', config: { kind: 'jobs-summary', sinceHours: 5 } });
      await eventually(async () => (await a.getJob(fails.id)).state === 'failed' && (await a.getJob(works.id)).state === 'completed', 30_000, 'finished');
      await a.settle();
      const items = new Map<string, Job>();
      const details = new Map<string, FinishedJobDetail>();
      let cursor: string | undefined = from;
      for (;;) {
        const page = HistoryPage.parse(await a.history(cursor, 300));
        for (const j of page.items) items.set(j.id, j);
        for (const d of page.details ?? []) details.set(d.id, d);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      for (const id of [fails.id, works.id]) {
        const d = await a.getJob(id);
        expect(details.get(id)).toEqual({ id, updatedAt: items.get(id)!.updatedAt, config: d.config, errorStack: d.errorStack, result: d.result });
      }
      expect(details.get(fails.id)).toMatchObject({ config: { kind: 'jobs-summary', sinceHours: 3 }, errorStack: expect.stringContaining('no file /data/olga/bars.csv'), result: null });
      expect(details.get(works.id)?.result?.metrics).toEqual({ rows: 7 });
    } finally {
      await w.close();
    }
  });

  test('events: reading after an id older than the retained ones gives reset', async () => {
    const last = await a.lastEventId();
    const small = createEngine({ datastore: ds, retainEvents: { maxEvents: 5, maxAgeMs: 3600_000 } });
    await small.start();
    try {
      await small.housekeeping();
      const old = await small.readEvents('1', 10);
      expect(old.reset).toBe(true);
      const recent = await small.readEvents(String(BigInt(last) - 2n), 10);
      expect(recent.reset).toBe(false);
      expect(recent.events.length).toBeGreaterThanOrEqual(2);
      expect((await small.readEvents(String(BigInt(last) + 1000n), 10)).reset).toBe(true);
      expect((await small.readEvents(null, 10)).lastId).toBe(await small.lastEventId());
    } finally {
      await small.close();
    }
  });

  test('audit records are kept in the datastore, newest first, paged', async () => {
    for (let i = 0; i < 3; i++) {
      await a.appendAudit({ at: new Date().toISOString(), actor: 'alice', role: 'admin', action: `job.cancel`, target: `job-${i}`, sourceAddress: '127.0.0.1', status: 200, result: 'ok' });
    }
    const first = await b.listAudit(undefined, 2);
    expect(first.items.map((r) => r.target)).toEqual(['job-2', 'job-1']);
    const second = await b.listAudit(first.nextCursor!, 2);
    expect(second.items.map((r) => r.target)).toEqual(['job-0']);
    expect(second.nextCursor).toBeNull();
  });

  // Last: it trims the event log that the tests above read.
  test('event retention trims a long log in steps, and the dedup keys of dropped events with it', async () => {
    // A job deleted before the log grows leaves a tombstone older than every event kept below.
    const doomed = await submit(a, { type: 'report', user: 'rita-retention' });
    await a.jobAction(doomed.id, 'delete', {}, ADMIN);
    await a.settle();
    await b.settle();
    const keys: string[] = [];
    for (let i = 0; i < 2_600; i += 50) {
      const changes = Array.from({ length: 50 }, (_, k) => {
        keys.push(`test:retention:${i + k}`);
        return { dedupKey: keys.at(-1)!, src: '', at: new Date().toISOString(), other: { kind: 'queue' as const, at: new Date().toISOString(), type: 'report' as const, paused: false, concurrency: 2 } };
      });
      await ds.store.recordChanges(changes);
    }
    const last = await a.lastEventId();
    const dropped = await ds.store.trimEvents({ maxEvents: 100, maxAgeMs: 365 * 86_400_000 });
    expect(dropped).toBeGreaterThanOrEqual(2_500);
    const kept = await ds.store.readEvents('0', 1_000);
    expect(kept.lastId).toBe(last);
    expect(kept.events).toHaveLength(100);
    expect(BigInt(kept.oldestId)).toBe(BigInt(last) - 99n);
    const recorded = await ds.store.recordedKeys(keys);
    expect(recorded).toEqual(new Set(keys.slice(-100)));
    // Tombstones older than every kept event (the one above, and any of the tests before) go too.
    expect(await ds.store.trimTombstones(Number(kept.oldestId))).toBeGreaterThan(0);
    expect(await ds.store.trimTombstones(Number(kept.oldestId))).toBe(0);
  });

  describe('health', () => {
    test('reports the datastore reachable with a latency', async () => {
      const h = await a.health();
      expect(h.reachable).toBe(true);
      expect(h.latencyMs).toBeGreaterThanOrEqual(0);
      expect(a.datastore).toBe(kind);
    });
  });
}

export type { Priority };
