import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { API_ROUTES } from '../../contract/api-routes.ts';
import { createDesktopCore } from './desktop-core.ts';
import type { DesktopCore, EmbeddedClusterLauncher } from './ports.ts';
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
let secrets: MemorySecretStore;
let settings: MemorySettingsStore;
const events: AdminEvent[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-'));
  fake = new FakeCluster();
  await fake.listen();
  secrets = new MemorySecretStore();
  settings = new MemorySettingsStore({ settings: { retentionDays: 'lots' } });
  core = createDesktopCore(
    { dataDir: dir, secrets, settings, embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
  );
  core.onEvent((e) => events.push(e));
  await core.start();
});

afterEach(async () => {
  await core.stop();
  await fake.close();
  events.length = 0;
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop core over a cluster', () => {
  it('adds a cluster (token in the secret store only), syncs it, serves queries and the summary', async () => {
    for (let i = 0; i < 30; i++) fake.put(makeJob(i));
    const view = await core.api.addCluster({ name: 'Fake One', url: fake.url, token: fake.token });
    expect(view).toMatchObject({ id: 'fake-one', local: false, tokenStorage: 'test memory' });
    expect(JSON.stringify(settings.value)).not.toContain(fake.token);
    expect(secrets.values.get('cluster-token:fake-one')).toBe(fake.token);
    // The bad retention setting was repaired when loaded.
    expect((settings.value as { settings: { retentionDays: number } }).settings.retentionDays).toBe(90);

    await waitFor('online', async () => (await core.api.listClusters())[0]?.status === 'online');
    await waitFor('synced', async () => (await core.api.queryJobs({})).total === 30);
    const failed = await core.api.queryJobs({ filter: { state: ['failed'] }, limit: 2 });
    expect(failed.items.every((j) => j.state === 'failed' && j.clusterId === 'fake-one')).toBe(true);
    expect(failed.syncedAt).not.toBeNull();

    const summary = await core.api.getSummary();
    expect(summary.total).toBe(30);
    expect(summary.clusters[0]).toMatchObject({ clusterId: 'fake-one', fromCache: false });

    fake.put(makeJob(99, { state: 'running' }));
    await waitFor('jobs-changed event', () => events.some((e) => e.kind === 'jobs-changed' && e.jobIds.includes('job-99')));
    expect(events.some((e) => e.kind === 'cluster-status' && e.cluster.status === 'online')).toBe(true);

    const csv = await core.api.exportJobs({ filter: { state: ['running'] } }, 'csv');
    expect(csv.content.split('\r\n')[0]).toMatch(/^cluster,id,type,state/);
    expect(csv.rows).toBe(6); // five from the fixture + job-99
  });

  it('offline: the status says why, and queries, summary and job details come from the cache', async () => {
    for (let i = 0; i < 10; i++) fake.put(makeJob(i));
    await core.api.addCluster({ name: 'F', url: fake.url, token: fake.token });
    await waitFor('synced', async () => (await core.api.queryJobs({})).total === 10);
    await waitFor('summary snapshot', async () => (await core.api.getSummary()).clusters[0]?.summary !== null);
    await fake.close();
    await waitFor('offline', async () => (await core.api.listClusters())[0]?.status === 'offline');
    const [view] = await core.api.listClusters();
    expect(view!.problem).toBe('unreachable');
    expect(view!.lastError).toMatch(/connection refused/);
    expect((await core.api.queryJobs({})).total).toBe(10);
    const summary = await core.api.getSummary(['f']);
    expect(summary.clusters[0]).toMatchObject({ fromCache: true });
    expect(summary.total).toBe(10);
    const job = await core.api.getJob('f', 'job-3');
    expect(job).toMatchObject({ id: 'job-3', fromCache: true, clusterId: 'f' });
    await expect(core.api.getJob('f', 'job-404')).rejects.toThrow(/not in the cache/);
    fake = new FakeCluster(); // for afterEach
    await fake.listen();
  });

  it('edits and removes a cluster; removing forgets its cached jobs and token', async () => {
    fake.put(makeJob(1));
    await core.api.addCluster({ name: 'F', url: fake.url, token: 'wrong-token-1' });
    await waitFor('unauthorized', async () => (await core.api.listClusters())[0]?.status === 'unauthorized');
    await core.api.updateCluster('f', { token: fake.token, colour: '#aabbcc' });
    await waitFor('online after the new token', async () => (await core.api.listClusters())[0]?.status === 'online');
    expect((await core.api.listClusters())[0]?.colour).toBe('#aabbcc');
    // An edit changes only what it names: the colour stays.
    await core.api.updateCluster('f', { name: 'Renamed' });
    expect((await core.api.listClusters())[0]).toMatchObject({ name: 'Renamed', colour: '#aabbcc' });
    await waitFor('synced', async () => (await core.api.queryJobs({})).total === 1);
    await core.api.removeCluster('f');
    expect(await core.api.listClusters()).toEqual([]);
    expect((await core.api.queryJobs({})).total).toBe(0);
    expect(secrets.values.size).toBe(0);
    await expect(core.api.getQueues('f')).rejects.toThrow(/no cluster "f"/);
  });

  it('settings: update, event, and the persisted form', async () => {
    const next = await core.api.updateSettings({ retentionDays: 30, theme: 'dark' });
    expect(next).toMatchObject({ retentionDays: 30, theme: 'dark' });
    expect(events.some((e) => e.kind === 'settings-changed')).toBe(true);
    expect(settings.value).toMatchObject({ settings: { retentionDays: 30, theme: 'dark' } });
    expect(await core.api.setLocalClusterEnabled(false)).toBeNull(); // no launcher in this shell
  });

  it('resync pulls the jobs of a cluster again through the AdminApi; an unknown cluster is a clear error', async () => {
    for (let i = 0; i < 12; i++) fake.put(makeJob(i));
    await core.api.addCluster({ name: 'F', url: fake.url, token: fake.token });
    await waitFor('synced', async () => (await core.api.queryJobs({})).total === 12);
    const pulls = () => fake.callsTo(API_ROUTES.history);
    const before = pulls();
    expect(await core.api.resyncCluster('f')).toMatchObject({ id: 'f' });
    await waitFor('history pulled again', () => pulls() > before);
    await waitFor('online again', async () => (await core.api.listClusters())[0]?.status === 'online');
    expect((await core.api.queryJobs({})).total).toBe(12);
    await expect(core.api.resyncCluster('nope')).rejects.toThrow(/no cluster "nope"/);
  });

  it('testConnection reports without adding', async () => {
    expect(await core.api.testConnection({ name: 'x', url: fake.url, token: fake.token })).toMatchObject({ ok: true });
    expect(await core.api.testConnection({ name: 'x', url: fake.url })).toMatchObject({ ok: false, message: /Enter the token/ });
    expect(await core.api.listClusters()).toEqual([]);
  });
});

