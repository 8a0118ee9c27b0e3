// The core's job exports and job file downloads, over a fake cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { routePath } from '../../contract/api-route.ts';
import { API_ROUTES } from '../../contract/api-routes.ts';
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
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-jobs-'));
  fake = new FakeCluster();
  await fake.listen();
  core = createDesktopCore(
    { dataDir: dir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore({}), embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
  );
  await core.start();
  for (let i = 0; i < 12; i++) fake.put(makeJob(i, { state: 'failed' }));
  await core.api.addCluster({ name: 'Fake One', url: fake.url, token: fake.token });
  await waitFor('synced', async () => (await core.api.queryJobs({})).total === 12);
});

afterEach(async () => {
  await core.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

it('an export with jobs selected holds those jobs only, in the query order; without, the whole filter', async () => {
  const query = { filter: { state: ['failed' as const] }, sort: 'created' as const };
  const all = await core.api.exportJobs(query, 'json');
  expect(all.rows).toBe(12);
  const selection = [
    { clusterId: 'fake-one', id: 'job-7' },
    { clusterId: 'fake-one', id: 'job-2' },
  ];
  const chosen = await core.api.exportJobs(query, 'json', selection);
  expect(chosen.rows).toBe(2);
  const order = (all.content.match(/"id": "job-\d+"/g) ?? []).filter((s) => /job-[27]"/.test(s));
  expect(chosen.content.match(/"id": "job-\d+"/g)).toEqual(order);
  const csv = await core.api.exportJobs(query, 'csv', selection);
  expect(csv.content.trim().split('\r\n')).toHaveLength(3);
});

it('downloadJobFile fetches a job output file through the cluster API, bytes intact; an unknown file is a 404 the admin can read', async () => {
  const content = Buffer.from([0, 1, 2, 250, 251, 252, ...Buffer.from('a,b\r\n1,2\r\n')]);
  fake.files.set('job-3/trades.csv', content);
  const file = await core.api.downloadJobFile('fake-one', 'job-3', 'trades.csv');
  expect(file).toMatchObject({ filename: 'trades.csv', mimeType: 'text/csv', bytes: content.length });
  expect(Buffer.from(file.contentBase64, 'base64').equals(content)).toBe(true);
  expect(fake.requests).toContain(`GET ${routePath(API_ROUTES.jobFile, { id: 'job-3', name: 'trades.csv' })}`);
  await expect(core.api.downloadJobFile('fake-one', 'job-3', 'nothing.csv')).rejects.toMatchObject({ httpStatus: 404 });
});

it('getTokenStorage says how tokens are kept (the secret store’s words)', async () => {
  expect(await core.api.getTokenStorage()).toEqual({ description: 'test memory' });
});
