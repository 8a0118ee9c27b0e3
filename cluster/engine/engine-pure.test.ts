/** Unit tests of the engine's pure parts: state mapping, cursors, metrics math, stream positions. */
import { describe, expect, test } from 'vitest';
import { emptyStateCounts } from '../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS } from '../../contract/thresholds.ts';
import { parseDatastoreSpec, redactSpec } from '../datastore/datastore-spec.ts';
import { rawPosition, streamPosition } from './event-recorder.ts';
import { baseStateOf, buildJobRow, cancelReasonOf, deriveState, flowChildIds, presentRow } from './job-record.ts';
import { removeFromQueue } from './job-actions.ts';
import { EngineError } from './job-engine.ts';
import { rowFilterOf } from './job-list.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';
import { clusterReadings, percentile, queueMetrics, waitsOf, waitTimeOf, weightedPercentile } from './queue-metrics.ts';

const noWaits = { waits: [], oldestWaitingMs: null };

describe('state mapping', () => {
  test('BullMQ states map onto ours; a cancelled: failure is cancelled', () => {
    for (const s of ['waiting', 'prioritized', 'delayed', 'waiting-children']) expect(baseStateOf(s, null)).toBe('pending');
    expect(baseStateOf('active', null)).toBe('active');
    expect(baseStateOf('completed', null)).toBe('completed');
    expect(baseStateOf('failed', 'boom')).toBe('failed');
    expect(baseStateOf('failed', 'cancelled: by alice')).toBe('cancelled');
    expect(baseStateOf('unknown', null)).toBeNull();
    expect(cancelReasonOf('cancelled: force stopped')).toBe('force stopped');
    expect(cancelReasonOf('boom')).toBeNull();
  });

  test('active jobs are running, paused, or stuck after stuckAfterMs without progress', () => {
    const base = { paused: false, progressAt: 1_000, startedAt: 500, createdAt: 0 };
    expect(deriveState('active', base, 1_500, 1_000)).toBe('running');
    expect(deriveState('active', base, 2_001, 1_000)).toBe('stuck');
    expect(deriveState('active', { ...base, paused: true }, 9_999, 1_000)).toBe('paused');
    expect(deriveState('active', { ...base, progressAt: null }, 1_600, 1_000)).toBe('stuck');
    expect(deriveState('completed', base, 9_999, 1)).toBe('completed');
  });

  test('a BullMQ job becomes a Job record and an index row', () => {
    const row = buildJobRow({
      job: {
        id: 'backtest-1', name: 'backtest', data: { user: 'bob', priority: 'high', config: { capital: 5 } }, opts: { priority: 2, attempts: 3 },
        timestamp: 1_000, processedOn: 2_000, finishedOn: 5_000, attemptsMade: 1, progress: { percent: 100, step: 'done', stepIndex: 2, stepCount: 3, message: '', at: new Date(4_000).toISOString() },
        failedReason: 'cancelled: by alice',
      },
      type: 'backtest', bullState: 'failed', now: 6_000, stuckAfterMs: 1_000,
    })!;
    expect(row.base).toBe('cancelled');
    expect(row.record).toMatchObject({ state: 'cancelled', priority: 'high', user: 'bob', durationMs: 3_000, attempts: 1, maxAttempts: 3, errorMessage: 'cancelled: by alice' });
    expect(row.search).toContain('"capital":5');
    const pending = presentRow({ ...row, base: 'pending' }, 6_000, 1_000, 4);
    expect(pending.position).toBe(4);
    expect(presentRow(row, 6_000, 1_000, 4).position).toBeUndefined();
  });

  test('state filters split into stored states and active kinds', () => {
    expect(rowFilterOf({ state: ['pending', 'stuck'] })).toEqual({ bases: ['pending', 'active'], activeKinds: ['stuck'] });
    expect(rowFilterOf({ q: 'ABC' }).q).toBe('abc');
  });
});

