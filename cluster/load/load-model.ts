/**
 * The load model of one queue: from what the cluster measured (arrivals and completions over the
 * last 15 minutes and hour, recent run times, concurrency, the backlog) to whether the backlog
 * drains, by when, the wait a job entering now can expect, and the concurrency a wait target
 * needs. Pure: the engine gathers the inputs, the API reports the answer.
 *
 * A job entering now waits until the jobs ahead of it have started: with every worker busy, one
 * starts each time one of c running jobs finishes, so "n jobs must finish first" takes n·S/c on
 * average, and its spread follows the run times' variation (a gamma with that mean and variance).
 * The steady state of the arrival stream (Allen–Cunneen for G/G/c) decides the concurrency needed
 * to keep the 95th percentile wait under the target once today's backlog has drained.
 */
import { DEFAULT_WAIT_TARGET_MS, type BacklogForecastPoint, type LoadWhatIf, type QueueLoad } from '../../contract/load.ts';
import { forecastErrorOf, type ScoredWait } from './forecast-error.ts';
import { gammaQuantile, steadyStateWait, Z95 } from './queueing.ts';

/** Fewer finished jobs than this and a run time is a guess: the model says "not enough data". */
export const MIN_RUN_SAMPLES = 5;
/** Concurrency beyond this is not a recommendation anyone can follow. */
export const MAX_RECOMMENDED_CONCURRENCY = 10_000;
const MINUTE = 60_000;
/** Run times never vary less than this in the model (a perfectly constant run time is a coincidence). */
const MIN_SCV = 0.01;

export interface LoadInputs {
  paused: boolean;
  /** The queue's configured concurrency. */
  concurrency: number;
  /** Jobs of this queue that can run at once now (0 when no worker node serves the queue). */
  servers: number;
  /** Jobs running now. */
  busy: number;
  /** Jobs ready to run and waiting, ahead of a new job of normal priority. */
  backlog: number;
  /** Jobs added and finished (completed or failed) in the last 15 minutes and the last hour. */
  arrivals15m: number;
  completions15m: number;
  arrivals60m: number;
  completions60m: number;
  /** Run times (ms) of recently finished jobs. */
  runTimesMs: readonly number[];
  /** Squared coefficient of variation of inter-arrival times; random arrivals (1) when unknown. */
  arrivalScv?: number | null;
  waitTargetMs?: number;
  /** Started jobs' predicted and actual waits, for the record of the predictions. */
  scoredWaits?: readonly ScoredWait[];
}

export interface RunStats {
  meanMs: number;
  scv: number;
}

export function runStatsOf(runTimesMs: readonly number[]): RunStats | null {
  if (runTimesMs.length < MIN_RUN_SAMPLES) return null;
  const n = runTimesMs.length;
  const mean = runTimesMs.reduce((s, v) => s + v, 0) / n;
  if (!(mean > 0)) return null;
  const variance = runTimesMs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { meanMs: mean, scv: variance / mean ** 2 };
}

/** The wait of a job that needs `ahead` jobs to start before it, with `free` workers idle now. */
export function waitBehind(ahead: number, free: number, servers: number, run: RunStats): { mean: number; p95: number } {
  const mustFinish = ahead + 1 - free;
  if (mustFinish <= 0) return { mean: 0, p95: 0 };
  const scv = Math.max(run.scv, MIN_SCV);
  const mean = (mustFinish * run.meanMs) / servers;
  return { mean, p95: gammaQuantile(mustFinish / scv, (run.meanMs * scv) / servers, Z95) };
}

interface Shape {
  status: QueueLoad['status'];
  drainSeconds: number | null;
  predictedWaitMs: number | null;
  predictedWaitP95Ms: number | null;
  utilisation: number | null;
}

function shapeFor(input: LoadInputs, servers: number, run: RunStats | null, arrivalPerMs: number): Shape {
  const stopped = input.paused || servers === 0;
  const utilisation = run && servers > 0 ? (arrivalPerMs * run.meanMs) / servers : null;
  if (input.backlog === 0 && !(stopped && arrivalPerMs > 0)) {
    const free = Math.max(0, servers - input.busy);
    const wait = stopped ? null : free > 0 ? { mean: 0, p95: 0 } : run ? waitBehind(0, free, servers, run) : null;
    return { status: 'idle', drainSeconds: 0, predictedWaitMs: wait?.mean ?? null, predictedWaitP95Ms: wait?.p95 ?? null, utilisation };
  }
  if (stopped) return { status: 'growing', drainSeconds: null, predictedWaitMs: null, predictedWaitP95Ms: null, utilisation };
  if (!run) return { status: 'insufficient-data', drainSeconds: null, predictedWaitMs: null, predictedWaitP95Ms: null, utilisation };
  const free = Math.max(0, servers - input.busy);
  const wait = waitBehind(input.backlog, free, servers, run);
  const net = servers / run.meanMs - arrivalPerMs;
  if (net <= 0) return { status: 'growing', drainSeconds: null, predictedWaitMs: wait.mean, predictedWaitP95Ms: wait.p95, utilisation };
  // Idle workers take their jobs from the backlog at once; the rest leave it as running jobs finish.
  const drainSeconds = Math.max(0, input.backlog - free) / net / 1000;
  return { status: 'draining', drainSeconds, predictedWaitMs: wait.mean, predictedWaitP95Ms: wait.p95, utilisation };
}

