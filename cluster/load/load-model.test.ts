import { describe, expect, it } from 'vitest';
import { describeLoad } from '../../contract/load.ts';
import { SeededRandom } from '../../contract/seeded-random.ts';
import { backlogForecast, MIN_RUN_SAMPLES, queueLoad, whatIf, type LoadInputs } from './load-model.ts';
import { steadyStateWait } from './queueing.ts';

const MINUTE = 60_000;
const exp = (rng: SeededRandom, mean: number) => -Math.log(1 - rng.next()) * mean;

function inputs(over: Partial<LoadInputs> = {}): LoadInputs {
  return {
    paused: false,
    concurrency: 4,
    servers: 4,
    busy: 4,
    backlog: 0,
    arrivals15m: 0,
    completions15m: 0,
    arrivals60m: 0,
    completions60m: 0,
    runTimesMs: Array.from({ length: 20 }, () => MINUTE),
    ...over,
  };
}

/** First-come-first-served with c workers: when each of `n` jobs arriving at `arrivals` starts. */
function simulateStarts(arrivals: readonly number[], runTimes: readonly number[], c: number, busyUntil: number[] = []): number[] {
  const free = [...busyUntil, ...Array.from({ length: Math.max(0, c - busyUntil.length) }, () => 0)];
  return arrivals.map((at, i) => {
    free.sort((a, b) => a - b);
    const start = Math.max(at, free[0]!);
    free[0] = start + runTimes[i]!;
    return start;
  });
}

describe('queueLoad', () => {
  it('drains a backlog in backlog ÷ (capacity − arrivals)', () => {
    // 4 workers, 1 min per job: 4 jobs/min capacity; 2 arrive per minute; 120 waiting → 60 min.
    const load = queueLoad(inputs({ backlog: 120, arrivals15m: 30, completions15m: 60, arrivals60m: 120, completions60m: 240 }));
    expect(load.status).toBe('draining');
    expect(load.drainSeconds).toBeCloseTo(3600, 6);
    expect(load.arrivalPerMin).toBe(2);
    expect(load.growthPerMin).toBe(-2);
    expect(load.growthPerMinHour).toBe(-2);
    expect(load.utilisation).toBeCloseTo(0.5, 12);
    expect(describeLoad(load)).toBe('Clears in ~60 min');
  });

  it('lets idle workers take their jobs at once: the backlog empties when its last job starts', () => {
    // A queue resumed with 16 waiting and 2 idle workers, each job 1 s: the last one starts after 7 s.
    const runTimesMs = Array.from({ length: 20 }, () => 1000);
    const load = queueLoad(inputs({ concurrency: 2, servers: 2, busy: 0, backlog: 16, runTimesMs }));
    const starts = simulateStarts(Array.from({ length: 16 }, () => 0), runTimesMs, 2);
    expect(load.drainSeconds! * 1000).toBeCloseTo(Math.max(...starts), 6);
    // Fewer waiting than idle workers: every one starts now.
    expect(queueLoad(inputs({ servers: 4, busy: 1, backlog: 3, runTimesMs })).drainSeconds).toBe(0);
  });

  it('says a backlog that arrives faster than it can be done will not drain', () => {
    const load = queueLoad(inputs({ backlog: 50, arrivals15m: 90, completions15m: 60 }));
    expect(load.status).toBe('growing');
    expect(load.drainSeconds).toBeNull();
    expect(load.utilisation).toBeCloseTo(1.5, 12);
    expect(describeLoad(load)).toBe('Growing: will not drain');
  });

  it('says a paused queue that is filling is growing, and predicts no wait it cannot know', () => {
    const load = queueLoad(inputs({ paused: true, busy: 0, backlog: 0, arrivals15m: 10 }));
    expect(load.status).toBe('growing');
    expect(load.predictedWaitMs).toBeNull();
    expect(describeLoad(load, true)).toBe('Paused: will not drain');
  });

  it('says "not enough data" with too few finished jobs, instead of a made-up number', () => {
    const load = queueLoad(inputs({ backlog: 10, runTimesMs: Array.from({ length: MIN_RUN_SAMPLES - 1 }, () => 1000) }));
    expect(load.status).toBe('insufficient-data');
    expect(load.drainSeconds).toBeNull();
    expect(load.predictedWaitMs).toBeNull();
    expect(load.predictedWaitP95Ms).toBeNull();
    expect(load.recommendedConcurrency).toBeNull();
    expect(load.meanRunMs).toBeNull();
  });

  it('is idle with nothing waiting, and a job entering with a worker free starts at once', () => {
    const load = queueLoad(inputs({ busy: 1 }));
    expect(load.status).toBe('idle');
    expect(load.predictedWaitMs).toBe(0);
    expect(load.predictedWaitP95Ms).toBe(0);
  });

  it('predicts the wait behind the backlog as place in line × run time ÷ concurrency', () => {
    // 4 busy, 11 ahead: 12 must finish before a new job starts, one every 15 s on average.
    const load = queueLoad(inputs({ backlog: 11 }));
    expect(load.predictedWaitMs).toBeCloseTo(12 * MINUTE / 4, 6);
    // Identical run times leave little spread; the 95th percentile stays close to the mean.
    expect(load.predictedWaitP95Ms! / load.predictedWaitMs!).toBeLessThan(1.1);
  });

  it('predicts the wait of a simulated first-come-first-served queue within 10%', () => {
    const rng = new SeededRandom(7);
    const runTimes = Array.from({ length: 2000 }, () => exp(rng, 40_000));
    const c = 5;
    // Every worker busy with a fresh job, 200 waiting, then one new job: when does it start?
    const trials = 400;
    let total = 0;
    for (let t = 0; t < trials; t++) {
      const running = Array.from({ length: c }, () => exp(rng, 40_000));
      const own = Array.from({ length: 201 }, () => exp(rng, 40_000));
      const starts = simulateStarts(Array.from({ length: 201 }, () => 0), own, c, running);
      total += starts[200]!;
    }
    const simulated = total / trials;
    const load = queueLoad(inputs({ concurrency: c, servers: c, busy: c, backlog: 200, runTimesMs: runTimes }));
    expect(Math.abs(load.predictedWaitMs! - simulated) / simulated).toBeLessThan(0.1);
  });

  it('recommends the smallest concurrency whose steady-state p95 wait is under the target', () => {
    // 3 jobs/min of 1 min each: at least 4 workers; the target decides how many more.
    const load = queueLoad(inputs({ arrivals15m: 45, waitTargetMs: 30_000, runTimesMs: Array.from({ length: 50 }, (_, i) => (i % 2 ? 0.5 : 1.5) * MINUTE) }));
    const c = load.recommendedConcurrency!;
    const params = { arrivalRate: 3 / MINUTE, meanServiceMs: MINUTE, arrivalScv: 1, serviceScv: load.runTimeScv! };
    expect(steadyStateWait({ ...params, servers: c })!.p95Ms).toBeLessThanOrEqual(30_000);
    const fewer = steadyStateWait({ ...params, servers: c - 1 });
    expect(fewer === null || fewer.p95Ms > 30_000).toBe(true);
  });

  it('M/M/c: the model agrees with a simulation of random arrivals and run times', () => {
    const rng = new SeededRandom(11);
    const n = 60_000;
    const meanRun = 1000;
    const c = 3;
    const lambda = 2.4 / meanRun; // ρ = 0.8
    let at = 0;
    const arrivals = Array.from({ length: n }, () => (at += exp(rng, 1 / lambda)));
    const runs = Array.from({ length: n }, () => exp(rng, meanRun));
    const starts = simulateStarts(arrivals, runs, c);
    const waits = starts.map((s, i) => s - arrivals[i]!).slice(5000);
    const simulatedMean = waits.reduce((s, w) => s + w, 0) / waits.length;
    const model = steadyStateWait({ arrivalRate: lambda, meanServiceMs: meanRun, servers: c, arrivalScv: 1, serviceScv: 1 })!;
    expect(Math.abs(model.meanMs - simulatedMean) / simulatedMean).toBeLessThan(0.1);
    const sorted = [...waits].sort((a, b) => a - b);
    const simulatedP95 = sorted[Math.floor(sorted.length * 0.95)]!;
    expect(Math.abs(model.p95Ms - simulatedP95) / simulatedP95).toBeLessThan(0.1);
  });
});

