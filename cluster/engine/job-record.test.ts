// BullMQ jobs as job records: state mapping, derived states, flow children, and the attempts and
// failure words of jobs whose worker was lost (BullMQ's stalled check).
import { describe, expect, it } from 'vitest';
import type { BullJobLike } from '../datastore/bull-jobs.ts';
import { baseStateOf, buildJobRow, cancelReasonOf, deriveState, flowChildIds, presentRow, STALLED_LIMIT_REASON } from './job-record.ts';

const now = Date.parse('2026-01-02T10:00:00Z');

function job(over: Partial<BullJobLike>): BullJobLike & { id: string } {
  return {
    id: 'backtest-stalls',
    name: 'backtest',
    data: { user: 'ops', priority: 'normal', config: {} },
    opts: { attempts: 1 },
    timestamp: now - 60_000,
    processedOn: now - 50_000,
    finishedOn: now - 1_000,
    attemptsMade: 1,
    progress: 0,
    ...over,
  };
}

describe('a job whose worker was lost', () => {
  it('counts the runs ended by a lost worker as attempts', () => {
    const row = buildJobRow({ job: job({ attemptsMade: 1, stalledCounter: 2, failedReason: STALLED_LIMIT_REASON }), type: 'backtest', bullState: 'failed', now, stuckAfterMs: 60_000 })!;
    expect(row.record.attempts).toBe(3);
    expect(row.record.maxAttempts).toBe(1);
    const once = buildJobRow({ job: job({ attemptsMade: 1, stalledCounter: 1 }), type: 'backtest', bullState: 'completed', now, stuckAfterMs: 60_000 })!;
    expect(once.record.attempts).toBe(2);
  });

  it("says the stall limit in our words, not BullMQ's", () => {
    const row = buildJobRow({ job: job({ stalledCounter: 2, failedReason: STALLED_LIMIT_REASON }), type: 'backtest', bullState: 'failed', now, stuckAfterMs: 60_000 })!;
    expect(row.record.errorMessage).toMatch(/^the worker running it was lost twice/);
    expect(row.record.errorMessage).not.toContain('allowable');
    expect(row.search).toContain('lost twice');
    const other = buildJobRow({ job: job({ failedReason: 'symbol XYZ has no data' }), type: 'backtest', bullState: 'failed', now, stuckAfterMs: 60_000 })!;
    expect(other.record.errorMessage).toBe('symbol XYZ has no data');
  });
});

