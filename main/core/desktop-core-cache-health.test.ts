import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { createDesktopCore } from './desktop-core.ts';
import { FakeCluster } from './testing/fake-cluster.ts';
import { makeJob } from './testing/job-fixtures.ts';
import { MemorySecretStore, MemorySettingsStore } from './testing/memory-ports.ts';

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function startCore(dataDir: string, logs: string[], events: AdminEvent[]) {
  const core = createDesktopCore(
    { dataDir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: null, notifier: null, log: (l) => logs.push(l) },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 }, retryWriteMs: 100 },
  );
  core.onEvent((e) => events.push(e));
  return core;
}

describe('the desktop core on a full disk (a small tmpfs; root only)', () => {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-tmpfs-'));
  let mounted = false;
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'ignore' });
      mounted = true;
    } catch {
      // no privilege to mount (a container): skipped
    }
  }
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it.runIf(mounted)('stays up, serves the cache, says so through the AdminApi, and catches up once space is freed', async () => {
    const dataDir = path.join(mountPoint, 'data');
    const fillers = path.join(mountPoint, 'fillers');
    mkdirSync(fillers);
    const logs: string[] = [];
    const events: AdminEvent[] = [];
    const fake = new FakeCluster();
    await fake.listen();
    const core = startCore(dataDir, logs, events);
    try {
      await core.start();
      for (let i = 0; i < 20; i++) fake.put(makeJob(i));
      await core.api.addCluster({ name: 'Fake', url: fake.url, token: fake.token });
      await waitFor('synced', async () => (await core.api.queryJobs({})).total === 20);
      for (let i = 0; ; i++) {
        try {
          writeFileSync(path.join(fillers, `f${i}`), Buffer.alloc(32 * 1024));
        } catch {
          break;
        }
      }
      for (let i = 0; i < 300; i++) fake.put(makeJob(100 + i, { state: 'failed', errorMessage: 'x'.repeat(5000) }));
      await waitFor('disk full reported', async () => (await core.api.getCacheHealth()).problem === 'disk-full');
      const health = await core.api.getCacheHealth();
      expect(health.message).toBe(`The disk holding ${dataDir} is full: free space there; syncing resumes by itself`);
      expect(events.some((e) => e.kind === 'cache-health' && e.health.problem === 'disk-full')).toBe(true);
      expect((await core.api.queryJobs({})).total).toBeGreaterThanOrEqual(20);
      await new Promise((r) => setTimeout(r, 500));
      expect(logs.filter((l) => l.includes('is full: free space there'))).toHaveLength(1);

      rmSync(fillers, { recursive: true });
      await waitFor('caught up', async () => (await core.api.queryJobs({})).total === 320);
      expect((await core.api.getCacheHealth()).problem).toBeNull();
    } finally {
      await core.stop();
      await fake.close();
    }
  }, 60_000);
});

describe('damaged cache copies', () => {
  it('are listed through the AdminApi, removed after 14 days, and a damaged cache is logged once', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-aside-'));
    const old = path.join(dataDir, 'cache.db.corrupt-2020-01-01T00-00-00-000Z');
    writeFileSync(old, 'old');
    writeFileSync(path.join(dataDir, 'cache.db'), 'not a database '.repeat(500));
    const logs: string[] = [];
    const core = startCore(dataDir, logs, []);
    try {
      await core.start();
      expect(existsSync(old)).toBe(false);
      expect(logs.filter((l) => /The job cache was damaged/.test(l)), logs.join('\n')).toHaveLength(1);
      const health = await core.api.getCacheHealth();
      expect(health.movedAside).toHaveLength(1);
      expect(health.movedAside[0]!.name).toMatch(/^cache\.db\.corrupt-/);
      expect(readdirSync(dataDir)).toContain(health.movedAside[0]!.name);
    } finally {
      await core.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
