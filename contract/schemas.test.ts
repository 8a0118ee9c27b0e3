import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_API, ADMIN_API_METHODS, ClusterInput, JobQuery } from './admin-api.ts';
import { ApiError, BulkActionRequest, ListJobsQuery, SubmitJobRequest, describeZodError, fieldErrors } from './api.ts';
import { JOB_STATES, JOB_TYPES } from './domain.ts';
import { ClusterEvent, compareEventIds } from './events.ts';
import { BacktestConfig, JOB_CONFIG_SCHEMAS, StrategyParams, SweepConfig } from './job-configs.ts';
import { Job, JobDetail } from './jobs.ts';
import { emptyStateCounts, StateCounts, Summary } from './metrics.ts';

const job = {
  id: 'backtest:42',
  type: 'backtest',
  state: 'pending',
  priority: 'high',
  user: 'alice',
  createdAt: '2026-11-28T10:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  attempts: 0,
  maxAttempts: 3,
  progress: null,
  position: 1,
  errorMessage: null,
  updatedAt: '2026-11-28T10:00:00.000Z',
};

function errorsOf(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a parse failure');
  return describeZodError(r.error);
}

describe('job records', () => {
  it('parses a valid job and a valid detail', () => {
    expect(Job.parse(job)).toMatchObject({ id: 'backtest:42', position: 1 });
    const detail = JobDetail.parse({
      ...job,
      state: 'completed',
      config: { symbols: ['ALPH'] },
      steps: [{ index: 0, name: 'Load data', status: 'done' }],
      logsTail: [{ seq: 0, at: job.createdAt, level: 'info', message: 'loaded 2,520 bars' }],
      logCount: 1,
      errorStack: null,
      result: { outputs: [{ name: 'equity.csv', location: '/data/out/equity.csv' }], metrics: { sharpe: 1.2 }, nextSteps: [] },
      resources: { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
      children: [],
      dependsOn: [],
    });
    expect(detail.result?.metrics.sharpe).toBe(1.2);
  });

  it('says which field is wrong and why', () => {
    const message = errorsOf(Job, { ...job, state: 'exploded', createdAt: 'yesterday', attempts: -1 });
    expect(message).toContain('state: Invalid option');
    expect(message).toContain('createdAt');
    expect(message).toContain('attempts');
  });
});

describe('job configs', () => {
  it('accepts {} for every job type (every field has a default)', () => {
    for (const type of JOB_TYPES) expect(() => JOB_CONFIG_SCHEMAS[type].parse({})).not.toThrow();
  });

  it('rejects unknown fields and bad values with field paths', () => {
    const message = errorsOf(JOB_CONFIG_SCHEMAS.backtest, { symbols: ['alph'], capitol: 5 });
    expect(message).toContain('symbols.0: a ticker');
    expect(message).toMatch(/Unrecognized key.*capitol/);
    expect(errorsOf(JOB_CONFIG_SCHEMAS.training, { epochs: 0 })).toContain('epochs');
    expect(errorsOf(JOB_CONFIG_SCHEMAS.backtest, { start: '2024-01-01', end: '2020-01-01' })).toContain('end: start must be before end');
  });

  it('builds a sweep from the same field schemas as a backtest, so their bounds cannot drift apart', () => {
    const backtest = BacktestConfig.shape;
    const sweep = SweepConfig.shape;
    for (const key of Object.keys(backtest).filter((k) => k !== 'params') as (keyof typeof backtest & keyof typeof sweep)[]) {
      expect(sweep[key], key).toBe(backtest[key]);
    }
    const grid = sweep.grid.unwrap().shape;
    for (const param of Object.keys(StrategyParams.shape) as (keyof typeof StrategyParams.shape)[]) {
      expect(grid[param].unwrap().element, param).toBe(StrategyParams.shape[param].unwrap());
    }
  });

  it('limits sweep grids to 200 combinations', () => {
    expect(errorsOf(SweepConfig, { grid: { fastWindow: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], slowWindow: Array.from({ length: 15 }, (_, i) => 20 + i) } })).toContain(
      'more than 200 combinations',
    );
  });
});

