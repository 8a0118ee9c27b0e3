/**
 * The API's contract suite, run against the real engine on every datastore (bull-board's "one
 * shared contract test against every adapter"): each `*.pg.test.ts` / `*.redis.test.ts` calls
 * `describeApiContract` with a way to open an engine on its datastore.
 *
 * It proves, over real HTTP: the role matrix of every route; 4xx with readable messages for bad
 * input; the wire shapes outside tools rely on; SSE resume (every missed event exactly once) and
 * `reset` for a too-old id; audit records through the engine.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, AuditPage, JobPage, type Role } from '../../../contract/api.ts';
import { PRIORITIES, priorityRank } from '../../../contract/domain.ts';
import { compareEventIds, HistoryPage } from '../../../contract/events.ts';
import { Job, JobDetail } from '../../../contract/jobs.ts';
import { DEFAULT_WAIT_TARGET_MS, QueueLoadReport } from '../../../contract/load.ts';
import { QueueMetrics, Summary } from '../../../contract/metrics.ts';
import type { Datastore } from '../../datastore/open-datastore.ts';
import { createEngine } from '../../engine/create-engine.ts';
import { testDatastore, type TestKind } from '../../engine/engine-test-support.ts';
import type { JobEngine } from '../../engine/job-engine.ts';
import type { ServedRoute } from '../route.ts';
import { alertApiDepsOf } from '../../alerts/alert-api-deps.ts';
import { apiFixture, type ApiFixture } from './api-fixture.ts';
import { openSse } from './sse-client.ts';

export interface EngineUnderTest {
  engine: JobEngine;
  datastore: Datastore;
  /** Close engine and datastore, drop what the test created. */
  close(): Promise<void>;
}

type Caller = 'none' | Role;
const CALLERS: Caller[] = ['none', 'viewer', 'operator', 'admin'];
const RANK: Record<Caller, number> = { none: -1, viewer: 0, operator: 1, admin: 2 };

/** A plausible request for a route: path with parameters filled in and a valid body. */
function sampleRequest(route: ServedRoute, jobId: string): { path: string; body?: unknown } {
  const params: Record<string, string> = { id: jobId, type: 'signal', action: 'cancel' };
  if (route.path.startsWith('/api/v1/queues/')) params.action = 'resume';
  if (route.path.startsWith('/api/v1/schedules/') || route.path.startsWith('/api/v1/maintenance-windows/')) {
    params.id = 'no-such-record';
    params.action = 'pause';
  }
  const path = route.path.replace(/:(\w+)/g, (_m, name: string) => params[name]!);
  const bodies: Record<string, unknown> = {
    'POST /api/v1/jobs': { type: 'signal', user: 'matrix', config: {} },
    'POST /api/v1/jobs/bulk': { action: 'cancel', ids: [jobId], dryRun: true },
    'POST /api/v1/schedules': { name: 'matrix schedule', type: 'report', user: 'matrix', cron: '0 3 * * *' },
    'POST /api/v1/maintenance-windows': {
      name: 'matrix window',
      queues: ['report'],
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    },
  };
  return { path, body: bodies[`${route.method} ${route.path}`] };
}

