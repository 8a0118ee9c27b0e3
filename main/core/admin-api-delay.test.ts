// Delay and run-now through the core, over a fake cluster that answers without publishing events:
// the fields reach the cluster as given, and the cache shows the new runAt from the answer alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDesktopCore } from './desktop-core.ts';
import type { DesktopCore } from './ports.ts';
import { FakeCluster } from './testing/fake-cluster.ts';
import { makeJob } from './testing/job-fixtures.ts';
import { MemorySecretStore, MemorySettingsStore } from './testing/memory-ports.ts';

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
let fake: FakeCluster;
let core: DesktopCore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-delay-'));
  fake = new FakeCluster();
  await fake.listen();
  core = createDesktopCore(
    { dataDir: dir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore({}), embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
  );
  await core.start();
  for (let i = 0; i < 4; i++) fake.put(makeJob(i, { state: 'pending' }));
  await core.api.addCluster({ name: 'Fake One', url: fake.url, token: fake.token });
  await waitFor('synced', async () => (await core.api.queryJobs({})).total === 4);
});

afterEach(async () => {
  await core.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runAtOf(id: string): Promise<string | null | undefined> {
  return (await core.api.queryJobs({ filter: { state: ['pending'] } })).items.find((j) => j.id === id)?.runAt;
}

it('a delay until a time reaches the cluster as given and the cached job has its runAt at once; run-now clears it', async () => {
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const result = await core.api.jobAction('fake-one', 'job-1', 'delay', { until });
  expect(result).toMatchObject({ outcome: 'ok', job: { runAt: until } });
  expect(fake.actionBodies).toEqual([{ until }]);
  expect(await runAtOf('job-1')).toBe(until);
  await core.api.jobAction('fake-one', 'job-1', 'run-now', {});
  expect(fake.actionBodies.at(-1)).toEqual({});
  expect(await runAtOf('job-1')).toBeNull();
});

it('a bulk delay by seconds reaches the cluster with its seconds, and every cached job it delayed has its runAt at once', async () => {
  const before = Date.now();
  const response = await core.api.bulkAction('fake-one', { action: 'delay', ids: ['job-0', 'job-2'], seconds: 600 });
  expect(response).toMatchObject({ ok: 2, failed: 0 });
  expect(fake.actionBodies).toEqual([{ action: 'delay', ids: ['job-0', 'job-2'], seconds: 600 }]);
  for (const id of ['job-0', 'job-2']) {
    const runAt = await runAtOf(id);
    expect(Date.parse(runAt ?? '') - before).toBeGreaterThanOrEqual(600_000 - 1000);
  }
  expect(await runAtOf('job-3')).toBeNull();
});
