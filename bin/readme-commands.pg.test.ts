// The README's cluster commands through npx, on a datastore: `npx sigmatiq-cluster serve` on
// embedded PostgreSQL (prints where it listens and an admin token that works; SIGTERM to npx stops
// it and its PostgreSQL), and `npx sigmatiq-cluster worker` on a PostgreSQL server.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatastore } from '../cluster/engine/engine-test-support.ts';
import { eventually, processesMentioning, processTree, runAsUser } from './testing/process-tree.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-readme-pg-'));
chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SIGTERM to npx, then waits until nothing of its tree (or working in `mentioning`) is left. */
async function stopThroughNpx(npx: ReturnType<typeof runAsUser>, mentioning: string): Promise<string[]> {
  const pids = processTree(npx.child.pid!).map((p) => p.pid);
  const left = () => [...new Set([...pids.flatMap((pid) => processTree(pid)), ...processesMentioning(mentioning)].map((p) => `${p.pid} ${p.args}`))];
  process.kill(npx.child.pid!, 'SIGTERM');
  await eventually(() => left().length === 0, 90_000);
  const remaining = left();
  for (const line of remaining) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
  await npx.exited; // what it wrote last has been read
  return remaining;
}

describe('the README cluster commands, through npx', { timeout: 300_000 }, () => {
  it('npx sigmatiq-cluster serve on embedded PostgreSQL listens, hands out an admin token and stops with npx', async () => {
    const data = path.join(dir, 'embedded');
    const serve = runAsUser('npx', ['--no-install', 'sigmatiq-cluster', 'serve', '--datastore', `embedded:${data}`, '--port', '0', '--no-workers']);
    const [, url] = await serve.waitFor(/listening: (http:\/\/\S+)/, 240_000);
    const [, token] = await serve.waitFor(/admin token: (\S+)/, 10_000);
    const info = await fetch(`${url}/api/v1/cluster`, { headers: { authorization: `Bearer ${token}` } });
    expect(info.status).toBe(200);
    expect(await stopThroughNpx(serve, data)).toEqual([]);
  });

  it('npx sigmatiq-cluster worker on PostgreSQL reports ready and stops with npx', async () => {
    const ds = await testDatastore('postgres');
    try {
      const worker = runAsUser('npx', ['--no-install', 'sigmatiq-cluster', 'worker', '--datastore', ds.spec, '--queues', 'signal', '--concurrency', '1']);
      await worker.waitFor(/"event":"worker-ready"/, 120_000);
      expect(await stopThroughNpx(worker, ds.spec)).toEqual([]);
      expect(worker.output()).toMatch(/SIGTERM: stopping/);
    } finally {
      await ds.cleanup();
    }
  });
});
