/**
 * API benchmark: jobs submitted and listed per second through the cluster API (real HTTP on
 * loopback, auth, validation, audit, the engine's job index) versus raw BullMQ calls
 * (`queue.add`, `queue.addBulk`, `queue.getJobs`) on the same datastore, in the same run — on
 * embedded PostgreSQL and on Redis (a redis-server started here the way the integration tests
 * start it). Every path has the same number of calls in flight (--concurrency; batches:
 * BATCHES_IN_FLIGHT), each job its own call unless batched.
 *
 * The HTTP client runs in a worker thread (http-load-client.ts): a platform submits from its own
 * process, and a client sharing the server's event loop would bill the server for both ends of
 * every call. On a 2-core machine client and server then each have a core of their own, as do the
 * raw BullMQ calls, which run on the main thread with the datastore on the other core. The HTTP
 * floor row (an empty fastify route, same client, same bodies) says what HTTP alone allows on this
 * machine; the API rows are read against it as well as against raw BullMQ. Each row alternates its
 * paths over three rounds and keeps each path's best, so a ratio compares paths that had the same
 * chances on a machine whose load moves.
 *
 *   node --import tsx bench/api.bench.ts [--jobs N] [--lists N] [--concurrency N] [--batch N] [--datastore redis|embedded]
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import Fastify from 'fastify';
import { ListJobsQuery, SubmitJobRequest } from '../contract/api.ts';
import { BULLMQ_PRIORITY } from '../contract/domain.ts';
import { createApiServer } from '../cluster/api/api-server.ts';
import { generateToken } from '../cluster/auth/token-file.ts';
import { TokenStore } from '../cluster/auth/token-store.ts';
import { openDatastore, type Datastore } from '../cluster/datastore/open-datastore.ts';
import { createEngine } from '../cluster/engine/create-engine.ts';
import { startRedis } from '../cluster/testing/test-servers.ts';
import { benchBatch, benchJob, LoadClient, rate } from './http-load-client.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000' },
    lists: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    /** One datastore only (redis or embedded), e.g. to profile it alone. */
    datastore: { type: 'string' },
    /** Jobs per batch submit (POST /api/v1/jobs/batch against BullMQ's addBulk). */
    batch: { type: 'string', default: '100' },
  },
});
const JOBS = Number(values.jobs);
const LISTS = Number(values.lists);
const CONCURRENCY = Number(values.concurrency);
const PAGE = 50;
const BATCH = Number(values.batch);
/** Batches in flight at once: a platform sending its batches one after another, with some overlap. */
const BATCHES_IN_FLIGHT = 2;
/** Rounds over which each row alternates its paths (--jobs and --lists are split over them). */
const ROUNDS = 3;
/**
 * Fewest batches a batch round times: four batches of 100 (the default --jobs split over the rounds)
 * took a few hundred ms, in which one stall of a shared machine moved a figure by half.
 */
const MIN_BATCHES_PER_ROUND = 10;

/**
 * Waits until the engine's recorders have caught up (no new cluster event for a moment, at most
 * 60 s): the submits of one phase are recorded after their answers, and that work would otherwise
 * be timed in the next phase, whichever path it measures.
 */
async function quiesce(datastore: Datastore): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = await datastore.store.lastEventId();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await datastore.store.lastEventId();
    if (now === last) return;
    last = now;
  }
}

interface Row {
  datastore: string;
  what: string;
  /** Through HTTP: auth, validation, audit, JSON, the engine. */
  api: number;
  /** The engine called in-process (what the API adds is the difference to `api`); NaN for the HTTP floor. */
  engine: number;
  /** Raw BullMQ calls, the baseline. */
  raw: number;
}

