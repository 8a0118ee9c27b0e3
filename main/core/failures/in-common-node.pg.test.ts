/**
 * "What a failure pattern has in common" names the worker node its jobs failed on: a real cluster
 * on the test PostgreSQL (an API node without workers and two worker nodes, each its own process),
 * where one node runs the backtests that fail and another the ones that complete, and real
 * desktop cores syncing from it — one connected while the jobs ran (live events), one that
 * connects afterwards (the history feed).
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { SubmitJobRequest } from '../../../contract/api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';
import { createDesktopCore } from '../desktop-core.ts';
import type { DesktopCore } from '../ports.ts';
import { ClusterProcess } from '../testing/cluster-process.ts';
import { clusterJobs } from '../testing/compare-with-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from '../testing/memory-ports.ts';
import { WorkerNodeProcess } from '../testing/worker-node-process.ts';

let dir: string;
let dbName: string;
let spec: string;
let cluster: ClusterProcess;
let http: ClusterHttp;
const cores: DesktopCore[] = [];
const nodes: WorkerNodeProcess[] = [];

async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await check().catch((error: unknown) => ((last = error), null));
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function workerNode(...args: string[]): Promise<WorkerNodeProcess> {
  const node = new WorkerNodeProcess(['--datastore', spec, '--work-dir', path.join(dir, 'work'), ...args]);
  nodes.push(node);
  return node.start();
}

async function desktop(name: string): Promise<{ core: DesktopCore; clusterId: string }> {
  const core = createDesktopCore(
    { dataDir: path.join(dir, name), secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: null, notifier: null, log: () => undefined },
    { clientOptions: { backoff: { baseMs: 50, capMs: 1_000 }, refreshMs: 1_000, idleMs: 30_000 }, syncOptions: { flushMs: 50, detailReads: { idleMs: 200, pauseMs: 100 } } },
  );
  cores.push(core);
  await core.start();
  const view = await core.api.addCluster({ name: 'Nodes', url: cluster.url, token: cluster.token });
  return { core, clusterId: view.id };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-in-common-node-'));
  chmodSync(dir, 0o755);
  const admin = inject('postgresUrl');
  dbName = `sq_node_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  spec = url.toString();
  // The API node runs no workers: which node runs each job is up to the test.
  cluster = await new ClusterProcess({ datastore: spec, tokensFile: path.join(dir, 'tokens.json'), name: 'nodes', extraArgs: ['--no-workers'] }).start();
  http = new ClusterHttp({ url: cluster.url, token: cluster.token });
}, 180_000);

afterAll(async () => {
  for (const core of cores) await core.stop();
  await http?.close();
  for (const node of nodes) await node.stop('SIGKILL');
  await cluster?.stop();
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (config: Record<string, unknown>) =>
  http.call(API_ROUTES.submitJob, { body: { type: 'backtest', user: 'ann.lee', priority: 'normal', config } satisfies SubmitJobRequest });

async function finished(ids: string[]): Promise<void> {
  await waitFor('the backtests finished on the cluster', async () => {
    const jobs = await clusterJobs(cluster.url, cluster.token);
    return ids.every((id) => ['failed', 'completed'].includes(jobs.find((j) => j.id === id)?.state ?? ''));
  });
}

it("names the node a pattern's jobs failed on, from live events and from the history feed", async () => {
  const live = await desktop('live');
  await waitFor('the cluster online', async () => (await live.core.api.listClusters()).find((c) => c.id === live.clusterId)?.status === 'online');

  // A node whose backtests fail (symbols it has no data for) …
  const bad = await workerNode('--queues', 'backtest');
  const failing = await Promise.all(['ZZZT', 'QQQX', 'NOPE'].map((s) => submit({ symbols: [s, 'ALPH'] })));
  await finished(failing.map((j) => j.id));
  await bad.stop();
  // … and another one whose backtests of the same shape complete.
  const good = await workerNode('--queues', 'backtest');
  const completing = await Promise.all(['BRVO', 'CHRL', 'DLTA'].map((s) => submit({ symbols: [s, 'ALPH'], start: '2023-01-03', end: '2023-06-30' })));
  await finished(completing.map((j) => j.id));
  const onCluster = await clusterJobs(cluster.url, cluster.token);
  expect(failing.map((j) => onCluster.find((c) => c.id === j.id)?.state)).toEqual(['failed', 'failed', 'failed']);
  expect(completing.map((j) => onCluster.find((c) => c.id === j.id)?.state)).toEqual(['completed', 'completed', 'completed']);

  // The history feed keeps the node on the finished records.
  const history = await http.call(API_ROUTES.history, { query: { limit: 100 } });
  for (const j of failing) expect(history.items.find((h) => h.id === j.id)?.workerId).toBe(bad.nodeId);
  for (const j of completing) expect(history.items.find((h) => h.id === j.id)?.workerId).toBe(good.nodeId);

  const expected = `all on node ${bad.nodeId} (vs 0% of completed backtest jobs)`;
  const later = await desktop('later');
  for (const { core, clusterId } of [live, later]) {
    const group = await waitFor('the pattern with its three failures, complete', async () => {
      const page = await core.api.listFailureGroups({ period: '24h' });
      const g = page.items.find((x) => x.jobType === 'backtest' && x.count === 3);
      if (!g) return null;
      const d = await core.api.getFailureGroup(g.id);
      return d.withoutDetail === 0 && d.compared.completed === 3 ? d : null;
    });
    const cached = await core.api.queryJobs({ clusterIds: [clusterId], sort: 'created', limit: 50 });
    expect(cached.items.filter((j) => failing.some((f) => f.id === j.id)).map((j) => j.workerId)).toEqual([bad.nodeId, bad.nodeId, bad.nodeId]);
    expect(group.inCommon.map((f) => f.text)).toContain(expected);
    expect(group.inCommon.find((f) => f.dimension === 'node')).toMatchObject({ condition: bad.nodeId, groupCount: 3, groupTotal: 3, baselineCount: 0, baselineTotal: 3 });
  }
}, 300_000);
