/**
 * Browser mode end to end, as an admin runs it: `bin/sigmatiq-admin.js serve` with its embedded
 * local cluster (embedded PostgreSQL, started by the host) plus a Redis cluster given on the command
 * line — two clusters at once — driven over the web protocol. Switching the local cluster off stops
 * its process; SIGTERM stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_API_METHODS, type AdminApi } from '../../contract/admin-api.ts';
import { ClusterProcess } from '../core/testing/cluster-process.ts';
import { differences } from '../core/testing/compare-with-cluster.ts';

const ADMIN_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/sigmatiq-admin.js');

let dir: string;
let redis: ClusterProcess;
let admin: ChildProcess | null = null;
let api: AdminApi;
let base = '';
let sessionToken = '';
const output: string[] = [];

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${output.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The AdminApi over browser mode's wire protocol (what renderer/api's web client does). */
function webApi(): AdminApi {
  const target: Record<string, unknown> = {};
  for (const method of ADMIN_API_METHODS) {
    target[method] = async (...args: unknown[]) => {
      const res = await fetch(`${base}/admin-api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ args }),
      });
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      if (!res.ok) throw new Error(`${method}: ${res.status} ${body.error?.message}`);
      return body.result;
    };
  }
  return target as unknown as AdminApi;
}

async function isRefused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return false;
  } catch {
    return true;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-browser-'));
  chmodSync(dir, 0o755); // the embedded PostgreSQL runs as its own user when tests run as root
  redis = new ClusterProcess({ datastore: `${inject('redisUrl')}/14`, tokensFile: path.join(dir, 'redis-tokens.json'), name: 'red' });
  await redis.start();
  admin = spawn(
    process.execPath,
    [ADMIN_BIN, 'serve', '--data-dir', path.join(dir, 'admin'), '--no-build', '--cluster', `Red=${redis.url}`, '--token', redis.token],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  createInterface({ input: admin.stderr! }).on('line', (l) => output.push(l));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no open: line\n${output.join('\n')}`)), 60_000);
    createInterface({ input: admin!.stdout! }).on('line', (line) => {
      output.push(line);
      const m = /^open: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        base = m[1]!;
        sessionToken = decodeURIComponent(m[2]!);
        resolve();
      }
    });
    admin!.once('exit', (code) => reject(new Error(`sigmatiq-admin exited with ${code}\n${output.join('\n')}`)));
  });
  api = webApi();
});

afterAll(async () => {
  if (admin && admin.exitCode === null) {
    admin.kill('SIGTERM');
    await new Promise((r) => admin!.once('exit', r));
  }
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser mode with two clusters', () => {
  it('refuses calls without the session token', async () => {
    const res = await fetch(`${base}/admin-api/listClusters`, { method: 'POST', body: '{"args":[]}' });
    expect(res.status).toBe(401);
  });

  it('runs the local cluster and the Redis cluster side by side, each cached and equal to its cluster', async () => {
    await waitFor('both clusters online', async () => {
      const views = await api.listClusters();
      return views.length === 2 && views.every((v) => v.status === 'online');
    });
    const views = await api.listClusters();
    expect(views.map((v) => [v.id, v.local])).toEqual([
      ['local', true],
      ['red', false],
    ]);
    const local = views[0]!;
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.info?.datastore).toBe('embedded');
    expect(views[1]!.info?.datastore).toBe('redis');

    for (let i = 0; i < 5; i++) {
      await api.submitJob('local', { type: 'signal', user: 'alice', priority: 'high', config: {} });
      await api.submitJob('red', { type: 'backtest', user: 'bob', priority: 'low', config: {} });
    }
    const both = await api.queryJobs({ filter: { user: ['alice', 'bob'] } });
    expect(new Set(both.items.map((j) => j.clusterId))).toEqual(new Set(['local', 'red']));
    await waitFor('red equal', async () => (await differences(api, 'red', redis.url, redis.token)).length === 0);
    const summary = await api.getSummary();
    expect(summary.clusters.map((c) => c.clusterId).sort()).toEqual(['local', 'red']);
    expect(summary.total).toBeGreaterThanOrEqual(10);
  }, 240_000);

  it('switching the local cluster off stops its process; on again starts it', async () => {
    const before = (await api.listClusters()).find((v) => v.local)!;
    const off = await api.setLocalClusterEnabled(false);
    expect(off).toMatchObject({ id: 'local', status: 'disabled', enabled: false });
    expect(await isRefused(before.url)).toBe(true);
    expect((await api.getSettings()).localClusterEnabled).toBe(false);
    // Its cached jobs stay readable offline.
    expect((await api.queryJobs({ clusterIds: ['local'] })).total).toBeGreaterThanOrEqual(5);
    await api.setLocalClusterEnabled(true);
    await waitFor('local online again', async () => (await api.listClusters()).find((v) => v.local)?.status === 'online');
  }, 240_000);

  it('SIGTERM stops the embedded cluster and the host', async () => {
    const local = (await api.listClusters()).find((v) => v.local)!;
    admin!.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => admin!.once('exit', r));
    expect(code).toBe(0);
    expect(output.join('\n')).toMatch(/stopped/);
    expect(await isRefused(local.url)).toBe(true);
    expect(await isRefused(base)).toBe(true);
  });
});
