import { describe, expect, it } from 'vitest';
import { SubmitJobRequest } from '../../contract/api.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import { expectedWork, nextSampleRequest, SAMPLE_USERS } from './sample-workload.ts';

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

describe('the sample workload mix', () => {
  const r = seeded(7);
  const requests = Array.from({ length: 600 }, () => nextSampleRequest(r, { stuckAfterMs: 600_000, slowRunning: false })).filter((x) => x !== null);

  it('submits only requests the cluster accepts (failures come from running them, not from validation)', () => {
    expect(requests.length).toBeGreaterThan(550);
    for (const request of requests) {
      SubmitJobRequest.parse(request);
      JOB_CONFIG_SCHEMAS[request.type].parse(request.config);
    }
  });

  it('comes from a dozen users with every priority and every job type', () => {
    expect(new Set(requests.map((q) => q.user))).toEqual(new Set(SAMPLE_USERS));
    expect(SAMPLE_USERS).toHaveLength(12);
    expect(new Set(requests.map((q) => q.priority))).toEqual(new Set(['critical', 'high', 'normal', 'low']));
    expect(new Set(requests.map((q) => q.type))).toEqual(new Set(['backtest', 'signal', 'matrix-build', 'training', 'sweep', 'report']));
  });

  it('is mostly successes, with some real failures and an occasional slow job that outlasts the stuck threshold', () => {
    const unknownSymbol = requests.filter((q) => q.type === 'backtest' && (q.config as { symbols?: string[] }).symbols?.some((s) => ['ZZZT', 'QQQX', 'NOPE'].includes(s)));
    const oversized = requests.filter((q) => q.type === 'training' && (q.config as { lags?: number }).lags === 250);
    const slow = requests.filter((q) => q.type === 'training' && ((q.config as { epochDelayMs?: number }).epochDelayMs ?? 0) > 600_000);
    const failures = unknownSymbol.length + oversized.length + requests.filter((q) => q.type === 'report' && (q.config as { kind?: string }).kind === 'sweep-results').length;
    expect(failures / requests.length).toBeGreaterThan(0.05);
    expect(failures / requests.length).toBeLessThan(0.25);
    expect(slow.length).toBeGreaterThan(0);
    expect(slow.length / requests.length).toBeLessThan(0.03);
  });

  it('never starts a second slow job while one runs', () => {
    const r2 = seeded(11);
    const more = Array.from({ length: 600 }, () => nextSampleRequest(r2, { stuckAfterMs: 600_000, slowRunning: true }));
    expect(more.some((q) => q?.type === 'training' && ((q.config as { epochDelayMs?: number }).epochDelayMs ?? 0) > 600_000)).toBe(false);
  });

  // Sub-second jobs left the queue tables empty unless a queue was paused: the mix is sized to keep
  // a few jobs running. Expected work, not timings: symbol-years of bars per job.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ok = (type: string) => requests.filter((q) => q.type === type && !(q.config as { symbols?: string[] }).symbols?.some((s) => ['ZZZT', 'QQQX', 'NOPE'].includes(s)));

  it('runs backtests over wide universes and long ranges, and sweeps over many parameter points', () => {
    expect(median(ok('backtest').map(expectedWork))).toBeGreaterThanOrEqual(80);
    const points = ok('sweep').map((q) => Object.values((q.config as { grid: Record<string, unknown[]> }).grid).reduce((a, v) => a * v.length, 1));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(6);
    expect(median(points)).toBeGreaterThanOrEqual(9);
    expect(median(ok('matrix-build').map(expectedWork))).toBeGreaterThanOrEqual(80);
    expect(median(ok('signal').map(expectedWork))).toBeGreaterThanOrEqual(12);
  });

  it('paces trainings over hundreds of epochs so they run for tens of seconds while mostly waiting', () => {
    const trainings = ok('training')
      .map((q) => q.config as { epochs: number; epochDelayMs: number })
      .filter((c) => c.epochDelayMs < 600_000);
    const paced = trainings.filter((c) => c.epochs !== undefined && c.epochDelayMs !== undefined);
    expect(paced.length / trainings.length).toBeGreaterThan(0.7);
    expect(median(paced.map((c) => c.epochs * c.epochDelayMs))).toBeGreaterThanOrEqual(20_000);
  });
});
