/**
 * Bulk-action benchmark: does a bulk action on a big cluster ever hold the datastore? 100,000
 * pending jobs (added with BullMQ's addBulk, then recorded into the job index by the engine's
 * recorder), then through the engine: a dry run with a selective filter (1% of the jobs), a dry
 * run matching everything, a bulk cancel by filter (1,000 jobs), and a bulk cancel of every job
 * left. Every datastore call of this process is timed (pg `Client.query`; ioredis commands,
 * blocking reads excluded), and the server's own figures are read too (Redis's slow log;
 * PostgreSQL's statement-duration log), so each phase shows its slowest single call and how many
 * took over 50 ms, as the client and as the server saw them.
 * Baselines in the same run: one plain `SELECT 1` / `PING`, and raw BullMQ `job.remove()` over
 * 1,000 other jobs of the same size. On embedded PostgreSQL and on Redis.
 *
 *   node --import tsx bench/bulk.bench.ts [--jobs 100000] [--cancel 1000]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BULLMQ_PRIORITY, PRIORITIES, type JobType } from '../contract/domain.ts';
import { startEmbeddedPostgres } from '../cluster/datastore/embedded-postgres-server.ts';
import { openDatastore, type Datastore } from '../cluster/datastore/open-datastore.ts';
import { createEngine } from '../cluster/engine/create-engine.ts';
import { startRedis } from '../cluster/testing/test-servers.ts';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '100000' }, cancel: { type: 'string', default: '1000' } } });
const JOBS = Number(values.jobs);
const CANCEL = Number(values.cancel);
const USERS = Math.max(2, Math.round(JOBS / CANCEL));
const TYPE: JobType = 'report';
const ADMIN = { name: 'bench', role: 'admin' as const, sourceAddress: '127.0.0.1' };

/** Times of every datastore call made while `on` (ms). */
const calls = { on: false, times: [] as { ms: number; what: string }[] };
const BLOCKING = new Set(['xread', 'bzpopmin', 'bzpopmax', 'blmove', 'brpoplpush', 'subscribe', 'psubscribe', 'blpop', 'brpop']);

function instrument(): void {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function timed(this: pg.Client, ...args: unknown[]) {
    if (!calls.on) return query.apply(this, args);
    const started = performance.now();
    const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '?');
    const done = () => calls.times.push({ ms: performance.now() - started, what: text.replace(/\s+/g, ' ').slice(0, 70) });
    // pg-pool passes a callback; BullMQ and pg.Client users get a promise.
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (...r: unknown[]) => void;
      args[last] = (...r: unknown[]) => {
        done();
        callback(...r);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) result.then(done, done);
    return result;
  } as typeof pg.Client.prototype.query;
  const send = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
  Redis.prototype.sendCommand = function timed(this: Redis, ...args: unknown[]) {
    const command = args[0] as { name: string; promise: Promise<unknown> };
    const result = send.apply(this, args);
    if (calls.on && !BLOCKING.has(command.name)) {
      const started = performance.now();
      const done = () => calls.times.push({ ms: performance.now() - started, what: command.name });
      command.promise.then(done, done);
    }
    return result;
  } as typeof Redis.prototype.sendCommand;
}

interface Phase {
  what: string;
  totalMs: number;
  calls: number;
  maxMs: number;
  /** Calls over 50 ms as this process saw them (its event loop's delays included). */
  over50: number;
  slowest: string;
  /** The server's own figures: slowest statement/command and how many took over 50 ms. */
  server?: { maxMs: number; over50: number; slowest: string };
}

/**
 * What the datastore server itself measured: Redis's slow log, or PostgreSQL's statement
 * durations (`log_min_duration_statement`, read from the embedded server's log). The client-side
 * figure also counts time a reply waits for this busy process's event loop.
 */
interface ServerSide {
  reset(): Promise<void>;
  read(): Promise<{ maxMs: number; over50: number; slowest: string }>;
}

function redisServerSide(redis: Redis): ServerSide {
  return {
    reset: async () => void (await redis.slowlog('RESET')),
    async read() {
      const log = (await redis.slowlog('GET', 100_000)) as [number, number, number, string[]][];
      const entries = log.filter((e) => !BLOCKING.has(String(e[3][0]).toLowerCase())).map((e) => ({ ms: e[2] / 1000, what: String(e[3][0]) }));
      const worst = entries.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, what: '-' });
      return { maxMs: worst.ms, over50: entries.filter((e) => e.ms > 50).length, slowest: worst.what };
    },
  };
}