/** The shared suite; `open` gives a fresh engine on the datastore under test. */
export function describeApiContract(label: string, open: () => Promise<EngineUnderTest>): void {
  describe(`cluster API on ${label}`, () => {
    let under: EngineUnderTest;
    let fx: ApiFixture;
    let base: string;

    beforeAll(async () => {
      under = await open();
      // The role matrix calls every route without a token: more failed authentications than the
      // per-address limit allows in a minute (the limiter has its own tests).
      fx = await apiFixture(
        under.engine,
        { rateLimit: false, failedAuth: { max: 10_000, windowMs: 60_000 }, events: { heartbeatMs: 5_000, pollMs: 250, batchSize: 50 } },
        { alerting: alertApiDepsOf(under.datastore) },
      );
      base = await fx.server.listen('127.0.0.1', 0);
    });
    afterAll(async () => {
      await fx?.server.close();
      await under?.close();
    });

    async function call(method: string, path: string, caller: Caller, body?: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(base + path, {
        method,
        headers: {
          ...(caller === 'none' ? {} : fx.auth(caller)),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: () => JSON.parse(text) as unknown };
    }

    async function submit(priority: string, user = 'alice', type = 'signal'): Promise<Job> {
      const res = await call('POST', '/api/v1/jobs', 'operator', { type, user, priority, config: {} });
      expect(res.status, res.text).toBe(201);
      return Job.parse(res.json());
    }

    it('answers POST /api/v1/jobs with 201 and the Job, and lists {items, nextCursor}', async () => {
      const job = await submit('high', 'bob', 'report');
      expect(job).toMatchObject({ type: 'report', user: 'bob', priority: 'high', state: 'pending' });
      expect(job.position).toBeGreaterThanOrEqual(1);
      const list = await call('GET', '/api/v1/jobs?type=report&limit=1', 'viewer');
      expect(list.status).toBe(200);
      const raw = list.json() as Record<string, unknown>;
      expect(Object.keys(raw).sort()).toEqual(['items', 'nextCursor']);
      const page = JobPage.parse(raw);
      expect(page.items.map((j) => j.id)).toContain(job.id);
      const detail = await call('GET', `/api/v1/jobs/${job.id}`, 'viewer');
      expect(JobDetail.parse(detail.json()).config).toBeTypeOf('object');
    });

    it('lists pending jobs in run order with sort=position (critical first)', async () => {
      const mix = ['low', 'normal', 'critical', 'high', 'low', 'critical', 'normal', 'high'];
      for (const p of mix) await submit(p, 'order', 'training');
      const res = await call('GET', '/api/v1/jobs?type=training&state=pending&sort=position&limit=100', 'viewer');
      expect(res.status, res.text).toBe(200);
      const items = JobPage.parse(res.json()).items;
      expect(items).toHaveLength(mix.length);
      expect(items.map((j) => j.position)).toEqual(items.map((_, i) => i + 1));
      const ranks = items.map((j) => priorityRank(j.priority));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(items[0]!.priority).toBe(PRIORITIES[0]);
    });

    it('enforces the role matrix on every route', async () => {
      const job = await submit('low', 'matrix');
      const failures: string[] = [];
      for (const route of fx.server.routes) {
        for (const caller of CALLERS) {
          const { path, body } = sampleRequest(route, job.id);
          let status: number;
          let text = '';
          if (route.stream) {
            const ctl = new AbortController();
            const res = await fetch(base + path, { headers: caller === 'none' ? {} : fx.auth(caller), signal: ctl.signal });
            status = res.status;
            if (status >= 400) text = await res.text();
            ctl.abort();
          } else {
            const res = await call(route.method, path, caller, body);
            status = res.status;
            text = res.text;
          }
          const allowed = route.access === 'none' || RANK[caller] >= RANK[route.access];
          const expected = allowed ? 'not 401/403' : caller === 'none' ? 401 : 403;
          const ok = allowed ? status !== 401 && status !== 403 && status < 500 : status === expected;
          if (!ok) failures.push(`${route.method} ${route.path} as ${caller}: ${status} (expected ${expected}) ${text.slice(0, 200)}`);
          if (status >= 400) {
            const parsed = ApiError.safeParse(JSON.parse(text));
            if (!parsed.success) failures.push(`${route.method} ${route.path} as ${caller}: ${status} without the error envelope: ${text.slice(0, 200)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    /** A job-list cursor in this cluster's format with a given sort score. */
    function jobCursor(k: number): string {
      return Buffer.from(JSON.stringify({ v: 1, s: '-created', k, i: 'x' })).toString('base64url');
    }

    it('answers bad input with 4xx and readable messages, and enqueues nothing', async () => {
      const before = JobPage.parse((await call('GET', '/api/v1/jobs?user=badinput', 'viewer')).json()).items.length;
      const cases: Array<[string, string, unknown, number, RegExp]> = [
        ['POST', '/api/v1/jobs', { type: 'signal', user: 'badinput', priority: 7 }, 400, /priority/],
        ['POST', '/api/v1/jobs', { type: 'signal', user: 'badinput', colour: 'red' }, 400, /colour/],
        ['POST', '/api/v1/jobs', { type: 'signal', user: 'badinput', config: { notAField: 1 } }, 400, /notAField/],
        ['POST', '/api/v1/jobs', { type: 'backtest', user: 'badinput', config: { symbols: ['lower'] } }, 400, /symbols/],
        ['POST', '/api/v1/jobs', '{"type":"signal","user":"badinput"', 400, /not valid JSON/],
        ['POST', '/api/v1/jobs', { type: 'signal', user: 'badinput', config: { pad: 'x'.repeat(1_100_000) } }, 413, /larger than/],
        ['POST', '/api/v1/jobs/bulk', { action: 'cancel' }, 400, /ids or filter/],
        ['GET', '/api/v1/jobs?limit=-1', undefined, 400, /limit/],
        ['GET', '/api/v1/jobs?cursor=not-a-cursor', undefined, 400, /cursor/i],
        ['GET', '/api/v1/jobs?sort=random', undefined, 400, /sort/],
        ['GET', '/api/v1/history?after=%%%', undefined, 400, /./],
        ['GET', '/api/v1/history?after=99999999999999999999', undefined, 400, /after/],
        ['GET', '/api/v1/audit?cursor=99999999999999999999', undefined, 400, /cursor/],
        ['GET', `/api/v1/jobs?cursor=${jobCursor(1e20)}`, undefined, 400, /cursor/],
        ['GET', `/api/v1/jobs?cursor=${jobCursor(-1e300)}`, undefined, 400, /cursor/],
        ['GET', '/api/v1/jobs?q=a%00b', undefined, 400, /q: contains a NUL/],
        ['GET', '/api/v1/resources?nodeId=a%00b', undefined, 400, /nodeId: contains a NUL/],
        ['POST', '/api/v1/jobs/bulk', { action: 'cancel', filter: { q: 'a\u0000b' }, dryRun: true }, 400, /filter\.q: contains a NUL/],
        ['POST', '/api/v1/jobs', { type: 'report', user: 'badinput', config: { kind: 'sweep-results', sourceJobId: 'a\uD800' } }, 400, /sourceJobId: contains a lone/],
        ['POST', '/api/v1/jobs', { type: 'training', user: 'badinput', config: { matrixJobId: 'a\u0000' } }, 400, /matrixJobId: contains a NUL/],
        ['POST', '/api/v1/jobs/no-such-job/actions/cancel', { reason: 'a\u0000b' }, 400, /reason: contains a NUL/],
        [
          'POST',
          '/api/v1/maintenance-windows',
          { name: 'w\u0000', queues: ['report'], startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' },
          400,
          /name: contains a NUL/,
        ],
        ['GET', '/api/v1/jobs/no-such-job', undefined, 404, /no-such-job/],
      ];
      const failures: string[] = [];
      for (const [method, path, body, status, message] of cases) {
        const res = await call(method, path, 'admin', body);
        const parsed = ApiError.safeParse(JSON.parse(res.text));
        if (res.status !== status || !parsed.success || !message.test(parsed.data.error.message)) {
          failures.push(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
      const after = JobPage.parse((await call('GET', '/api/v1/jobs?user=badinput', 'viewer')).json()).items.length;
      expect(after).toBe(before);
      // The refused mutations are in the datastore's audit log, their input escaped.
      const audit = AuditPage.parse((await call('GET', '/api/v1/audit?limit=100', 'admin')).json()).items;
      const refusedCancel = audit.find((r) => r.action === 'job.cancel' && r.target === 'no-such-job');
      expect(refusedCancel).toMatchObject({ status: 400, actor: 'admin' });
      expect(audit.find((r) => r.action === 'maintenance-window.create' && r.status === 400)?.target).toBe('name:w\\u0000');
    });

    it('delivers every missed event exactly once after a dropped connection', async () => {
      const first = await openSse(`${base}/api/v1/events`, fx.auth('viewer'));
      await first.waitForComment(/connected/);
      await submit('normal', 'sse1', 'signal');
      await first.waitForEvents(1);
      const seenBeforeDrop = [...first.ids];
      first.close();
      await first.ended;
      for (let i = 0; i < 5; i++) await submit('normal', 'sse2', 'signal');
      const lastSeen = seenBeforeDrop.at(-1)!;
      // What the cluster holds after the drop point, read straight from the engine.
      const expected: string[] = [];
      let cursor = lastSeen;
      for (;;) {
        const batch = await under.engine.readEvents(cursor, 1000);
        expect(batch.reset).toBe(false);
        if (batch.events.length === 0) break;
        expected.push(...batch.events.map((e) => e.id));
        cursor = batch.lastId;
      }
      expect(expected.length).toBeGreaterThanOrEqual(5);
      const second = await openSse(`${base}/api/v1/events`, { ...fx.auth('viewer'), 'last-event-id': lastSeen });
      await second.waitForEvents(expected.length);
      await new Promise((r) => setTimeout(r, 600));
      const resumed = second.ids.slice(0, expected.length);
      expect(resumed).toEqual(expected);
      const all = [...seenBeforeDrop, ...second.ids];
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort(compareEventIds)).toEqual(all);
      const jobEvents = second.events.filter((e) => e.kind === 'job' && e.job.user === 'sse2');
      expect(new Set(jobEvents.map((e) => (e.kind === 'job' ? e.job.id : ''))).size).toBe(5);
      second.close();
    });

    it('sends an explicit reset for an id older than the retained events', async () => {
      await submit('normal', 'reset', 'matrix-build');
      const oldest = (await under.engine.readEvents('0', 1)).events[0]?.id ?? '1';
      await submit('normal', 'reset', 'matrix-build');
      await under.datastore.store.trimEvents({ maxEvents: 1, maxAgeMs: 365 * 86_400_000 });
      const sse = await openSse(`${base}/api/v1/events`, { ...fx.auth('viewer'), 'last-event-id': oldest });
      const [reset] = await sse.waitForEvents(1);
      expect(reset?.kind).toBe('reset');
      const newest = await under.engine.lastEventId();
      expect(compareEventIds(reset!.id, newest)).toBeLessThanOrEqual(0);
      const live = await submit('critical', 'after-reset', 'matrix-build');
      await sse.waitForEvent((e) => e.kind === 'job' && e.job.id === live.id);
      expect(sse.events.filter((e) => e.kind === 'reset')).toHaveLength(1);
      sse.close();
    });

    it('answers a Last-Event-ID from the future (or past any id a datastore holds) with one reset, then a normal stream', async () => {
      const newest = await under.engine.lastEventId();
      for (const future of [String(BigInt(newest) + 99_999_999_999n), '99999999999999999999']) {
        const sse = await openSse(`${base}/api/v1/events`, { ...fx.auth('viewer'), 'last-event-id': future });
        const [reset] = await sse.waitForEvents(1);
        expect(reset?.kind).toBe('reset');
        await new Promise((r) => setTimeout(r, 600)); // a few polls: no further reset
        const live = await submit('normal', 'after-future', 'signal');
        await sse.waitForEvent((e) => e.kind === 'job' && e.job.id === live.id);
        expect(sse.events.filter((e) => e.kind === 'reset')).toHaveLength(1);
        sse.close();
      }
    });

    it('passes history through and records audits in the datastore', async () => {
      const job = await submit('low', 'audited', 'backtest');
      const cancel = await call('POST', `/api/v1/jobs/${job.id}/actions/cancel`, 'operator', { reason: 'audit test' });
      expect(cancel.status, cancel.text).toBe(200);
      const audit = AuditPage.parse((await call('GET', '/api/v1/audit?limit=50', 'admin')).json());
      const mine = audit.items.filter((r) => r.target === job.id);
      expect(mine.map((r) => [r.action, r.actor, r.status])).toEqual([
        ['job.cancel', 'operator', 200],
        ['job.submit', 'operator', 201],
      ]);
      const history = HistoryPage.parse((await call('GET', '/api/v1/history?limit=2000', 'viewer')).json());
      expect(history.items.some((j) => j.id === job.id)).toBe(true);
      const metrics = await call('GET', '/metrics', 'viewer');
      expect(metrics.text).toMatch(/sigmatiq_jobs\{type="backtest",state="cancelled"\} [1-9]/);
      // Prometheus' own linter (Debian's `prometheus` package) has nothing to say about it.
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: metrics.text, encoding: 'utf8' });
      expect(lint.error, 'promtool not found: install the Debian package `prometheus`').toBeUndefined();
      expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    });

    it('delays a pending job (until or seconds) and runs it now, answers bad delays with 400s, and audits both', async () => {
      const job = await submit('normal', 'delayer', 'training');
      const bad: [unknown, RegExp][] = [
        [{}, /until .* or seconds/],
        [{ seconds: 10, until: new Date(Date.now() + 60_000).toISOString() }, /until .* or seconds, not both/],
        [{ seconds: 0 }, /seconds: at least 1/],
        [{ seconds: 1.5 }, /seconds/],
        [{ until: 'tomorrow' }, /until/],
        [{ until: new Date(Date.now() - 60_000).toISOString() }, /not in the future; use run-now/],
        [{ until: new Date(Date.now() + 100 * 86_400_000).toISOString() }, /more than 90 days/],
      ];
      for (const [body, message] of bad) {
        const res = await call('POST', `/api/v1/jobs/${job.id}/actions/delay`, 'operator', body);
        expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(400);
        expect(ApiError.parse(res.json()).error.message).toMatch(message);
      }
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const delayed = await call('POST', `/api/v1/jobs/${job.id}/actions/delay`, 'operator', { until });
      expect(delayed.status, delayed.text).toBe(200);
      expect(Job.parse((delayed.json() as { job: unknown }).job)).toMatchObject({ state: 'pending', runAt: until });
      const dry = await call('POST', '/api/v1/jobs/bulk', 'operator', { action: 'delay', seconds: 60, filter: { user: ['delayer'] }, dryRun: true });
      expect(dry.status, dry.text).toBe(200);
      expect(dry.json()).toMatchObject({ action: 'delay', matched: 1, results: [] });
      const noTime = await call('POST', '/api/v1/jobs/bulk', 'operator', { action: 'delay', ids: [job.id] });
      expect(noTime.status).toBe(400);
      const now = await call('POST', `/api/v1/jobs/${job.id}/actions/run-now`, 'operator');
      expect(now.status, now.text).toBe(200);
      expect(Job.parse((now.json() as { job: unknown }).job)).toMatchObject({ state: 'pending', runAt: null });
      const audit = AuditPage.parse((await call('GET', '/api/v1/audit?limit=50', 'admin')).json());
      const mine = audit.items.filter((r) => r.target === job.id && r.status === 200).map((r) => r.action);
      expect(mine).toEqual(expect.arrayContaining(['job.delay', 'job.run-now']));
    });

    it('reports every queue with its load, and a paused queue that is filling as growing', async () => {
      const pause = await call('POST', '/api/v1/queues/backtest/actions/pause', 'admin');
      expect(pause.status, pause.text).toBe(200);
      try {
        await submit('normal', 'load', 'backtest');
        await submit('low', 'load', 'backtest');
        const queues = QueueMetrics.array().parse((await call('GET', '/api/v1/queues', 'viewer')).json());
        const summary = Summary.parse((await call('GET', '/api/v1/summary', 'viewer')).json());
        for (const list of [queues, summary.queues]) {
          expect(list.filter((q) => q.load === undefined).map((q) => q.type)).toEqual([]);
          const backtest = list.find((q) => q.type === 'backtest')!;
          expect(backtest.paused).toBe(true);
          expect(backtest.load).toMatchObject({ status: 'growing', drainSeconds: null, predictedWaitMs: null });
          expect(backtest.load!.backlog).toBeGreaterThanOrEqual(2);
          expect(backtest.load!.arrivalPerMin).toBeGreaterThanOrEqual(2 / 15);
        }
      } finally {
        await call('POST', '/api/v1/queues/backtest/actions/resume', 'admin');
      }
    });

    it('answers one queue’s load with a what-if and the backlog forecast, and bad concurrency or target with 400', async () => {
      // No worker node runs here: jobs wait, and no concurrency would start them.
      for (let i = 0; i < 3; i++) await submit('normal', 'queue-load', 'matrix-build');
      const res = await call('GET', '/api/v1/queues/matrix-build/load?concurrency=3&targetMs=30000', 'viewer');
      expect(res.status, res.text).toBe(200);
      const report = QueueLoadReport.parse(res.json());
      expect(report.load.backlog).toBeGreaterThanOrEqual(3);
      expect(report.load).toMatchObject({ status: 'growing', waitTargetMs: 30_000, drainSeconds: null });
      expect(report.whatIf).toMatchObject({ concurrency: 3, status: 'growing', drainSeconds: null });
      expect(report.forecast!.map((p) => p.minutes)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
      expect(report.forecast![0]!.expected).toBe(report.load.backlog);
      // Nothing drains it: the expected backlog never falls, and the band holds it.
      for (const [i, p] of report.forecast!.entries()) {
        expect(p.low).toBeLessThanOrEqual(p.expected);
        expect(p.high).toBeGreaterThanOrEqual(p.expected);
        if (i > 0) expect(p.expected).toBeGreaterThanOrEqual(report.forecast![i - 1]!.expected);
      }
      const plain = QueueLoadReport.parse((await call('GET', '/api/v1/queues/matrix-build/load', 'viewer')).json());
      expect(plain.whatIf).toBeNull();
      expect(plain.load.waitTargetMs).toBe(DEFAULT_WAIT_TARGET_MS);

      const bad: Array<[string, RegExp]> = [
        ['concurrency=0', /concurrency: at least 1/],
        ['concurrency=1001', /concurrency: at most 1000/],
        ['concurrency=2.5', /concurrency: a whole number/],
        ['concurrency=many', /concurrency: a whole number/],
        ['targetMs=5', /targetMs: at least 1000/],
        ['targetMs=soon', /targetMs: the 95th percentile wait target in milliseconds/],
        ['workers=2', /workers/],
      ];
      const failures: string[] = [];
      for (const [query, message] of bad) {
        const r = await call('GET', `/api/v1/queues/matrix-build/load?${query}`, 'viewer');
        if (r.status !== 400 || !message.test(r.text)) failures.push(`?${query}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      const unknown = await call('GET', '/api/v1/queues/no-such-queue/load', 'viewer');
      if (unknown.status !== 400 || !/type/.test(unknown.text)) failures.push(`no-such-queue: ${unknown.status} ${unknown.text.slice(0, 200)}`);
      expect(failures).toEqual([]);
    });
  });
}

/** A real engine over a fresh test datastore of this kind. */
export async function openEngineUnderTest(kind: TestKind): Promise<EngineUnderTest> {
  const ds = await testDatastore(kind);
  const datastore = await ds.open();
  const engine = createEngine({ datastore, onError: () => undefined });
  await engine.start();
  return {
    engine,
    datastore,
    async close() {
      await engine.close();
      await datastore.close();
      await ds.cleanup();
    },
  };
}

/** The contract suite on a real engine over a test datastore of this kind (one line per test file). */
export function describeApiContractOn(label: string, kind: TestKind): void {
  describeApiContract(label, () => openEngineUnderTest(kind));
}
