/**
 * Failure patterns against a real cluster on PostgreSQL (`bin/sigmatiq-cluster.js serve` with its
 * workers, started by this file): real failures of the job handlers reach the cache complete —
 * stack and config — while no UI is open, are grouped by cause, and a group's retry through the
 * AdminApi retries exactly its failed jobs on the cluster.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { SubmitJobRequest } from '../../../contract/api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';
import { createDesktopCore, type DesktopCoreTuning } from '../desktop-core.ts';
import type { DesktopCore } from '../ports.ts';
import { ClusterProcess } from '../testing/cluster-process.ts';
import { clusterJobs } from '../testing/compare-with-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from '../testing/memory-ports.ts';

const TUNING: DesktopCoreTuning = {
  clientOptions: { backoff: { baseMs: 50, capMs: 1_000 }, refreshMs: 1_000, idleMs: 30_000 },
  syncOptions: { flushMs: 50, detailReads: { idleMs: 200 } },
};

let dir: string;
let dbName: string;
let cluster: ClusterProcess;
let http: ClusterHttp;
const stores = { secrets: new MemorySecretStore(), settings: new MemorySettingsStore() };
let core: DesktopCore | null = null;

async function waitFor<T>(what: string, check: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function openCore(): DesktopCore {
  return createDesktopCore({ dataDir: dir, ...stores, embeddedCluster: null, notifier: null, log: () => undefined }, TUNING);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-failures-pg-'));
  const admin = inject('postgresUrl');
  dbName = `sq_failures_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${dbName}`;
  cluster = await new ClusterProcess({ datastore: url.toString(), tokensFile: path.join(dir, 'tokens.json'), name: 'failures' }).start();
  http = new ClusterHttp({ url: cluster.url, token: cluster.token });
});

afterAll(async () => {
  await core?.stop();
  await cluster?.stop();
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

const submit = (request: SubmitJobRequest) => http.call(API_ROUTES.submitJob, { body: request });

it('a failure synced while no UI was open has its stack and config in the cache, grouped by cause', async () => {
  // The desktop knows the cluster, then closes.
  core = openCore();
  await core.start();
  await core.api.addCluster({ name: 'Failures', url: cluster.url, token: cluster.token });
  await core.stop();
  core = null;

  // Real failures of the handlers, with different symbols, sizes and ids.
  const unknown = await Promise.all(['ZZZT', 'QQQX', 'NOPE'].map((s, i) => submit({ type: 'backtest', user: `ann${i}`, priority: 'normal', config: { symbols: [s, 'ALPH'] } })));
  const oversized = await Promise.all(
    [20, 25].map((n) =>
      submit({ type: 'training', user: 'ben.liu', priority: 'normal', config: { symbols: ['ALPH', 'BRVO', 'CHRL', 'DLTA', 'ECHO', 'FXTR', 'GOLF', 'HOTL', 'INDA', 'JULT', 'KILO', 'LIMA', 'MIKE', 'NOVA', 'OSCR', 'PAPA', 'QBEC', 'RMEO', 'SIER', 'TNGO', 'UNIF', 'VCTR', 'WHSK', 'XRAY', 'YANK'].slice(0, n), start: '2012-01-03', end: '2024-12-31', lags: 250, epochs: 5 } }),
    ),
  );
  const missing = await Promise.all(['sweep-gone-1', 'sweep-gone-2'].map((id) => submit({ type: 'report', user: 'carla', priority: 'normal', config: { kind: 'sweep-results', sourceJobId: id } })));
  const all = [...unknown, ...oversized, ...missing];
  await waitFor('the failures on the cluster', async () => {
    const jobs = await clusterJobs(cluster.url, cluster.token);
    return all.every((j) => jobs.find((c) => c.id === j.id)?.state === 'failed');
  });

  // The desktop starts again; nobody opens a job.
  core = openCore();
  await core.start();
  const [view] = await core.api.listClusters();
  const clusterId = view!.id;
  const file = path.join(dir, 'cache.db');
  const reader = new Database(file, { readonly: true });
  try {
    const complete = await waitFor('stack and config of every failure in the cache', () => {
      const rows = reader
        .prepare(`SELECT job_id, error_stack, config_json, failure_group_id FROM jobs WHERE cluster_id = ? AND state = 'failed'`)
        .all(clusterId) as { job_id: string; error_stack: string | null; config_json: string | null; failure_group_id: string | null }[];
      return rows.length === all.length && rows.every((r) => r.error_stack && r.config_json && r.failure_group_id) ? rows : null;
    });
    const unknownRow = complete.find((r) => r.job_id === unknown[0]!.id)!;
    expect(unknownRow.error_stack).toMatch(/data not available for symbol ZZZT/);
    expect(unknownRow.error_stack).toMatch(/market-data-provider/);
    expect(JSON.parse(unknownRow.config_json!)).toMatchObject({ symbols: ['ZZZT', 'ALPH'] });
    // The groups as an admin reads them with sqlite3.
    const groups = reader
      .prepare(
        `SELECT g.category, g.job_type, count(*) AS n FROM jobs j JOIN failure_groups g ON g.group_id = j.failure_group_id
         WHERE j.cluster_id = ? GROUP BY g.group_id ORDER BY n DESC, g.job_type`,
      )
      .all(clusterId);
    expect(groups).toEqual([
      { category: 'data-not-available', job_type: 'backtest', n: 3 },
      { category: 'invalid-parameters', job_type: 'report', n: 2 },
      { category: 'limit-exceeded', job_type: 'training', n: 2 },
    ]);
  } finally {
    reader.close();
  }
  const page = await core.api.listFailureGroups({ period: '24h' });
  expect(page.items.map((g) => `${g.jobType} ${g.count}`).sort()).toEqual(['backtest 3', 'report 2', 'training 2']);
  expect(page.failures).toBe(7);
  const group = page.items.find((g) => g.jobType === 'backtest')!;
  expect(group.signature).toContain('data not available for symbol <symbol>: no file <path>');
  const detail = await core.api.getFailureGroup(group.id);
  expect(detail.sample?.errorStack).toMatch(/market-data-provider/);
  expect(detail.sample?.attemptReasons.length).toBeGreaterThan(0);
  expect(detail.withoutDetail).toBe(0);
  const onJob = await core.api.getJobFailureGroup(clusterId, unknown[1]!.id);
  expect(onJob?.id).toBe(group.id);
}, 300_000);

it('a group retry through the AdminApi retries exactly its failed jobs on the cluster', async () => {
  const api = core!.api;
  const [view] = await api.listClusters();
  const clusterId = view!.id;
  const page = await api.listFailureGroups({ period: '24h' });
  const group = page.items.find((g) => g.jobType === 'backtest')!;
  const before = await clusterJobs(cluster.url, cluster.token);
  const inGroup = (await api.queryFailureGroupJobs(group.id, { limit: 100 })).items.map((j) => j.id).sort();
  expect(inGroup).toHaveLength(3);

  const dry = await api.retryFailureGroup(group.id, { dryRun: true });
  expect(dry).toMatchObject({ dryRun: true, matched: 3, ok: 0 });
  const after = await clusterJobs(cluster.url, cluster.token);
  expect(after.filter((j) => j.state === 'failed').map((j) => j.id).sort()).toEqual(before.filter((j) => j.state === 'failed').map((j) => j.id).sort());

  const real = await api.retryFailureGroup(group.id, { dryRun: false });
  expect(real.ok).toBe(3);
  expect(real.clusters).toEqual([expect.objectContaining({ clusterId, ok: 3, error: null })]);
  expect(real.clusters[0]!.results.map((r) => r.id).sort()).toEqual(inGroup);
  // On the cluster: those three ran again (they failed again, later), nothing else was retried.
  await waitFor('the retried jobs to fail again', async () => {
    const jobs = await clusterJobs(cluster.url, cluster.token);
    return inGroup.every((id) => {
      const j = jobs.find((c) => c.id === id)!;
      return j.state === 'failed' && j.finishedAt! > before.find((b) => b.id === id)!.finishedAt!;
    });
  });
  const now = await clusterJobs(cluster.url, cluster.token);
  for (const b of before.filter((j) => j.state === 'failed' && !inGroup.includes(j.id))) {
    expect(now.find((j) => j.id === b.id)).toMatchObject({ state: 'failed', finishedAt: b.finishedAt });
  }
  // They failed again the same way: the same group, counted again.
  await waitFor('the second failures grouped', async () => (await api.listFailureGroups({ period: '24h' })).items.find((g) => g.id === group.id)?.count === 6);
});
