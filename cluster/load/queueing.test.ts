import { describe, expect, it } from 'vitest';
import { erlangC, gammaQuantile, steadyStateWait, utilisationOf, Z95 } from './queueing.ts';

/** Erlang C by its closed form, for comparison with the recursion. */
function erlangCClosedForm(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (c / (c - a));
  return top / (sum + top);
}

describe('erlangC', () => {
  it('matches the closed form for small and large server counts', () => {
    for (const [c, a] of [[1, 0.5], [2, 1.5], [3, 2], [10, 8], [50, 45]] as const) {
      expect(erlangC(c, a)).toBeCloseTo(erlangCClosedForm(c, a), 10);
    }
  });
  it('is ρ for a single server (M/M/1) and 1 when the queue cannot keep up', () => {
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(4, 0)).toBe(0);
  });
  it('stays finite for hundreds of servers', () => {
    const p = erlangC(500, 480);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });
  it('refuses nonsense', () => {
    expect(() => erlangC(0, 1)).toThrow(/servers/);
    expect(() => erlangC(2, Number.NaN)).toThrow(/load/);
  });
});

describe('steadyStateWait', () => {
  it('is the M/M/1 closed form Wq = ρ/(μ−λ) with exponential arrivals and run times', () => {
    // λ = 1 per 2 s, S = 1 s: ρ = 0.5, Wq = 0.5 / (1 − 0.5) s = 1 s.
    const w = steadyStateWait({ arrivalRate: 1 / 2000, meanServiceMs: 1000, servers: 1, arrivalScv: 1, serviceScv: 1 })!;
    expect(w.meanMs).toBeCloseTo(1000, 6);
    // P(Wq > t) = ρ·e^{−(μ−λ)t}: the 95th percentile is ln(0.5/0.05) / 0.0005 per ms.
    expect(w.p95Ms).toBeCloseTo(Math.log(10) / 0.0005, 6);
  });
  it('is the M/M/c closed form for several servers', () => {
    // c = 3, λ = 2/min, S = 1 min: a = 2, C(3,2) = 4/9, Wq = C / (cμ − λ) = (4/9) / 1 min.
    const w = steadyStateWait({ arrivalRate: 2 / 60_000, meanServiceMs: 60_000, servers: 3, arrivalScv: 1, serviceScv: 1 })!;
    expect(w.waitProbability).toBeCloseTo(4 / 9, 10);
    expect(w.meanMs).toBeCloseTo((4 / 9) * 60_000, 4);
  });
  it('halves the wait for constant run times (M/D/c by Allen–Cunneen)', () => {
    const base = { arrivalRate: 1 / 2000, meanServiceMs: 1000, servers: 1, arrivalScv: 1 };
    const exp = steadyStateWait({ ...base, serviceScv: 1 })!;
    const det = steadyStateWait({ ...base, serviceScv: 0 })!;
    expect(det.meanMs).toBeCloseTo(exp.meanMs / 2, 6);
  });
  it('has no steady state when work arrives as fast as it can be done', () => {
    expect(steadyStateWait({ arrivalRate: 1 / 1000, meanServiceMs: 2000, servers: 2, arrivalScv: 1, serviceScv: 1 })).toBeNull();
  });
  it('says zero at the 95th percentile when fewer than 5% of jobs wait', () => {
    const w = steadyStateWait({ arrivalRate: 1 / 60_000, meanServiceMs: 1000, servers: 4, arrivalScv: 1, serviceScv: 1 })!;
    expect(w.waitProbability).toBeLessThan(0.05);
    expect(w.p95Ms).toBe(0);
  });
  it('reports utilisation λS/c', () => {
    expect(utilisationOf({ arrivalRate: 2 / 60_000, meanServiceMs: 60_000, servers: 4, arrivalScv: 1, serviceScv: 1 })).toBeCloseTo(0.5, 12);
  });
});

describe('gammaQuantile', () => {
  it('is close to the exact 95th percentile of an Erlang distribution', () => {
    // Erlang(k = 10, θ = 1): exact 95th percentile 15.7052 (chi-square with 20 dof ÷ 2).
    expect(gammaQuantile(10, 1, Z95)).toBeCloseTo(15.7052, 1);
    // k = 1 is the exponential: ln 20 = 2.9957.
    expect(Math.abs(gammaQuantile(1, 1, Z95) - Math.log(20)) / Math.log(20)).toBeLessThan(0.03);
  });
  it('is zero for no work', () => {
    expect(gammaQuantile(0, 5, Z95)).toBe(0);
  });
});
