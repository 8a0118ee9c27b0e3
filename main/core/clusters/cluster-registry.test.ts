import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDesktopCore } from '../desktop-core.ts';
import type { DesktopCore } from '../ports.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from '../testing/memory-ports.ts';

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
let real: FakeCluster;
/** Another listener that accepts whatever token it is sent, as someone collecting tokens would. */
let elsewhere: FakeCluster;
let core: DesktopCore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-registry-'));
  real = new FakeCluster();
  await real.listen();
  elsewhere = new FakeCluster({ token: real.token });
  await elsewhere.listen();
  core = createDesktopCore(
    { dataDir: dir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
  );
  await core.start();
  await core.api.addCluster({ name: 'Prod', url: real.url, token: real.token });
  await waitFor('online', async () => (await core.api.listClusters())[0]?.status === 'online');
});

afterEach(async () => {
  await core.stop();
  await real.close();
  await elsewhere.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a new URL without a new token is refused: the stored token is not sent to the new address', async () => {
  await expect(core.api.updateCluster('prod', { url: elsewhere.url })).rejects.toMatchObject({
    code: 'token-required',
    message: expect.stringMatching(/needs its token again: enter the token, or confirm/),
  });
  await expect(core.api.updateCluster('prod', { name: 'Renamed', url: elsewhere.url, colour: '#123456' })).rejects.toThrow(/needs its token again/);
  const [view] = await core.api.listClusters();
  expect(view).toMatchObject({ name: 'Prod', url: real.url });
  expect(elsewhere.requests).toEqual([]);
  // The same address (spelt with a trailing slash) is no move.
  expect(await core.api.updateCluster('prod', { name: 'Renamed', url: `${real.url}/` })).toMatchObject({ name: 'Renamed' });
});

it('the URL moves with a new token, or with the stored one when the caller confirms it', async () => {
  await core.api.updateCluster('prod', { url: elsewhere.url, keepToken: true });
  await waitFor('online at the new address', async () => (await core.api.listClusters())[0]?.status === 'online' && elsewhere.requests.length > 0);
  expect((await core.api.listClusters())[0]?.url).toBe(elsewhere.url);
  await core.api.updateCluster('prod', { url: real.url, token: real.token });
  expect((await core.api.listClusters())[0]?.url).toBe(real.url);
  await expect(core.api.updateCluster('prod', { url: elsewhere.url, keepToken: false as unknown as true })).rejects.toThrow(/keepToken/);
});