/** PostgreSQL logs statements slower than 20 ms; this reads the durations logged since reset. */
function postgresServerSide(lines: string[]): ServerSide {
  let from = 0;
  return {
    reset: async () => void (from = lines.length),
    async read() {
      await new Promise((r) => setTimeout(r, 500)); // the server's log reaches us through a pipe
      const entries = lines.slice(from).flatMap((l) => {
        const m = /duration: ([\d.]+) ms\s+(?:statement|execute|bind|parse)[^:]*: (.*)/s.exec(l);
        return m ? [{ ms: Number(m[1]), what: m[2]!.replace(/\s+/g, ' ').slice(0, 70) }] : [];
      });
      const worst = entries.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, what: '-' });
      if (process.env.BULK_BENCH_PROFILE && entries.length > 0) {
        const sorted = entries.map((e) => e.ms).sort((a, b) => a - b);
        console.log(`    server ≥20 ms: ${entries.length} statements, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${worst.ms.toFixed(1)} ms`);
        const slow = new Map<string, { n: number; max: number }>();
        for (const e of entries.filter((x) => x.ms > 50)) {
          const k = slow.get(e.what.slice(0, 50)) ?? { n: 0, max: 0 };
          slow.set(e.what.slice(0, 50), { n: k.n + 1, max: Math.max(k.max, e.ms) });
        }
        for (const [what, k] of slow) console.log(`      >50 ms: ${k.n}× (max ${k.max.toFixed(0)}) ${what}`);
      }
      return { maxMs: worst.ms, over50: entries.filter((e) => e.ms > 50).length, slowest: worst.what };
    },
  };
}

/** Runs `fn` with every datastore call timed, and reads the server's own figures. */
async function phase(what: string, server: ServerSide, fn: () => Promise<unknown>): Promise<Phase> {
  await server.reset();
  calls.times = [];
  calls.on = true;
  const started = performance.now();
  try {
    await fn();
  } finally {
    calls.on = false;
  }
  const totalMs = performance.now() - started;
  const worst = calls.times.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, what: '-' });
  const out: Phase = { what, totalMs, calls: calls.times.length, maxMs: worst.ms, over50: calls.times.filter((c) => c.ms > 50).length, slowest: worst.what };
  if (process.env.BULK_BENCH_PROFILE) {
    const byWhat = new Map<string, { n: number; ms: number }>();
    for (const c of calls.times) {
      const e = byWhat.get(c.what) ?? { n: 0, ms: 0 };
      e.n += 1;
      e.ms += c.ms;
      byWhat.set(c.what, e);
    }
    const top = [...byWhat].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
    console.log(`  ${what}: ${top.map(([w, e]) => `${e.n}× ${e.ms.toFixed(0)} ms ${w}`).join('\n    ')}`);
  }
  out.server = await server.read();
  return out;
}

