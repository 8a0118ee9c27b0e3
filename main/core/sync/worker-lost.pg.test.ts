/**
 * A worker node dies while it runs a job: the desktop's cache — which the job tables read — shows
 * the job as worker-lost once the cluster declares the node lost, and plainly again once another
 * node recovered it. A real cluster on the test PostgreSQL (an API node and worker nodes, each its
 * own process) and a real desktop core syncing from it.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';
import { createDesktopCore } from '../desktop-core.ts';
import type { DesktopCore } from '../ports.ts';
import { ClusterProcess } from '../testing/cluster-process.ts';
import { cachedJobs } from '../testing/compare-with-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from '../testing/memory-ports.ts';
import { WorkerNodeProcess } from '../testing/worker-node-process.ts';

/** Minutes of training: it runs whenever its node is killed. */
const LONG_TRAINING = { symbols: ['ALPH', 'BRVO'], start: '2016-01-04', end: '2019-12-31', epochs: 2_000, epochDelayMs: 250 };

let dir: string;
let dbName: string;
let spec: string;
let cluster: ClusterProcess;
let core: DesktopCore;
let http: ClusterHttp;
const nodes: WorkerNodeProcess[] = [];

async function waitFor<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
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

const cached = async (clusterId: string, id: string): Promise<CachedJob | undefined> => (await cachedJobs(core.api, clusterId)).find((j) => j.id === id);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-worker-lost-'));
  chmodSync(dir, 0o755);
  const admin = inject('postgresUrl');
  dbName = `sq_lost_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  spec = url.toString();
  // The API node runs no workers: which node runs the job is up to the test.
  cluster = await new ClusterProcess({ datastore: spec, tokensFile: path.join(dir, 'tokens.json'), name: 'lost', extraArgs: ['--no-workers'] }).start();
  http = new ClusterHttp({ url: cluster.url, token: cluster.token });
  core = createDesktopCore(
    { dataDir: path.join(dir, 'desktop'), secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 50, capMs: 1_000 }, refreshMs: 1_000, idleMs: 30_000 }, syncOptions: { flushMs: 50 } },
  );
  await core.start();
}, 180_000);

afterAll(async () => {
  await core?.stop();
  await http?.close();
  for (const node of nodes) await node.stop('SIGKILL');
  await cluster?.stop();
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('a job whose worker node dies, in the desktop cache', () => {
  it('shows the job as worker-lost once the node is declared lost, and not once another node recovered it', async () => {
    // A node that takes no training jobs and survives: the monitor's leader once the victim is lost.
    await workerNode('--queues', 'report');
    const victim = await workerNode('--queues', 'training', '--concurrency', '1');
    const view = await core.api.addCluster({ name: 'Lost', url: cluster.url, token: cluster.token });
    await waitFor('the cluster online', async () => (await core.api.listClusters()).find((c) => c.id === view.id)?.status === 'online');

    const job = await http.call(API_ROUTES.submitJob, { body: { type: 'training', user: 'ops', config: LONG_TRAINING } });
    const running = await waitFor('the job running on the victim, in the cache', async () => {
      const c = await cached(view.id, job.id);
      return c?.state === 'running' && c.workerId === victim.nodeId ? c : null;
    });
    expect(running.workerLost).toBeUndefined();

    await victim.stop('SIGKILL');
    const lost = await waitFor('the cached job marked worker-lost', async () => {
      const c = await cached(view.id, job.id);
      return c?.workerLost ? c : null;
    });
    expect(lost).toMatchObject({ state: 'running', workerId: victim.nodeId, workerLost: true });
    // Rows of the job tables (a filtered page) carry it too.
    const page = await core.api.queryJobs({ clusterIds: [view.id], filter: { state: ['running'] }, sort: 'created', limit: 50 });
    expect(page.items.find((j) => j.id === job.id)?.workerLost).toBe(true);
    // A desktop syncing from scratch gets it from the history feed.
    const history = await http.call(API_ROUTES.history, { query: { limit: 2000 } });
    expect(history.items.find((j) => j.id === job.id)?.workerLost).toBe(true);

    // Another training node: BullMQ's stalled check hands it the job once the dead node's lock expires.
    const rescuer = await workerNode('--queues', 'training', '--concurrency', '1', '--stalled-interval', '1000');
    const recovered = await waitFor(
      'the cached job recovered',
      async () => {
        const c = await cached(view.id, job.id);
        return c && !c.workerLost && c.workerId !== victim.nodeId ? c : null;
      },
      90_000,
    );
    expect(['pending', 'running']).toContain(recovered.state);
    await waitFor('the job running on the rescuer', async () => {
      const c = await cached(view.id, job.id);
      return c?.state === 'running' && c.workerId === rescuer.nodeId && !c.workerLost;
    }, 60_000);
    await http.call(API_ROUTES.jobAction, { params: { id: job.id, action: 'force-stop' } });
  }, 300_000);
});