describe('whatIf', () => {
  it('shortens the drain as capacity grows, and a capped node count caps it', () => {
    const base = inputs({ backlog: 120, arrivals15m: 30 });
    const now = whatIf(base, 4);
    const more = whatIf(base, 8);
    expect(now.drainSeconds).toBeCloseTo(3600, 6);
    // The 4 workers added take 4 jobs at once; 8 a minute finish, 2 arrive.
    expect(more.drainSeconds).toBeCloseTo((120 - 4) / (8 - 2) * 60, 6);
    expect(whatIf(base, 8, 4).drainSeconds).toBeCloseTo(3600, 6);
    expect(whatIf(base, 2).status).toBe('growing');
  });
});

describe('backlogForecast', () => {
  it('follows the net rate, never below zero, with a band that widens', () => {
    const f = backlogForecast(inputs({ backlog: 100, arrivals15m: 30 }))!;
    expect(f[0]).toEqual({ minutes: 0, expected: 100, low: 100, high: 100 });
    expect(f.find((p) => p.minutes === 30)!.expected).toBeCloseTo(40, 6);
    expect(f.at(-1)!.expected).toBe(0);
    expect(f[6]!.high - f[6]!.low).toBeGreaterThan(f[2]!.high - f[2]!.low);
  });
  it('grows at the arrival rate while paused and is absent without run times', () => {
    const paused = backlogForecast(inputs({ paused: true, backlog: 10, arrivals15m: 15, runTimesMs: [] }))!;
    expect(paused.at(-1)!.expected).toBeCloseTo(70, 6);
    expect(backlogForecast(inputs({ backlog: 10, runTimesMs: [] }))).toBeNull();
  });
});