describe('API requests', () => {
  it('defaults priority and config on submission and rejects unknown fields', () => {
    expect(SubmitJobRequest.parse({ type: 'signal', user: 'bob' })).toMatchObject({ priority: 'normal', config: {} });
    expect(errorsOf(SubmitJobRequest, { type: 'signal', user: 'bob', colour: 'red' })).toMatch(/Unrecognized key.*colour/);
    expect(errorsOf(SubmitJobRequest, { type: 'rocket', user: 'bob' })).toContain('type: Invalid option');
  });

  it('parses list queries from query strings and clamps the page size', () => {
    const q = ListJobsQuery.parse({ state: 'failed,cancelled', limit: '100000' });
    expect(q.state).toEqual(['failed', 'cancelled']);
    expect(q.limit).toBe(500);
    expect(errorsOf(ListJobsQuery, { limit: 'many' })).toContain('limit');
  });

  it('requires exactly one of ids and filter in a bulk action', () => {
    expect(BulkActionRequest.safeParse({ action: 'cancel', ids: ['a'] }).success).toBe(true);
    expect(BulkActionRequest.safeParse({ action: 'cancel', filter: { state: ['pending'] } }).success).toBe(true);
    expect(errorsOf(BulkActionRequest, { action: 'cancel' })).toContain('either ids or filter');
    expect(errorsOf(BulkActionRequest, { action: 'set-priority', ids: ['a'] })).toContain('priority: set-priority needs a priority');
  });

  it('gives field errors in a shape the UI can show next to a field', () => {
    const r = SubmitJobRequest.safeParse({ type: 'signal' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldErrors(r.error)).toEqual([{ path: 'user', message: expect.any(String) }]);
  });

  it('describes the error envelope', () => {
    expect(ApiError.parse({ error: { code: 'not_found', message: 'no job x' } }).error.code).toBe('not_found');
    expect(ApiError.safeParse({ error: { code: 'oops', message: 'x' } }).success).toBe(false);
  });
});

describe('events and summary', () => {
  it('parses every event kind and orders ids numerically', () => {
    const at = job.createdAt;
    expect(ClusterEvent.parse({ id: '10', at, kind: 'job', change: 'added', job }).kind).toBe('job');
    expect(ClusterEvent.parse({ id: '11', at, kind: 'reset', reason: 'too old' }).kind).toBe('reset');
    expect(ClusterEvent.safeParse({ id: 'x', at, kind: 'reset', reason: '' }).success).toBe(false);
    expect(compareEventIds('9', '10')).toBe(-1);
    expect(compareEventIds('100000000000000000001', '100000000000000000000')).toBe(1);
  });

  it('rejects a summary with a negative count', () => {
    const counts = { pending: 1, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: -1 };
    const reading = { value: 1, level: 'good' };
    const message = errorsOf(Summary, {
      at: job.createdAt, total: 1, counts, successRate: null, queues: [],
      queueLength: reading, waitTimeP95Ms: reading, processingRatePerMin: reading, failureRate: reading,
    });
    expect(message).toContain('counts.cancelled');
  });
});

describe('AdminApi spec', () => {
  it('has an argument and result schema for every method', () => {
    expect(ADMIN_API_METHODS.length).toBeGreaterThan(20);
    for (const m of ADMIN_API_METHODS) {
      expect(ADMIN_API[m].args).toBeInstanceOf(z.ZodTuple);
      expect(ADMIN_API[m].result).toBeInstanceOf(z.ZodType);
    }
  });

  it('validates cluster URLs and job queries', () => {
    expect(errorsOf(ClusterInput, { name: 'prod', url: 'ftp://x' })).toContain('an http:// or https:// URL');
    expect(errorsOf(ClusterInput, { name: 'prod', url: 'https://user:pw@host' })).toContain('without credentials');
    expect(JobQuery.parse({}).limit).toBe(100);
    expect(ADMIN_API.getJob.args.safeParse(['local', '../../etc']).success).toBe(false);
  });
});

describe('state counts', () => {
  it('start at zero for every job state, as a valid StateCounts', () => {
    const counts = StateCounts.parse(emptyStateCounts());
    expect(Object.keys(counts).sort()).toEqual([...JOB_STATES].sort());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    expect(emptyStateCounts()).not.toBe(emptyStateCounts());
  });
});