describe('state mapping', () => {
  it('BullMQ states map onto ours; a cancelled: failure is cancelled', () => {
    for (const s of ['waiting', 'prioritized', 'delayed', 'waiting-children']) expect(baseStateOf(s, null)).toBe('pending');
    expect(baseStateOf('active', null)).toBe('active');
    expect(baseStateOf('completed', null)).toBe('completed');
    expect(baseStateOf('failed', 'boom')).toBe('failed');
    expect(baseStateOf('failed', 'cancelled: by alice')).toBe('cancelled');
    expect(baseStateOf('unknown', null)).toBeNull();
    expect(cancelReasonOf('cancelled: force stopped')).toBe('force stopped');
    expect(cancelReasonOf('boom')).toBeNull();
  });

  it('only pending jobs waiting to run are in line: not delayed ones, held ones or parents waiting for their children', () => {
    const inLine = (bullState: string) => buildJobRow({ job: job({ processedOn: null, finishedOn: null, attemptsMade: 0 }), type: 'backtest', bullState, now, stuckAfterMs: 60_000 })!.ready;
    for (const s of ['waiting', 'prioritized', 'paused']) expect(inLine(s)).toBe(true);
    for (const s of ['delayed', 'waiting-children', 'active', 'completed']) expect(inLine(s)).toBe(false);
  });

  it('active jobs are running, paused, or stuck after stuckAfterMs without progress', () => {
    const base = { paused: false, progressAt: 1_000, startedAt: 500, createdAt: 0 };
    expect(deriveState('active', base, 1_500, 1_000)).toBe('running');
    expect(deriveState('active', base, 2_001, 1_000)).toBe('stuck');
    expect(deriveState('active', { ...base, paused: true }, 9_999, 1_000)).toBe('paused');
    expect(deriveState('active', { ...base, progressAt: null }, 1_600, 1_000)).toBe('stuck');
    expect(deriveState('completed', base, 9_999, 1)).toBe('completed');
  });

  it('a BullMQ job becomes a Job record and an index row', () => {
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
});

describe('flow children', () => {
  it('every child of a sweep, whatever became of it, by its job id, on both key forms', () => {
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

describe('the node a job ran on', () => {
  const build = (bullState: string, over: Partial<BullJobLike> = {}) =>
    buildJobRow({ job: job({ processedBy: 'worker-2', ...over }), type: 'backtest', bullState, now, stuckAfterMs: 60_000 })!.record.workerId;

  it('stays on the record once the job finished, failed or was cancelled while running', () => {
    expect(build('active')).toBe('worker-2');
    expect(build('completed')).toBe('worker-2');
    expect(build('failed', { failedReason: 'data not available for symbol ZZQX' })).toBe('worker-2');
    expect(build('failed', { failedReason: 'cancelled: force stopped' })).toBe('worker-2');
  });

  it('is none while the job waits to run (again), or when BullMQ never named one', () => {
    expect(build('waiting')).toBeNull();
    expect(build('delayed')).toBeNull();
    expect(build('completed', { processedBy: null })).toBeNull();
  });
});

describe('the wait predicted when it was queued', () => {
  const build = (over: Partial<BullJobLike>, bullState = 'completed') => buildJobRow({ job: job(over), type: 'backtest', bullState, now, stuckAfterMs: 60_000 })!.record;
  const data = (extra: Record<string, unknown>) => ({ user: 'ops', priority: 'normal', config: {}, ...extra });

  it('stays on the record through its first run', () => {
    expect(build({ data: data({ predictedWaitMs: 12_500 }), attemptsMade: 0, processedOn: undefined }, 'prioritized').predictedWaitMs).toBe(12_500);
    expect(build({ data: data({ predictedWaitMs: 12_500 }) }).predictedWaitMs).toBe(12_500);
    expect(build({}).predictedWaitMs).toBeUndefined();
  });

  it('is dropped once the job is given a later start, or runs again: its wait is then another one', () => {
    expect(build({ data: data({ predictedWaitMs: 12_500, runAt: new Date(now).toISOString() }) }).predictedWaitMs).toBeUndefined();
    expect(build({ data: data({ predictedWaitMs: 12_500 }), attemptsMade: 2 }).predictedWaitMs).toBeUndefined();
    expect(build({ data: data({ predictedWaitMs: 'soon' }) }).predictedWaitMs).toBeUndefined();
  });
});

describe("what the job's process used", () => {
  const report = (extra: Record<string, unknown>) => ({ percent: 100, step: 'done', stepIndex: 0, stepCount: 1, message: '', at: new Date(now - 2_000).toISOString(), ...extra });
  const build = (progress: unknown) => buildJobRow({ job: job({ progress }), type: 'backtest', bullState: 'completed', now, stuckAfterMs: 60_000 })!.record.usage;

  it('comes from the last progress report: mean CPU since the start and peak memory', () => {
    expect(build(report({ cpuPercent: 12, rssBytes: 100, cpuMeanPercent: 87.5, peakRssBytes: 512 * 1_048_576 }))).toEqual({ cpuPercent: 87.5, peakRssBytes: 512 * 1_048_576 });
  });

  it('is null from workers that do not measure it, or with nonsense in the report', () => {
    expect(build(report({ cpuPercent: 12, rssBytes: 100 }))).toBeNull();
    expect(build(report({ cpuMeanPercent: -1, peakRssBytes: 10 }))).toBeNull();
    expect(build(report({ cpuMeanPercent: 'a lot', peakRssBytes: 10 }))).toBeNull();
    expect(build(42)).toBeNull();
  });
});