describe('the embedded local cluster', () => {
  /** A launcher whose clusters are the fake one and whose stops finish only when the test says so. */
  function slowStoppingLauncher() {
    const log: string[] = [];
    const pendingStops: Array<() => void> = [];
    let n = 0;
    const launcher: EmbeddedClusterLauncher = {
      async start() {
        const id = ++n;
        log.push(`start ${id}`);
        return {
          url: fake.url,
          token: fake.token,
          exited: new Promise(() => undefined),
          stop: () =>
            new Promise<void>((resolve) => {
              log.push(`stop ${id} asked`);
              pendingStops.push(() => {
                log.push(`stop ${id} done`);
                resolve();
              });
            }),
        };
      },
    };
    return { launcher, log, finishStops: () => pendingStops.splice(0).forEach((f) => f()) };
  }

  it('closing the app while the local cluster is being switched off waits for it to stop; switching it on waits too', async () => {
    const slow = slowStoppingLauncher();
    const localDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-local-'));
    const withLocal = createDesktopCore(
      { dataDir: localDir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: slow.launcher, notifier: null },
      { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
    );
    try {
      await withLocal.start();
      await waitFor('local online', async () => (await withLocal.api.listClusters()).find((c) => c.local)?.status === 'online');

      // Off, then on again before the first cluster has let go of its data folder.
      const off = withLocal.api.setLocalClusterEnabled(false);
      await waitFor('stop asked', () => slow.log.includes('stop 1 asked'));
      const on = withLocal.api.setLocalClusterEnabled(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(slow.log).toEqual(['start 1', 'stop 1 asked']);
      slow.finishStops();
      await off;
      await on;
      expect(slow.log).toEqual(['start 1', 'stop 1 asked', 'stop 1 done', 'start 2']);

      // Off, and the app closes meanwhile: closing resolves only after the cluster stopped.
      void withLocal.api.setLocalClusterEnabled(false);
      await waitFor('stop asked', () => slow.log.includes('stop 2 asked'));
      let closed = false;
      const closing = withLocal.stop().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(false);
      slow.finishStops();
      await closing;
      expect(slow.log.at(-1)).toBe('stop 2 done');
    } finally {
      slow.finishStops();
      await withLocal.stop();
      rmSync(localDir, { recursive: true, force: true });
    }
  });
});