/** The smallest concurrency whose steady-state 95th percentile wait is within the target. */
export function recommendedConcurrency(arrivalPerMs: number, run: RunStats, arrivalScv: number, targetMs: number): number | null {
  if (arrivalPerMs === 0) return 1;
  const params = { arrivalRate: arrivalPerMs, meanServiceMs: run.meanMs, arrivalScv, serviceScv: run.scv };
  let c = Math.max(1, Math.floor(arrivalPerMs * run.meanMs) + 1);
  for (; c <= MAX_RECOMMENDED_CONCURRENCY; c++) {
    const w = steadyStateWait({ ...params, servers: c });
    if (w && w.p95Ms <= targetMs) return c;
  }
  return null;
}

export function queueLoad(input: LoadInputs): QueueLoad {
  const run = runStatsOf(input.runTimesMs);
  const arrivalPerMs = input.arrivals15m / (15 * MINUTE);
  const target = input.waitTargetMs ?? DEFAULT_WAIT_TARGET_MS;
  const shape = shapeFor(input, input.servers, run, arrivalPerMs);
  return {
    ...shape,
    arrivalPerMin: input.arrivals15m / 15,
    completionPerMin: input.completions15m / 15,
    growthPerMin: (input.arrivals15m - input.completions15m) / 15,
    growthPerMinHour: (input.arrivals60m - input.completions60m) / 60,
    busy: input.busy,
    concurrency: input.concurrency,
    backlog: input.backlog,
    meanRunMs: run?.meanMs ?? null,
    runTimeScv: run?.scv ?? null,
    runSamples: input.runTimesMs.length,
    recommendedConcurrency: run ? recommendedConcurrency(arrivalPerMs, run, input.arrivalScv ?? 1, target) : null,
    waitTargetMs: target,
    forecastError: forecastErrorOf(input.scoredWaits ?? []),
  };
}

/**
 * The same queue with another concurrency. `servers` follows the concurrency unless worker nodes
 * cap it: `serverCap` is how many jobs the nodes serving the queue could run at most.
 */
export function whatIf(input: LoadInputs, concurrency: number, serverCap = Number.POSITIVE_INFINITY): LoadWhatIf {
  const run = runStatsOf(input.runTimesMs);
  const servers = Math.min(concurrency, serverCap);
  const shape = shapeFor({ ...input, concurrency }, servers, run, input.arrivals15m / (15 * MINUTE));
  return { concurrency, status: shape.status, drainSeconds: shape.drainSeconds, predictedWaitMs: shape.predictedWaitMs, predictedWaitP95Ms: shape.predictedWaitP95Ms, utilisation: shape.utilisation };
}

/**
 * The backlog over the next `horizonMinutes`: expected = backlog + (arrivals − capacity)·t, with a
 * 90% band from the randomness of arrivals (Poisson: variance λt) and of completions (a renewal
 * process: variance ≈ capacity·t·scv). Null when run times are unknown and the queue is running.
 */
export function backlogForecast(input: LoadInputs, horizonMinutes = 60, stepMinutes = 5): BacklogForecastPoint[] | null {
  const run = runStatsOf(input.runTimesMs);
  const stopped = input.paused || input.servers === 0;
  if (!run && !stopped) return null;
  const arrivalPerMin = input.arrivals15m / 15;
  const capacityPerMin = stopped || !run ? 0 : (input.servers * MINUTE) / run.meanMs;
  const scv = run ? Math.max(run.scv, MIN_SCV) : 1;
  const points: BacklogForecastPoint[] = [];
  for (let t = 0; t <= horizonMinutes + 1e-9; t += stepMinutes) {
    const expected = Math.max(0, input.backlog + (arrivalPerMin - capacityPerMin) * t);
    const spread = Z95 * Math.sqrt(arrivalPerMin * t + capacityPerMin * t * scv);
    points.push({ minutes: t, expected, low: Math.max(0, expected - spread), high: expected + spread });
  }
  return points;
}
