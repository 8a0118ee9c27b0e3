import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { QueueLoad, QueueLoadReport } from '../../contract/load.ts';
import type { QueueMetrics } from '../../contract/metrics.ts';
import { createDesktopCore } from './desktop-core.ts';
import type { DesktopCore } from './ports.ts';
import { FakeCluster } from './testing/fake-cluster.ts';
import { MemorySecretStore, MemorySettingsStore } from './testing/memory-ports.ts';

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const READING = { value: 0, level: 'good' as const };
const COUNTS = { pending: 9, running: 2, paused: 0, stuck: 0, completed: 40, failed: 1, cancelled: 0 };

const LOAD: QueueLoad = {
  status: 'draining',
  arrivalPerMin: 2,
  completionPerMin: 3,
  growthPerMin: -1,
  growthPerMinHour: -0.5,
  utilisation: 0.7,
  busy: 2,
  concurrency: 2,
  backlog: 7,
  meanRunMs: 40_000,
  runTimeScv: 1,
  runSamples: 41,
  drainSeconds: 420,
  predictedWaitMs: 160_000,
  predictedWaitP95Ms: 260_000,
  recommendedConcurrency: 3,
  waitTargetMs: 60_000,
};

function backtestQueue(load: QueueLoad | undefined): QueueMetrics {
  return {
    type: 'backtest',
    paused: false,
    concurrency: 2,
    counts: COUNTS,
    queueLength: { value: 9, level: 'good' },
    readyCount: 7,
    waitTimeP50Ms: READING,
    waitTimeP95Ms: READING,
    processingRatePerMin: READING,
    failureRate: READING,
    windowMs: 3_600_000,
    ...(load ? { load } : {}),
  };
}

const REPORT: QueueLoadReport = {
  load: { ...LOAD, waitTargetMs: 30_000, recommendedConcurrency: 4 },
  whatIf: { concurrency: 3, status: 'draining', drainSeconds: 180, predictedWaitMs: 90_000, predictedWaitP95Ms: 150_000, utilisation: 0.45 },
  forecast: [
    { minutes: 0, expected: 7, low: 7, high: 7 },
    { minutes: 5, expected: 2, low: 0, high: 6 },
  ],
};

let dir: string;
let fake: FakeCluster;
let core: DesktopCore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-core-load-'));
  fake = new FakeCluster();
  fake.queues = [backtestQueue(LOAD)];
  await fake.listen();
  core = createDesktopCore(
    { dataDir: dir, secrets: new MemorySecretStore(), settings: new MemorySettingsStore(), embeddedCluster: null, notifier: null },
    { clientOptions: { backoff: { baseMs: 20, capMs: 200 }, refreshMs: 200 }, syncOptions: { flushMs: 20 } },
  );
  await core.start();
  await core.api.addCluster({ name: 'F', url: fake.url, token: fake.token });
  await waitFor('online', async () => (await core.api.listClusters())[0]?.status === 'online');
});

afterEach(async () => {
  await core.stop();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the queue list and the summary reach the screens with each queue’s load, live and from the cache', async () => {
  expect((await core.api.getQueues('f'))[0]!.load).toEqual(LOAD);
  await waitFor('summary with queues', async () => (await core.api.getSummary(['f'])).clusters[0]?.summary?.queues.length === 1);
  expect((await core.api.getSummary(['f'])).clusters[0]!.summary!.queues[0]!.load).toEqual(LOAD);
  await fake.close();
  await waitFor('offline', async () => (await core.api.listClusters())[0]?.status === 'offline');
  expect((await core.api.getQueues('f'))[0]!.load).toEqual(LOAD);
  const cached = await core.api.getSummary(['f']);
  expect(cached.clusters[0]).toMatchObject({ fromCache: true });
  expect(cached.clusters[0]!.summary!.queues[0]!.load).toEqual(LOAD);
  fake = new FakeCluster(); // for afterEach
  await fake.listen();
});

it('asks the cluster for a queue’s load with the what-if, beside the backlog this app sampled', async () => {
  fake.queueLoad = REPORT;
  // The live refresh samples each queue's ready jobs into the cache.
  await waitFor('a backlog sample', async () => (await core.api.getQueueLoad('f', 'backtest', {})).history.length > 0);
  const view = await core.api.getQueueLoad('f', 'backtest', { concurrency: 3, targetMs: 30_000 });
  expect(view).toMatchObject({ fromCache: false, load: REPORT.load, whatIf: REPORT.whatIf, forecast: REPORT.forecast });
  expect(view.history[0]!.backlog).toBe(7);
  expect(Date.now() - Date.parse(view.history[0]!.at)).toBeLessThan(3_600_000);
  const asked = new URLSearchParams(fake.loadQueries.at(-1));
  expect(Object.fromEntries(asked)).toEqual({ concurrency: '3', targetMs: '30000' });
  // Another queue has no samples: its history is empty, not the backtest queue's.
  expect((await core.api.getQueueLoad('f', 'report', {})).history).toEqual([]);
});

it('a cluster without the load route, or one that went offline, answers with the load of the last queue list and no forecast', async () => {
  await waitFor('summary snapshot', async () => (await core.api.getSummary(['f'])).clusters[0]?.summary?.queues.length === 1);
  const older = await core.api.getQueueLoad('f', 'backtest', { concurrency: 3 });
  expect(older).toMatchObject({ fromCache: true, load: LOAD, whatIf: null, forecast: null });

  await fake.close();
  await waitFor('offline', async () => (await core.api.listClusters())[0]?.status === 'offline');
  const offline = await core.api.getQueueLoad('f', 'backtest', {});
  expect(offline).toMatchObject({ fromCache: true, load: LOAD, whatIf: null, forecast: null });
  expect(offline.history.length).toBeGreaterThan(0);
  // A queue the snapshot does not list has no load to show.
  expect((await core.api.getQueueLoad('f', 'signal', {})).load).toBeNull();
  fake = new FakeCluster(); // for afterEach
  await fake.listen();
});
