import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../contract/thresholds.ts';
import { AdminError } from '../admin-error.ts';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import type { ClusterRegistry } from '../clusters/cluster-registry.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { createCapacityApi } from './capacity-api.ts';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const H = 3_600_000;

let cache: JobCache;
let asked: string[];
let answers: Map<string, Thresholds | Error>;
let online: Set<string>;

const registry = {
  ids: () => ['local', 'research'],
  view: (id: string) => {
    if (id !== 'local' && id !== 'research') throw new AdminError('unknown-cluster', `There is no cluster "${id}". It may have been removed.`, 404);
    return { id };
  },
  isOnline: (id: string) => online.has(id),
  client: (id: string) => ({
    http: {
      call: async () => {
        asked.push(id);
        const a = answers.get(id);
        if (a instanceof Error) throw a;
        return a;
      },
    },
  }),
} as unknown as ClusterRegistry;

beforeEach(() => {
  cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
  asked = [];
  answers = new Map();
  online = new Set();
  // 30 jobs on each cluster over the last week, each waiting 90 s.
  for (const clusterId of ['local', 'research']) {
    const jobs = Array.from({ length: 30 }, (_, i) => {
      const created = NOW - 6 * 24 * H + i * H;
      return makeJob(i, { id: `${clusterId}-${i}`, type: 'report', state: 'completed', createdAt: new Date(created).toISOString(), startedAt: new Date(created + 90_000).toISOString(), finishedAt: new Date(created + 100_000).toISOString(), durationMs: 10_000, errorMessage: null, updatedAt: new Date(created + 100_000).toISOString(), position: undefined });
    });
    cache.applyBatch(clusterId, { jobs, removed: [] });
  }
});
afterEach(() => cache.close());

const api = () => createCapacityApi({ cache, registry, now: () => NOW });
const relaxed: Thresholds = { ...DEFAULT_THRESHOLDS, waitTimeMs: { ...DEFAULT_THRESHOLDS.waitTimeMs, warning: 120_000 } };

it("asks an online cluster for its thresholds, keeps them, and uses the kept ones while it is offline", async () => {
  online.add('local');
  answers.set('local', relaxed);
  const first = await api().getCapacitySignals({ days: 7 });
  expect(asked).toEqual(['local']);
  expect(first.thresholds).toEqual([
    { clusterId: 'local', waitThresholdMs: 120_000, source: 'cluster' },
    { clusterId: 'research', waitThresholdMs: 60_000, source: 'default' },
  ]);
  // 90 s waits: over research's default minute, under local's two minutes.
  expect(first.queues.map((q) => [q.clusterId, q.waitsOverThreshold.over, q.waitsOverThreshold.started])).toEqual([
    ['local', 0, 30],
    ['research', 30, 30],
  ]);
  online.clear();
  const offline = await api().getCapacitySignals({ days: 7, clusterIds: ['local'] });
  expect(asked).toEqual(['local']);
  expect(offline.thresholds).toEqual([{ clusterId: 'local', waitThresholdMs: 120_000, source: 'cached' }]);
  expect(offline.queues.map((q) => q.clusterId)).toEqual(['local']);
});

it('falls back to the kept thresholds when the cluster does not answer', async () => {
  cache.saveSnapshot('research', 'thresholds', relaxed);
  online.add('research');
  answers.set('research', new Error('connect ECONNREFUSED'));
  const s = await api().getCapacitySignals({ days: 7, clusterIds: ['research'] });
  expect(s.thresholds).toEqual([{ clusterId: 'research', waitThresholdMs: 120_000, source: 'cached' }]);
});

it('refuses an unknown cluster and a period outside 1–90 days with words', async () => {
  await expect(api().getCapacitySignals({ days: 7, clusterIds: ['nowhere'] })).rejects.toMatchObject({ httpStatus: 404, message: 'There is no cluster "nowhere". It may have been removed.' });
  await expect(api().getCapacitySignals({ days: 365 })).rejects.toThrow(/at most 90 days/);
});
