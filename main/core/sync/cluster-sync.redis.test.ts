/**
 * The sync against real clusters (`bin/sigmatiq-cluster.js serve` on Redis), started by this file:
 * stream cuts under load, a cluster killed mid-sync and restarted, wrong token/URL/TLS/garbage,
 * and a corrupt cache rebuilt from the cluster. Each test compares every job with the cluster.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { JOB_TYPES, PRIORITIES } from '../../../contract/domain.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';
import { createDesktopCore, type DesktopCoreTuning } from '../desktop-core.ts';
import type { DesktopCore } from '../ports.ts';
import { ClusterProcess } from '../testing/cluster-process.ts';
import { cachedJobs, differences } from '../testing/compare-with-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from '../testing/memory-ports.ts';
import { TcpProxy } from '../testing/tcp-proxy.ts';

const TUNING: DesktopCoreTuning = {
  clientOptions: { backoff: { baseMs: 50, capMs: 1_000 }, refreshMs: 1_000, idleMs: 30_000 },
  syncOptions: { flushMs: 50 },
};

let dir: string;
const stops: (() => Promise<void>)[] = [];

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Redis-backed cluster on its own database number, so test files don't see each other's jobs. */
async function redisCluster(db: number, name: string): Promise<ClusterProcess> {
  const cluster = new ClusterProcess({ datastore: `${inject('redisUrl')}/${db}`, tokensFile: path.join(dir, `${name}-tokens.json`), name });
  await cluster.start();
  stops.push(() => cluster.stop());
  return cluster;
}

function newCore(dataDir: string, tuning: DesktopCoreTuning = TUNING, stores = { secrets: new MemorySecretStore(), settings: new MemorySettingsStore() }) {
  const logs: string[] = [];
  const core = createDesktopCore({ dataDir, ...stores, embeddedCluster: null, notifier: null, log: (l) => logs.push(l) }, tuning);
  return { core, logs, stores };
}

async function submit(http: ClusterHttp, n: number) {
  return http.call(API_ROUTES.submitJob, {
    body: { type: JOB_TYPES[n % JOB_TYPES.length]!, user: `user${n % 5}`, priority: PRIORITIES[n % 4], config: {} },
  });
}

