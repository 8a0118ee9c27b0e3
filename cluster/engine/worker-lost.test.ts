import { describe, expect, test } from 'vitest';
import type { Job } from '../../contract/jobs.ts';
import { DEFAULT_LOCK_DURATION_MS } from '../workers/worker-runtime.ts';
import { HEARTBEAT_MS } from '../workers/worker-registry.ts';
import { isWorkerLost, lostNodeIds, WORKER_LOST_AFTER_MS, type WorkerRegistration } from './worker-nodes.ts';
import type { EngineContext } from './engine-context.ts';
import { presentRow } from './job-record.ts';

const T = Date.parse('2026-11-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function registration(id: string, lastHeartbeatAt: number): WorkerRegistration {
  return { id, host: 'h', pid: 1, queues: ['signal'], concurrency: { signal: 1 }, runningJobs: [], startedAt: iso(T - 60_000), lastHeartbeatAt: iso(lastHeartbeatAt), cpuPercent: 0, rssBytes: 0 };
}

const record: Job = {
  id: 'signal-1', type: 'signal', state: 'running', priority: 'normal', user: 'bob', createdAt: iso(T - 5_000), startedAt: iso(T - 4_000), finishedAt: null,
  durationMs: null, attempts: 0, maxAttempts: 1, progress: null, errorMessage: null, workerId: 'node-a', updatedAt: iso(T - 4_000),
};
const row = { base: 'active' as const, paused: false, progressAt: T - 1_000, startedAt: T - 4_000, createdAt: T - 5_000, record };

describe('worker lost', () => {
  test('a node is lost after three missed heartbeats, known before BullMQ takes its jobs back', () => {
    expect(WORKER_LOST_AFTER_MS).toBe(3 * HEARTBEAT_MS);
    // A dead node is seen lost at most one heartbeat after the window; its jobs' locks expire later.
    expect(WORKER_LOST_AFTER_MS + HEARTBEAT_MS).toBeLessThan(DEFAULT_LOCK_DURATION_MS);
    expect(isWorkerLost(iso(T - 2 * HEARTBEAT_MS), T)).toBe(false);
    expect(isWorkerLost(iso(T - WORKER_LOST_AFTER_MS - 1), T)).toBe(true);
  });

  test('the lost node ids come from the registry', async () => {
    const regs = [registration('node-a', T - 10_000), registration('node-b', T - 1_000)];
    const store = { listSettings: async (prefix: string) => (prefix === 'worker:' ? regs.map((value) => ({ key: `worker:${value.id}`, value })) : []) } as unknown as EngineContext['store'];
    expect([...(await lostNodeIds(store, T))]).toEqual(['node-a']);
  });

  test('a running job on a lost node carries workerLost; others do not', () => {
    expect(presentRow(row, T, 60_000, undefined, undefined, new Set(['node-a'])).workerLost).toBe(true);
    expect(presentRow(row, T, 60_000, undefined, undefined, new Set(['node-b'])).workerLost).toBeUndefined();
    expect(presentRow(row, T, 60_000).workerLost).toBeUndefined();
    const finished = { ...row, base: 'completed' as const, record: { ...record, workerLost: true } };
    expect(presentRow(finished, T, 60_000, undefined, undefined, new Set(['node-a'])).workerLost).toBeUndefined();
  });

  test('without a registry read, a record keeps the workerLost it was recorded with while it is active', () => {
    const announced = { ...row, record: { ...record, workerLost: true } };
    expect(presentRow(announced, T, 60_000).workerLost).toBe(true);
    // A registry read decides: the node heartbeats again.
    expect(presentRow(announced, T, 60_000, undefined, undefined, new Set()).workerLost).toBeUndefined();
    expect(presentRow({ ...announced, base: 'pending' as const }, T, 60_000).workerLost).toBeUndefined();
  });
});