async function measure(label: string, datastore: Datastore): Promise<Row[]> {
  const engine = createEngine({ datastore, onError: () => undefined });
  await engine.start();
  const tokens = new TokenStore();
  const token = generateToken();
  tokens.addMemoryToken('bench', 'operator', token);
  const api = await createApiServer({ engine, tokens, name: 'bench', version: 'bench', limits: { rateLimit: false } });
  const url = await api.listen('127.0.0.1', 0);
  const client = new LoadClient(token, CONCURRENCY);
  // The HTTP floor: an empty fastify route in this process, as the API is, answering the same body.
  const floor = Fastify();
  floor.post('/floor', async (req, reply) => reply.code(201).send({ user: (req.body as { user: string }).user }));
  const floorUrl = `${await floor.listen({ host: '127.0.0.1', port: 0 })}/floor`;
  const { Queue: BoundQueue } = datastore.bullmq.classes;
  const raw = new BoundQueue('bench-raw', { ...datastore.bullmq.options() }) as Queue;
  await raw.waitUntilReady();
  const rawJob = (j: ReturnType<typeof benchJob>) => ({ name: j.type, data: { user: j.user, priority: j.priority, config: j.config }, opts: { priority: BULLMQ_PRIORITY[j.priority] } });
  try {
    // Warm up every path (connections, prepared statements, JIT), the worker's client included.
    await client.run({ kind: 'submit', url: `${url}/api/v1/jobs`, count: 20, inFlight: 1 });
    await client.run({ kind: 'floor', url: floorUrl, count: 20, inFlight: 1 });
    await client.run({ kind: 'batch', url: `${url}/api/v1/jobs/batch`, count: 2, inFlight: 1, batch: BATCH });
    for (let i = 0; i < 20; i++) {
      const j = rawJob(benchJob(i));
      await raw.add(j.name, j.data, j.opts);
    }
    await raw.addBulk(benchBatch(0, BATCH).map(rawJob));
    await raw.getJobs(['prioritized', 'waiting'], 0, PAGE - 1);
    await engine.listJobs(ListJobsQuery.parse({ state: 'pending', limit: PAGE }));
    const actor = { name: 'bench', role: 'operator' as const, sourceAddress: '127.0.0.1' };
    // The submit and batch rows alternate their paths over ROUNDS rounds too, each keeping its best:
    // on a shared machine the load moves between one phase and the next, and a row compares paths
    // measured under the same conditions only when each had the same chances.
    const jobsPerRound = Math.ceil(JOBS / ROUNDS);
    let apiSubmit = 0;
    let engineSubmit = 0;
    let rawSubmit = 0;
    let httpFloor = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await quiesce(datastore);
      apiSubmit = Math.max(apiSubmit, (await client.run({ kind: 'submit', url: `${url}/api/v1/jobs`, count: jobsPerRound, inFlight: CONCURRENCY })).rate);
      await quiesce(datastore);
      engineSubmit = Math.max(
        engineSubmit,
        await rate(jobsPerRound, async (i) => void (await engine.submit(SubmitJobRequest.parse(benchJob(i)), actor)), CONCURRENCY),
      );
      await quiesce(datastore);
      rawSubmit = Math.max(
        rawSubmit,
        await rate(
          jobsPerRound,
          async (i) => {
            const j = rawJob(benchJob(i));
            await raw.add(j.name, j.data, j.opts);
          },
          CONCURRENCY,
        ),
      );
      httpFloor = Math.max(httpFloor, (await client.run({ kind: 'floor', url: floorUrl, count: jobsPerRound, inFlight: CONCURRENCY })).rate);
    }
    const batchesPerRound = Math.max(MIN_BATCHES_PER_ROUND, Math.ceil(JOBS / BATCH / ROUNDS));
    let apiBatch = 0;
    let engineBatch = 0;
    let rawBatch = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await quiesce(datastore);
      const viaApi = await client.run({ kind: 'batch', url: `${url}/api/v1/jobs/batch`, count: batchesPerRound, inFlight: BATCHES_IN_FLIGHT, batch: BATCH });
      apiBatch = Math.max(apiBatch, BATCH * viaApi.rate);
      await quiesce(datastore);
      engineBatch = Math.max(
        engineBatch,
        BATCH *
          (await rate(
            batchesPerRound,
            async (b) => {
              const answer = await engine.submitBatch({ jobs: benchBatch(b, BATCH) }, actor);
              if (answer.submitted !== BATCH) throw new Error(`engine batch submitted ${answer.submitted} of ${BATCH}`);
            },
            BATCHES_IN_FLIGHT,
          )),
      );
      await quiesce(datastore);
      rawBatch = Math.max(rawBatch, BATCH * (await rate(batchesPerRound, async (b) => void (await raw.addBulk(benchBatch(b, BATCH).map(rawJob))), BATCHES_IN_FLIGHT)));
    }
    // Three rounds alternating the three paths, each keeping its best: what runs in the background
    // (recorders catching up, PostgreSQL analysing the tables the submits grew) hits them alike.
    let listed = 0;
    let engineListed = 0;
    let rawListed = 0;
    let apiList = 0;
    let engineList = 0;
    let rawList = 0;
    const perRound = Math.ceil(LISTS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      await quiesce(datastore);
      const viaApi = await client.run({ kind: 'list', url: `${url}/api/v1/jobs`, count: perRound, inFlight: CONCURRENCY, page: PAGE });
      apiList = Math.max(apiList, viaApi.rate);
      listed += viaApi.listed;
      engineList = Math.max(
        engineList,
        await rate(
          perRound,
          async (i) => {
            const query = ListJobsQuery.parse({ state: 'pending', sort: i % 2 === 0 ? '-created' : 'position', limit: PAGE });
            const page = await engine.listJobs(query);
            engineListed += page.items.length;
          },
          CONCURRENCY,
        ),
      );
      rawList = Math.max(
        rawList,
        await rate(
          perRound,
          async () => {
            const jobs = await raw.getJobs(['prioritized', 'waiting'], 0, PAGE - 1);
            rawListed += jobs.length;
          },
          CONCURRENCY,
        ),
      );
    }
    if (Math.min(listed, engineListed, rawListed) < ROUNDS * perRound * PAGE) throw new Error(`pages were short: api ${listed}, engine ${engineListed}, raw ${rawListed}`);
    return [
      { datastore: label, what: `submit (jobs/s, ${CONCURRENCY} in flight)`, api: apiSubmit, engine: engineSubmit, raw: rawSubmit },
      { datastore: label, what: `HTTP floor: empty POST route, same client (calls/s)`, api: httpFloor, engine: NaN, raw: rawSubmit },
      { datastore: label, what: `batch submit of ${BATCH} (jobs/s, ${BATCHES_IN_FLIGHT} in flight) vs addBulk`, api: apiBatch, engine: engineBatch, raw: rawBatch },
      { datastore: label, what: `list ${PAGE} pending (pages/s)`, api: apiList, engine: engineList, raw: rawList },
    ];
  } finally {
    await client.close();
    await api.close();
    await floor.close();
    await raw.obliterate({ force: true }).catch(() => undefined);
    await raw.close();
    await engine.close();
  }
}