describe('cursors', () => {
  test('round-trip, and refuse garbage or another sort', () => {
    const c = encodeCursor('-created', { k: 42, id: 'x-1' });
    expect(decodeCursor('-created', c)).toEqual({ k: 42, id: 'x-1' });
    expect(() => decodeCursor('position', c)).toThrow(EngineError);
    expect(() => decodeCursor('-created', 'not a cursor')).toThrow(/cursor/);
    expect(() => decodeCursor('-created', Buffer.from('{"v":1}').toString('base64url'))).toThrow(/cursor/);
  });

  test('BullMQ stream ids sort as strings once padded, and convert back', () => {
    expect(streamPosition('1700000000000-2') < streamPosition('1700000000000-10')).toBe(true);
    expect(streamPosition('99') < streamPosition('100')).toBe(true);
    expect(rawPosition(streamPosition('1700000000000-10'))).toBe('1700000000000-10');
    expect(rawPosition(streamPosition('123'))).toBe('123');
  });
});

describe('metrics math', () => {
  test('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
  });

  test('wait time counts from the later of creation and runAt', () => {
    expect(waitTimeOf({ createdAt: 0, startedAt: 5_000, runAt: null })).toBe(5_000);
    expect(waitTimeOf({ createdAt: 0, startedAt: 5_000, runAt: 4_000 })).toBe(1_000);
    expect(waitTimeOf({ createdAt: 0, startedAt: null, runAt: null })).toBeNull();
  });

  test('rates and levels over the window; cancelled jobs do not count as failures', () => {
    const finished = [
      ...Array.from({ length: 18 }, (_, i) => ({ type: 'signal' as const, base: 'completed' as const, createdAt: 0, startedAt: 1_000 * i, finishedAt: 1, runAt: null })),
      { type: 'signal' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
      { type: 'signal' as const, base: 'cancelled' as const, createdAt: 0, startedAt: null, finishedAt: 1, runAt: null },
      { type: 'report' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
    ];
    const { waits, oldestWaitingMs } = waitsOf({ now: 20_000, waitingSince: [], waitingUnread: 0, started: finished.filter((f) => f.type === 'signal'), recentMs: 60_000 });
    const m = queueMetrics({ type: 'signal', paused: false, concurrency: 2, counts: { ...emptyStateCounts(), pending: 12 }, ready: 12, finished, waits, oldestWaitingMs, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(m.processingRatePerMin).toEqual({ value: 19, level: 'good' });
    expect(m.failureRate.value).toBeCloseTo(1 / 19);
    expect(m.failureRate.level).toBe('critical');
    expect(m.queueLength).toEqual({ value: 12, level: 'warning' });
    expect(m.waitTimeP95Ms.value).toBe(17_000);
    const idle = queueMetrics({ type: 'training', paused: false, concurrency: 1, counts: emptyStateCounts(), ready: 0, finished, ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(idle.processingRatePerMin.level).toBe('good');
    expect(idle.failureRate).toEqual({ value: null, level: 'good' });
  });

  test('a slow rate is critical with a backlog, but not on a queue an admin paused', () => {
    const input = { type: 'backtest' as const, concurrency: 2, counts: { ...emptyStateCounts(), pending: 40 }, ready: 40, finished: [], ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS };
    const running = queueMetrics({ ...input, paused: false });
    const paused = queueMetrics({ ...input, paused: true });
    expect(running.processingRatePerMin).toEqual({ value: 0, level: 'critical' });
    expect(paused.processingRatePerMin).toEqual({ value: 0, level: 'good' });
    expect(paused.queueLength.value).toBe(40);
    expect(clusterReadings([paused], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('good');
    expect(clusterReadings([paused, running], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('critical');
  });

  test('jobs scheduled for later or waiting for others are queued, but no backlog for the rate', () => {
    const input = { type: 'report' as const, paused: false, concurrency: 2, counts: { ...emptyStateCounts(), pending: 30 }, finished: [], ...noWaits, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS };
    const later = queueMetrics({ ...input, ready: 0 });
    expect(later.queueLength.value).toBe(30);
    expect(later.readyCount).toBe(0);
    expect(later.processingRatePerMin).toEqual({ value: 0, level: 'good' });
    expect(clusterReadings([later], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('good');
    const due = queueMetrics({ ...input, ready: 1 });
    expect(due.processingRatePerMin.level).toBe('critical');
    expect(clusterReadings([later, due], [], DEFAULT_THRESHOLDS, 60_000).processingRatePerMin.level).toBe('critical');
  });

  test('wait time counts the jobs still waiting: it rises while they wait and falls once they started', () => {
    const min = 60_000;
    const thresholds = DEFAULT_THRESHOLDS;
    const base = { type: 'signal' as const, concurrency: 1, counts: { ...emptyStateCounts(), pending: 10 }, ready: 10, finished: [], windowMs: 15 * min, thresholds };
    // A paused queue: ten jobs queued at t=0, nothing started yet; one job started earlier after 379 ms.
    const earlier = { createdAt: -1_000, startedAt: -621, runAt: null };
    const waitingSince = Array.from({ length: 10 }, () => 0);
    const at = (now: number, started: typeof earlier[]) => {
      const w = waitsOf({ now, waitingSince: now < 7 * min ? waitingSince : [], waitingUnread: 0, started, recentMs: 5 * min });
      return queueMetrics({ ...base, paused: now < 7 * min, ...w });
    };
    const waiting = at(6 * min, [earlier]);
    expect(waiting.oldestWaitingMs).toBe(6 * min);
    expect(waiting.waitTimeP95Ms).toEqual({ value: 6 * min, level: 'critical' });
    expect(at(2 * min, [earlier]).waitTimeP95Ms).toEqual({ value: 2 * min, level: 'warning' });
    // Resumed at 7 min: all ten started within seconds; nothing waits any more.
    const started = Array.from({ length: 10 }, (_, i) => ({ createdAt: 0, startedAt: 7 * min + i * 1_000, runAt: null }));
    const justAfter = at(7.5 * min, started);
    expect(justAfter.oldestWaitingMs).toBeNull();
    expect(justAfter.waitTimeP95Ms.value).toBe(7 * min + 9_000);
    // Five minutes after they started, they no longer count.
    const later = at(13 * min, started);
    expect(later.waitTimeP95Ms).toEqual({ value: null, level: 'good' });
    expect(later.waitSampleCount).toBe(0);
  });

  test('waiting jobs beyond those read count as the youngest read, so percentiles never read low', () => {
    const { waits, oldestWaitingMs } = waitsOf({ now: 100_000, waitingSince: [0, 50_000], waitingUnread: 98, started: [], recentMs: 60_000 });
    expect(oldestWaitingMs).toBe(100_000);
    expect(waits.reduce((n, w) => n + w.n, 0)).toBe(100);
    expect(weightedPercentile(waits, 95)).toBe(50_000);
    expect(weightedPercentile(waits, 100)).toBe(100_000);
    expect(weightedPercentile([], 95)).toBeNull();
  });

  test('cluster readings carry what lets the desktop combine clusters by job counts', () => {
    const finished = [
      ...Array.from({ length: 7 }, () => ({ type: 'signal' as const, base: 'completed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null })),
      { type: 'signal' as const, base: 'failed' as const, createdAt: 0, startedAt: 0, finishedAt: 1, runAt: null },
    ];
    const q = queueMetrics({ type: 'signal', paused: false, concurrency: 1, counts: emptyStateCounts(), ready: 0, finished, waits: [{ ms: 10, n: 3 }], oldestWaitingMs: 10, windowMs: 60_000, thresholds: DEFAULT_THRESHOLDS });
    expect(q).toMatchObject({ finishedInWindow: 8, failedInWindow: 1, waitSampleCount: 3, oldestWaitingMs: 10 });
    expect(q.waitQuantilesMs).toHaveLength(21);
    const c = clusterReadings([q], finished, DEFAULT_THRESHOLDS, 60_000, [{ ms: 10, n: 3 }]);
    expect(c).toMatchObject({ finishedInWindow: 8, failedInWindow: 1, backlog: 0, oldestWaitingMs: 10, waitSampleCount: 3 });
  });
});

describe('datastore spec', () => {
  test('parses the three kinds and explains bad ones', () => {
    expect(parseDatastoreSpec(undefined)).toEqual({ kind: 'embedded', dir: null });
    expect(parseDatastoreSpec('embedded:/var/x')).toEqual({ kind: 'embedded', dir: '/var/x' });
    expect(parseDatastoreSpec('postgres://u:p@h:5432/db').kind).toBe('postgres');
    expect(parseDatastoreSpec('redis://h:6379').kind).toBe('redis');
    expect(() => parseDatastoreSpec('mysql://h')).toThrow(/unknown scheme 'mysql'.*redis:\/\//);
    expect(() => parseDatastoreSpec('embedded:')).toThrow(/empty/);
    expect(redactSpec('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});

describe('removal from a queue', () => {
  /** A queue whose `remove` answers from a script: a number, or an error to throw. */
  function scriptedQueue(answers: (number | Error)[], stillThere: boolean) {
    const calls = { remove: 0 };
    const queue = {
      async remove() {
        calls.remove += 1;
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next ?? 0;
      },
      async getJob() {
        return stillThere ? {} : undefined;
      },
    };
    return { queue: queue as unknown as Parameters<typeof removeFromQueue>[0], calls };
  }
  const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

  test('a flow removal counts as removed (PostgreSQL answers the number of jobs), 0 is locked or gone', async () => {
    expect(await removeFromQueue(scriptedQueue([7], true).queue, 'sweep-1')).toBe('removed');
    expect(await removeFromQueue(scriptedQueue([0], true).queue, 'x')).toBe('locked');
    expect(await removeFromQueue(scriptedQueue([0], false).queue, 'x')).toBe('gone');
  });

  test('a deadlock between removals of one flow is tried again; other errors and a third deadlock are not', async () => {
    const retried = scriptedQueue([deadlock(), deadlock(), 3], true);
    expect(await removeFromQueue(retried.queue, 'sweep-1')).toBe('removed');
    expect(retried.calls.remove).toBe(3);
    const stuck = scriptedQueue([deadlock(), deadlock(), deadlock(), 1], true);
    await expect(removeFromQueue(stuck.queue, 'sweep-1')).rejects.toThrow(/deadlock/);
    expect(stuck.calls.remove).toBe(3);
    const broken = scriptedQueue([new Error('connection terminated'), 1], true);
    await expect(removeFromQueue(broken.queue, 'x')).rejects.toThrow(/connection terminated/);
    expect(broken.calls.remove).toBe(1);
  });
});

describe('flow children', () => {
  test('every child of a sweep, whatever became of it, by its job id, on both key forms', () => {
    const deps = {
      processed: { 'bull:backtest:sweep-1-c0': '{"ok":1}', 'backtest:sweep-1-c1': '{}' },
      unprocessed: ['bull:backtest:sweep-1-c2', 'backtest:sweep-1-c2'],
      failed: ['backtest:sweep-1-c3'],
      ignored: { 'bull:backtest:sweep-1-c4': 'data not available' },
    };
    expect(flowChildIds(deps).sort()).toEqual(['sweep-1-c0', 'sweep-1-c1', 'sweep-1-c2', 'sweep-1-c3', 'sweep-1-c4']);
    expect(flowChildIds(deps, 'unprocessed')).toEqual(['sweep-1-c2']);
    expect(flowChildIds({})).toEqual([]);
  });
});
