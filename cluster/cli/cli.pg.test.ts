// The real CLI on PostgreSQL: two nodes on one server act as one cluster; on embedded PostgreSQL,
// tokens survive restarts and SIGTERM stops PostgreSQL.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterInfo } from '../../contract/api.ts';
import { testDatastore } from '../engine/engine-test-support.ts';
import { runCli, startCli } from './testing/cli-process.ts';
import { twoNodesActAsOne } from './testing/two-nodes.ts';

/** PostgreSQL server processes whose command line mentions `dir`. */
function postgresProcessesIn(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => l.includes(dir) && /postgres/.test(l));
}

describe('sigmatiq-cluster serve on PostgreSQL', () => {
  it('runs two API nodes on one PostgreSQL as one cluster', async () => {
    const ds = await testDatastore('postgres');
    try {
      await twoNodesActAsOne(ds.spec);
    } finally {
      await ds.cleanup();
    }
  }, 180_000);
});

describe('sigmatiq-cluster serve on embedded PostgreSQL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-cli-embedded-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
  const data = path.join(dir, 'data');
  const readyFile = path.join(dir, 'ready.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates an admin token once, accepts created tokens across restarts, and stops PostgreSQL on SIGTERM', async () => {
    // First start: no tokens yet, so an admin token is generated and printed once.
    const first = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0', '--ready-file', readyFile, '--name', 'restarts']);
    const ready = await first.ready(150_000);
    const admin = /^admin token: (\S+)$/m.exec(first.stdout())?.[1];
    expect(admin).toBeDefined();
    expect(ready.token).toBe(admin);
    expect(first.stdout()).toMatch(/^listening: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(first.stdout()).toMatch(/^port: \d+ \(chosen for --port 0\)$/m);
    expect(statSync(readyFile).mode & 0o777).toBe(0o600);
    const infoRes = await fetch(`${ready.url}/api/v1/cluster`, { headers: { authorization: `Bearer ${admin}` } });
    const info = ClusterInfo.parse(await infoRes.json());
    expect(info).toMatchObject({ name: 'restarts', datastore: 'embedded', role: 'admin' });
    expect(postgresProcessesIn(data).length, spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout).toBeGreaterThan(0);
    expect(await first.stop('SIGTERM'), first.stderr()).toBe(0);
    expect(first.stderr()).toMatch(/stopped/);
    expect(postgresProcessesIn(data)).toEqual([]);
    expect(() => statSync(readyFile)).toThrow();

    // A viewer token created while the cluster is down.
    const created = await runCli(['token', 'create', '--role', 'viewer', '--name', 'watcher', '--tokens', path.join(data, 'tokens.json')]);
    expect(created.code).toBe(0);
    const viewer = /^token: (\S+)$/m.exec(created.stdout)![1]!;

    // Restart on the same folder: nothing generated, both tokens work with their roles.
    const second = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0']);
    const again = await second.ready(150_000);
    expect(again.token).toBeNull();
    expect(second.stdout()).not.toMatch(/admin token/);
    const asAdmin = await fetch(`${again.url}/api/v1/audit`, { headers: { authorization: `Bearer ${admin}` } });
    expect(asAdmin.status).toBe(200);
    const asViewer = await fetch(`${again.url}/api/v1/summary`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(asViewer.status).toBe(200);
    const viewerSubmits = await fetch(`${again.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'signal', user: 'v', config: {} }),
    });
    expect(viewerSubmits.status).toBe(403);
    // SIGINT (Ctrl-C) shuts down as cleanly as SIGTERM.
    expect(await second.stop('SIGINT'), second.stderr()).toBe(0);
    expect(postgresProcessesIn(data)).toEqual([]);
  }, 400_000);
});
