import { describe, expect, it } from 'vitest';
import { SubmitJobRequest } from '../../contract/api.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import { nextSampleRequest, SAMPLE_USERS } from './sample-workload.ts';

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
});