/** Adds JOBS pending jobs with addBulk and waits until the engine's index has them all. */
async function fill(ds: Datastore, queue: Queue): Promise<number> {
  const started = performance.now();
  const CHUNK = 1000;
  for (let from = 0; from < JOBS; from += CHUNK) {
    const jobs = Array.from({ length: Math.min(CHUNK, JOBS - from) }, (_, k) => {
      const i = from + k;
      const priority = PRIORITIES[i % 4]!;
      return {
        name: TYPE,
        data: { user: `u${i % USERS}`, priority, config: { title: `bench ${i}` } },
        opts: { jobId: `${TYPE}-bench${String(i).padStart(7, '0')}`, priority: BULLMQ_PRIORITY[priority] },
      };
    });
    await queue.addBulk(jobs);
    // BullMQ keeps ~10k events per queue: let the recorder catch up before adding more.
    const last = jobs.at(-1)!.opts.jobId;
    const deadline = Date.now() + 120_000;
    while (!(await ds.store.getRow(last))) {
      if (Date.now() > deadline) throw new Error(`the index did not catch up with ${last}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return performance.now() - started;
}

async function measure(label: string, ds: Datastore, server: ServerSide): Promise<Phase[]> {
  const engine = createEngine({ datastore: ds, onError: (e) => console.error(`engine: ${String(e)}`) });
  await engine.start();
  const { Queue: BoundQueue } = ds.bullmq.classes;
  const queue = new BoundQueue(TYPE, { ...ds.bullmq.options() }) as Queue;
  try {
    await queue.waitUntilReady();
    const phases: Phase[] = [];
    const filled = await phase(`fill: addBulk + index (${JOBS})`, server, () => fill(ds, queue));
    phases.push(filled);
    console.log(`[${label}] ${JOBS} jobs added and indexed in ${(filled.totalMs / 1000).toFixed(1)} s`);
    phases.push(await phase('baseline: ping ×200', server, async () => {
      for (let i = 0; i < 200; i++) await ds.ping();
    }));
    const selective = { type: [TYPE], user: ['u7'] };
    phases.push(await phase(`dry run, filter 1% (${CANCEL})`, server, async () => {
      const r = await engine.bulkAction({ action: 'cancel', filter: selective, dryRun: true }, ADMIN);
      if (r.matched !== CANCEL) throw new Error(`dry run matched ${r.matched}, expected ${CANCEL}`);
    }));
    phases.push(await phase(`dry run, all (${JOBS})`, server, async () => {
      const r = await engine.bulkAction({ action: 'cancel', filter: { type: [TYPE] }, dryRun: true }, ADMIN);
      if (r.matched !== JOBS) throw new Error(`dry run matched ${r.matched}, expected ${JOBS}`);
    }));
    phases.push(await phase(`bulk cancel by filter (${CANCEL})`, server, async () => {
      const r = await engine.bulkAction({ action: 'cancel', filter: selective, dryRun: false }, ADMIN);
      if (r.ok !== CANCEL) throw new Error(`cancel: ${r.ok} ok, ${r.skipped} skipped, ${r.failed} failed`);
    }));
    const others = Array.from({ length: CANCEL }, (_, k) => `${TYPE}-bench${String(8 + k * USERS).padStart(7, '0')}`);
    phases.push(await phase(`baseline: raw BullMQ remove (${CANCEL})`, server, async () => {
      for (const id of others) await queue.remove(id);
    }));
    // The raw removals are not announced on PostgreSQL: until reconciliation sees them, the index
    // still lists them and the cancel skips them ("no longer in its queue").
    const left = JOBS - 2 * CANCEL;
    phases.push(await phase(`bulk cancel by filter, all the rest (${left})`, server, async () => {
      const r = await engine.bulkAction({ action: 'cancel', filter: { type: [TYPE], state: ['pending'] }, dryRun: false }, ADMIN);
      if (r.ok !== left || r.failed > 0) throw new Error(`cancel all: ${r.ok} ok, ${r.skipped} skipped, ${r.failed} failed of ${r.matched}`);
    }));
    return phases;
  } finally {
    await queue.close();
    await engine.close();
  }
}

function table(label: string, phases: Phase[]): string {
  const head = ['datastore', 'phase', 'total ms', 'calls', 'client max ms', '>50', 'server max ms', '>50', 'slowest on the server'];
  const body = phases.map((p) => [
    label,
    p.what,
    p.totalMs.toFixed(0),
    String(p.calls),
    p.maxMs.toFixed(1),
    String(p.over50),
    p.server ? p.server.maxMs.toFixed(1) : '-',
    p.server ? String(p.server.over50) : '-',
    p.server?.slowest ?? '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** The Redis run: a Redis server of its own, its slow log kept whole. */
async function benchRedis(): Promise<string> {
  const server = await startRedis();
  try {
    const ds = await openDatastore(server.url, { prefix: 'bulkbench' });
    const redis = new Redis(server.url);
    try {
      await redis.config('SET', 'slowlog-log-slower-than', '5000'); // log commands over 5 ms
      await redis.config('SET', 'slowlog-max-len', '100000'); // keep them all (the default keeps 128)
      return table('redis', await measure('redis', ds, redisServerSide(redis)));
    } finally {
      redis.disconnect();
      await ds.close();
    }
  } finally {
    await server.stop();
  }
}

/** The embedded PostgreSQL run, with the server's statement-duration log on. */
async function benchEmbeddedPostgres(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bulk-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
  try {
    // Started here rather than through `embedded:DIR` to turn on its statement-duration log; the
    // datastore on it is the same (`embedded` only adds starting and stopping the server).
    const lines: string[] = [];
    const pgServer = await startEmbeddedPostgres(path.join(dir, 'data'), (m) => lines.push(...m.split('\n')));
    try {
      const admin = new pg.Client({ connectionString: pgServer.url });
      await admin.connect();
      await admin.query(`ALTER SYSTEM SET log_min_duration_statement = '20ms'`);
      await admin.query('SELECT pg_reload_conf()');
      await admin.end();
      const ds = await openDatastore(pgServer.url);
      try {
        return table('embedded PostgreSQL', await measure('embedded PostgreSQL', ds, postgresServerSide(lines)));
      } finally {
        await ds.close();
      }
    } finally {
      await pgServer.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  instrument();
  console.log(`bulk actions on ${JOBS} pending jobs (${USERS} users): slowest single datastore call per phase (target ≤ ~50 ms)`);
  // BULK_BENCH_ONLY=redis|embedded runs one datastore.
  const only = process.env.BULK_BENCH_ONLY;
  const out: string[] = [];
  if (only !== 'embedded') {
    out.push(await benchRedis());
    console.log(out.at(-1));
  }
  if (only !== 'redis') out.push(await benchEmbeddedPostgres());
  console.log(`\n${out.join('\n\n')}`);
}

await main();
