/**
 * A cluster killed with SIGKILL on the embedded datastore leaves its PostgreSQL running; the next
 * start on the same folder recognises that orphan (its starter is gone), stops it and starts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../cli/testing/cli-process.ts';

/**
 * How long the restart may take before the test gives up: as long as a first start may take, since
 * it stops the orphan and then starts like any other (its time is printed, not asserted: a loaded
 * machine starts PostgreSQL slowly, and without the orphan check the restart never succeeds).
 */
const RESTART_BOUND_MS = 150_000;

function postgresProcessesIn(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => l.includes(dir) && /postgres/.test(l));
}

describe('sigmatiq-cluster serve on embedded PostgreSQL, killed with SIGKILL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-orphan-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as 'postgres' and must reach the folder
  const data = path.join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts again, stopping the PostgreSQL the killed cluster left running', async () => {
    const first = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0']);
    await first.ready(150_000);
    await first.stop('SIGKILL');
    const left = postgresProcessesIn(data);
    expect(left.length, 'the killed cluster left its PostgreSQL running').toBeGreaterThan(0);
    const orphan = readFileSync(path.join(data, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();

    const restartedAt = Date.now();
    const second = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0']);
    try {
      const ready = await second.ready(RESTART_BOUND_MS);
      console.log(`restart after SIGKILL ready in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
      expect(postgresProcessesIn(data).map((l) => l.trim().split(/\s+/)[0])).not.toContain(orphan);
      expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await second.stop('SIGTERM'), second.stderr()).toBe(0);
    }
    expect(postgresProcessesIn(data)).toEqual([]);
  }, 300_000);

  it('leaves a PostgreSQL alone whose cluster still runs', async () => {
    const running = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0']);
    try {
      await running.ready(150_000);
      const other = startCli(['serve', '--datastore', `embedded:${data}`, '--port', '0']);
      expect(await other.exited).not.toBe(0);
      expect(other.stderr()).toMatch(/in use by another PostgreSQL \(pid \d+\)/);
      const health = await fetch(`${(await running.ready()).url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      expect(await running.stop('SIGTERM'), running.stderr()).toBe(0);
    }
  }, 300_000);
});
