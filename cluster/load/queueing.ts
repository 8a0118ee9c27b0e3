/**
 * Queueing formulas for a queue of identical workers (c servers, first come first served within a
 * priority). Pure math over rates and times in milliseconds; the load model feeds it measurements.
 *
 * - Erlang C (M/M/c): the chance an arriving job has to wait, computed through the Erlang B
 *   recursion so it stays stable for hundreds of servers.
 * - Allen–Cunneen (G/G/c): the M/M/c mean wait scaled by (ca² + cs²) / 2, where ca² and cs² are the
 *   squared coefficients of variation of inter-arrival and run times. Exact for M/M/c, a good
 *   approximation otherwise (within ~10% for moderate load).
 * - Percentiles of a wait: M/M/c waits are exponential beyond the chance of waiting; the same
 *   variability factor scales them for G/G/c.
 */

/** Probability that an arriving job waits in an M/M/c queue; 1 when the queue cannot keep up. */
export function erlangC(servers: number, offeredLoad: number): number {
  if (!(servers >= 1) || !Number.isFinite(offeredLoad) || offeredLoad < 0) {
    throw new RangeError(`erlangC needs servers ≥ 1 and a load ≥ 0, got ${servers} and ${offeredLoad}`);
  }
  if (offeredLoad === 0) return 0;
  const rho = offeredLoad / servers;
  if (rho >= 1) return 1;
  let erlangB = 1;
  for (let k = 1; k <= servers; k++) erlangB = (offeredLoad * erlangB) / (k + offeredLoad * erlangB);
  return erlangB / (1 - rho * (1 - erlangB));
}

export interface QueueParameters {
  /** Arrivals per millisecond. */
  arrivalRate: number;
  /** Mean run time in milliseconds. */
  meanServiceMs: number;
  servers: number;
  /** Squared coefficient of variation of inter-arrival times (1 for random arrivals). */
  arrivalScv: number;
  /** Squared coefficient of variation of run times (1 for exponential run times). */
  serviceScv: number;
}

/** Utilisation ρ = λ·S / c. */
export function utilisationOf(p: QueueParameters): number {
  return (p.arrivalRate * p.meanServiceMs) / p.servers;
}

/** Steady-state waits; null when the queue cannot keep up (ρ ≥ 1): it has no steady state. */
export interface SteadyWait {
  /** Chance an arriving job waits at all. */
  waitProbability: number;
  meanMs: number;
  p95Ms: number;
}

/** Allen–Cunneen mean wait and a 95th percentile for a G/G/c queue. */
export function steadyStateWait(p: QueueParameters, percentile = 0.95): SteadyWait | null {
  const load = p.arrivalRate * p.meanServiceMs;
  if (load >= p.servers) return null;
  const waitProbability = erlangC(p.servers, load);
  const variability = (p.arrivalScv + p.serviceScv) / 2;
  /** Rate at which the queue empties while every worker is busy: c/S − λ. */
  const drainRate = p.servers / p.meanServiceMs - p.arrivalRate;
  const meanMs = (waitProbability / drainRate) * variability;
  const tail = 1 - percentile;
  const p95Ms = waitProbability <= tail ? 0 : (Math.log(waitProbability / tail) / drainRate) * variability;
  return { waitProbability, meanMs, p95Ms };
}

/**
 * Quantile of a gamma distribution (shape k, scale θ) by the Wilson–Hilferty approximation, good
 * to a few percent for k ≥ 1 and used for "n jobs must finish before mine starts".
 */
export function gammaQuantile(shape: number, scale: number, z: number): number {
  if (shape <= 0) return 0;
  const c = 1 / (9 * shape);
  const cube = 1 - c + z * Math.sqrt(c);
  return shape * scale * Math.max(0, cube) ** 3;
}

/** z of the standard normal for the 95th percentile. */
export const Z95 = 1.6448536269514722;
