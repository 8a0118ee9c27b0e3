// Attempts and failure words of jobs whose worker was lost (BullMQ's stalled check).
import { describe, expect, it } from 'vitest';
import type { BullJobLike } from '../datastore/bull-jobs.ts';
import { buildJobRow, STALLED_LIMIT_REASON } from './job-record.ts';

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