function table(rows: Row[]): string {
  const head = ['datastore', 'operation', 'API (HTTP)', 'engine', 'raw BullMQ', 'API / raw', 'API / engine'];
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  const body = rows.map((r) =>
    Number.isNaN(r.engine)
      ? [r.datastore, r.what, r.api.toFixed(0), '-', r.raw.toFixed(0), pct(r.api, r.raw), '-']
      : [r.datastore, r.what, r.api.toFixed(0), r.engine.toFixed(0), r.raw.toFixed(0), pct(r.api, r.raw), pct(r.api, r.engine)],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  console.log(`API vs raw BullMQ: ${JOBS} submits and ${LISTS} list calls each, ${CONCURRENCY} in flight, loopback HTTP`);
  const rows: Row[] = [];
  if (values.datastore !== 'embedded') await measureRedis(rows);
  if (values.datastore !== 'redis') await measureEmbedded(rows);
  console.log(table(rows));
  // The machine may be shared: ratios to the baseline of the same run hold up, absolute figures less so.
  console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(2)).join(', ')}; at the start: ${startLoad}`);
}

const startLoad = loadavg().map((l) => l.toFixed(2)).join(', ');

async function measureRedis(rows: Row[]): Promise<void> {
  const redis = await startRedis();
  try {
    const ds = await openDatastore(redis.url, { prefix: 'bench' });
    try {
      rows.push(...(await measure('redis', ds)));
    } finally {
      await ds.close();
    }
  } finally {
    await redis.stop();
  }
}

async function measureEmbedded(rows: Row[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
  try {
    const ds = await openDatastore(`embedded:${path.join(dir, 'data')}`);
    try {
      rows.push(...(await measure('embedded PostgreSQL', ds)));
    } finally {
      await ds.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