async function expectEqual(core: DesktopCore, clusterId: string, cluster: ClusterProcess, timeoutMs = 60_000) {
  let last: string[] = [];
  await waitFor(
    `cache of ${clusterId} equal to the cluster`,
    async () => {
      last = await differences(core.api, clusterId, cluster.url, cluster.token);
      return last.length === 0;
    },
    timeoutMs,
  ).catch((error) => {
    throw new Error(`${(error as Error).message}; differences: ${last.slice(0, 10).join('; ')}`);
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-sync-it-'));
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('sync against a real cluster', () => {
  it('cutting the connection again and again under load leaves the cache equal to the cluster', async () => {
    const cluster = await redisCluster(10, 'load');
    const proxy = await new TcpProxy(cluster.port).listen();
    stops.push(() => proxy.close());
    const { core } = newCore(path.join(dir, 'core-load'));
    await core.start();
    stops.push(() => core.stop());
    const http = new ClusterHttp({ url: cluster.url, token: cluster.token });
    stops.push(() => http.close());
    for (let i = 0; i < 30; i++) await submit(http, i);
    await core.api.addCluster({ name: 'Load', url: `http://127.0.0.1:${proxy.port}`, token: cluster.token });
    await waitFor('online', async () => (await core.api.listClusters())[0]?.status === 'online');

    const ids: string[] = [];
    let cuts = 0;
    const cutter = setInterval(() => {
      proxy.cut();
      cuts++;
    }, 300);
    const until = Date.now() + 8_000;
    for (let n = 30; Date.now() < until; n++) {
      const job = await submit(http, n);
      ids.push(job.id);
      if (n % 4 === 0 && ids.length > 3) {
        const victim = ids.splice(Math.floor(ids.length / 2), 1)[0]!;
        await http.call(API_ROUTES.jobAction, { params: { id: victim, action: 'cancel' } }).catch(() => {});
      }
      if (n % 7 === 0 && ids.length > 3) {
        await http.call(API_ROUTES.jobAction, { params: { id: ids[0]!, action: 'set-priority' }, body: { priority: 'critical' } }).catch(() => {});
      }
      if (n % 11 === 0 && ids.length > 3) {
        const gone = ids.shift()!;
        await http.call(API_ROUTES.jobAction, { params: { id: gone, action: 'delete' } }).catch(() => {});
      }
    }
    clearInterval(cutter);
    expect(cuts).toBeGreaterThan(15);
    await waitFor('online again', async () => (await core.api.listClusters())[0]?.status === 'online');
    await expectEqual(core, 'load', cluster);
    expect((await cachedJobs(core.api, 'load')).length).toBeGreaterThan(50);
  }, 180_000);

  it('a cluster killed mid-sync and restarted: offline with a clear message, then the cache equals it', async () => {
    const cluster = await redisCluster(11, 'crash');
    const http = new ClusterHttp({ url: cluster.url, token: cluster.token });
    for (let i = 0; i < 600; i++) await submit(http, i);
    await http.close();
    const proxy = await new TcpProxy(cluster.port).listen();
    stops.push(() => proxy.close());
    const { core } = newCore(path.join(dir, 'core-crash'), { ...TUNING, syncOptions: { flushMs: 50, historyPageSize: 5 } });
    await core.start();
    stops.push(() => core.stop());
    await core.api.addCluster({ name: 'Crash', url: `http://127.0.0.1:${proxy.port}`, token: cluster.token });
    await waitFor('history pull under way', async () => (await core.api.queryJobs({ limit: 1 })).total >= 20, 60_000);
    await cluster.stop('SIGKILL');
    const atKill = (await core.api.queryJobs({ limit: 1 })).total;
    expect(atKill).toBeLessThan(600); // really mid-sync
    await waitFor('offline', async () => (await core.api.listClusters())[0]?.status === 'offline');
    expect((await core.api.listClusters())[0]?.lastError).toMatch(/connection|cut|closed/);

    await cluster.start();
    proxy.retarget(cluster.port);
    const http2 = new ClusterHttp({ url: cluster.url, token: cluster.token });
    for (let i = 600; i < 620; i++) await submit(http2, i);
    await http2.close();
    await waitFor('online after restart', async () => (await core.api.listClusters())[0]?.status === 'online', 60_000);
    await expectEqual(core, 'crash', cluster);
    // Sweeps add child jobs, so the cluster holds more than the 620 submitted.
    expect((await cachedJobs(core.api, 'crash')).length).toBeGreaterThanOrEqual(620);
  }, 240_000);

  it('wrong token, wrong URL, TLS without its CA and garbage each give their own status; TLS with the CA works', async () => {
    const cluster = await redisCluster(12, 'bad');
    const { core } = newCore(path.join(dir, 'core-bad'));
    await core.start();
    stops.push(() => core.stop());

    // A TLS-terminating proxy in front of the real cluster, with a self-signed certificate.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    ], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'c.pem'), 'utf8');
    const tls = await new TcpProxy(cluster.port, { key: readFileSync(path.join(dir, 'k.pem')), cert }).listen();
    stops.push(() => tls.close());
    const garbage: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>It works!</html>');
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => garbage.close(() => r())));
    const garbagePort = (garbage.address() as { port: number }).port;

    await core.api.addCluster({ name: 'Wrong token', url: cluster.url, token: 'sqt_not_a_real_token_at_all' });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    await core.api.addCluster({ name: 'Wrong URL', url: `http://127.0.0.1:${closedPort}`, token: cluster.token });
    await core.api.addCluster({ name: 'TLS no CA', url: `https://localhost:${tls.port}`, token: cluster.token });
    await core.api.addCluster({ name: 'TLS with CA', url: `https://localhost:${tls.port}`, token: cluster.token, caCertificate: cert });
    await core.api.addCluster({ name: 'Garbage', url: `http://127.0.0.1:${garbagePort}`, token: cluster.token });
    const expected: Record<string, [string, string, RegExp]> = {
      'wrong-token': ['unauthorized', 'unauthorized', /wrong token/],
      'wrong-url': ['offline', 'unreachable', /connection refused/],
      'tls-no-ca': ['offline', 'tls', /TLS failed: .*self-signed/],
      'tls-with-ca': ['online', '', /^$/],
      garbage: ['degraded', 'incompatible', /not answer JSON.*text\/html/],
    };
    await waitFor('every status settled', async () => {
      const views = await core.api.listClusters();
      return views.every((v) => v.status === expected[v.id]![0]);
    });
    for (const v of await core.api.listClusters()) {
      expect(v.problem ?? '').toBe(expected[v.id]![1]);
      expect(v.lastError ?? '').toMatch(expected[v.id]![2]);
    }
    await expectEqual(core, 'tls-with-ca', cluster);
  });

  it('a corrupt cache file is moved aside at start and rebuilt from the cluster', async () => {
    const cluster = await redisCluster(13, 'corrupt');
    const http = new ClusterHttp({ url: cluster.url, token: cluster.token });
    for (let i = 0; i < 200; i++) await submit(http, i);
    const dataDir = path.join(dir, 'core-corrupt');
    const first = newCore(dataDir);
    await first.core.start();
    await first.core.api.addCluster({ name: 'Corrupt', url: cluster.url, token: cluster.token });
    await expectEqual(first.core, 'corrupt', cluster);
    await first.core.stop();

    const file = path.join(dataDir, 'cache.db');
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(4096 * 8, 0x42);
    writeSync(fd, junk, 0, junk.length, 4096 * 3);
    closeSync(fd);

    const second = newCore(dataDir, TUNING, first.stores);
    await second.core.start();
    stops.push(() => second.core.stop());
    expect(second.logs.join('\n')).toMatch(/job cache was damaged.*moved to cache\.db\.corrupt-.*rebuilt/);
    for (let i = 200; i < 210; i++) await submit(http, i);
    await http.close();
    await expectEqual(second.core, 'corrupt', cluster);
    expect((await cachedJobs(second.core.api, 'corrupt')).length).toBeGreaterThanOrEqual(210);
  });
});
