/**
 * Test-only: a queue's load as a cluster would report it, computed from a fake cluster's jobs with
 * the same rules in simple form (the real model is the cluster's): idle with nothing ready, growing
 * while paused with jobs waiting or when arrivals outrun capacity, not enough data below five
 * finished jobs, otherwise draining at (capacity − arrivals). The backlog history is counted from
 * the jobs' own times, so charts in browser mode show what the jobs did.
 */
import type { BacklogSample, CachedJob, QueueLoadView } from '../../contract/admin-api.ts';
import type { JobType } from '../../contract/domain.ts';
import { DEFAULT_WAIT_TARGET_MS, type BacklogForecastPoint, type LoadWhatIf, type QueueLoad } from '../../contract/load.ts';

const MINUTE = 60_000;
const MIN_RUN_SAMPLES = 5;
/** The 95th percentile of a normal: the fake's wait spread and forecast band. */
const Z95 = 1.645;

interface Inputs {
  paused: boolean;
  concurrency: number;
  busy: number;
  backlog: number;
  arrivals15m: number;
  completions15m: number;
  arrivals60m: number;
  completions60m: number;
  meanRunMs: number | null;
  runSamples: number;
}

function inputsOf(jobs: readonly CachedJob[], type: JobType, now: number, paused: boolean, concurrency: number): Inputs {
  const mine = jobs.filter((j) => j.type === type);
  const since = (iso: string | null | undefined, ms: number) => iso !== null && iso !== undefined && now - Date.parse(iso) <= ms;
  const finished = mine.filter((j) => (j.state === 'completed' || j.state === 'failed') && j.durationMs !== null);
  const runs = finished.map((j) => j.durationMs!).slice(0, 500);
  return {
    paused,
    concurrency,
    busy: mine.filter((j) => j.state === 'running').length,
    backlog: mine.filter((j) => j.state === 'pending' && (!j.runAt || Date.parse(j.runAt) <= now)).length,
    arrivals15m: mine.filter((j) => since(j.createdAt, 15 * MINUTE)).length,
    completions15m: finished.filter((j) => since(j.finishedAt, 15 * MINUTE)).length,
    arrivals60m: mine.filter((j) => since(j.createdAt, 60 * MINUTE)).length,
    completions60m: finished.filter((j) => since(j.finishedAt, 60 * MINUTE)).length,
    meanRunMs: runs.length >= MIN_RUN_SAMPLES ? runs.reduce((a, b) => a + b, 0) / runs.length : null,
    runSamples: runs.length,
  };
}

type Shape = Pick<LoadWhatIf, 'status' | 'drainSeconds' | 'predictedWaitMs' | 'predictedWaitP95Ms' | 'utilisation'>;

function shapeOf(i: Inputs, servers: number): Shape {
  const arrivalPerMs = i.arrivals15m / (15 * MINUTE);
  const utilisation = i.meanRunMs !== null && servers > 0 ? (arrivalPerMs * i.meanRunMs) / servers : null;
  const none = { predictedWaitMs: null, predictedWaitP95Ms: null, utilisation };
  if (i.backlog === 0 && !(i.paused && arrivalPerMs > 0)) {
    const free = servers - i.busy > 0;
    return { status: 'idle', drainSeconds: 0, predictedWaitMs: free ? 0 : null, predictedWaitP95Ms: free ? 0 : null, utilisation };
  }
  if (i.paused || servers === 0) return { status: 'growing', drainSeconds: null, ...none };
  if (i.meanRunMs === null) return { status: 'insufficient-data', drainSeconds: null, ...none };
  const wait = (Math.max(0, i.backlog + 1 - Math.max(0, servers - i.busy)) * i.meanRunMs) / servers;
  const waits = { predictedWaitMs: wait, predictedWaitP95Ms: wait * 1.6 };
  const net = servers / i.meanRunMs - arrivalPerMs;
  if (net <= 0) return { status: 'growing', drainSeconds: null, ...waits, utilisation };
  return { status: 'draining', drainSeconds: i.backlog / net / 1000, ...waits, utilisation };
}

function recommended(i: Inputs, targetMs: number): number | null {
  if (i.meanRunMs === null) return null;
  const offered = (i.arrivals15m / (15 * MINUTE)) * i.meanRunMs;
  // Enough servers that the steady backlog's wait (about one run time spread over the spare servers) meets the target.
  for (let c = Math.max(1, Math.ceil(offered)); c <= 1000; c++) {
    if (c > offered && i.meanRunMs / (c - offered) / 2 <= targetMs) return c;
  }
  return null;
}

/** The load of every queue, for QueueMetrics.load. */
export function fakeQueueLoad(jobs: readonly CachedJob[], type: JobType, now: number, paused: boolean, concurrency: number, targetMs = DEFAULT_WAIT_TARGET_MS): QueueLoad {
  const i = inputsOf(jobs, type, now, paused, concurrency);
  return {
    ...shapeOf(i, concurrency),
    arrivalPerMin: i.arrivals15m / 15,
    completionPerMin: i.completions15m / 15,
    growthPerMin: (i.arrivals15m - i.completions15m) / 15,
    growthPerMinHour: (i.arrivals60m - i.completions60m) / 60,
    busy: i.busy,
    concurrency,
    backlog: i.backlog,
    meanRunMs: i.meanRunMs,
    runTimeScv: i.meanRunMs === null ? null : 1,
    runSamples: i.runSamples,
    recommendedConcurrency: recommended(i, targetMs),
    waitTargetMs: targetMs,
  };
}

function forecastOf(i: Inputs): BacklogForecastPoint[] | null {
  const stopped = i.paused || i.concurrency === 0;
  if (i.meanRunMs === null && !stopped) return null;
  const arrivalPerMin = i.arrivals15m / 15;
  const capacityPerMin = stopped || i.meanRunMs === null ? 0 : (i.concurrency * MINUTE) / i.meanRunMs;
  const points: BacklogForecastPoint[] = [];
  for (let t = 0; t <= 60; t += 5) {
    const expected = Math.max(0, i.backlog + (arrivalPerMin - capacityPerMin) * t);
    const spread = Z95 * Math.sqrt(arrivalPerMin * t + capacityPerMin * t);
    points.push({ minutes: t, expected, low: Math.max(0, expected - spread), high: expected + spread });
  }
  return points;
}

/** The backlog each minute of the last hour: jobs of the type created by then and not yet started. */
export function backlogHistory(jobs: readonly CachedJob[], type: JobType, now: number): BacklogSample[] {
  const mine = jobs.filter((j) => j.type === type);
  const out: BacklogSample[] = [];
  for (let m = 60; m >= 0; m--) {
    const t = Math.floor(now / MINUTE) * MINUTE - m * MINUTE;
    const backlog = mine.filter((j) => Date.parse(j.createdAt) <= t && (j.startedAt ? Date.parse(j.startedAt) > t : j.state === 'pending')).length;
    out.push({ at: new Date(t).toISOString(), backlog });
  }
  return out;
}

/** What getQueueLoad answers for one queue of a fake cluster. */
export function fakeQueueLoadView(
  jobs: readonly CachedJob[],
  type: JobType,
  now: number,
  control: { paused: boolean; concurrency: number; online: boolean },
  query: { concurrency?: number; targetMs?: number },
): QueueLoadView {
  const targetMs = query.targetMs ?? DEFAULT_WAIT_TARGET_MS;
  const i = inputsOf(jobs, type, now, control.paused, control.concurrency);
  const load = fakeQueueLoad(jobs, type, now, control.paused, control.concurrency, targetMs);
  const whatIf = query.concurrency === undefined ? null : { concurrency: query.concurrency, ...shapeOf({ ...i, concurrency: query.concurrency }, query.concurrency) };
  return {
    at: new Date(now).toISOString(),
    load,
    whatIf: control.online ? whatIf : null,
    forecast: control.online ? forecastOf(i) : null,
    history: backlogHistory(jobs, type, now),
    fromCache: !control.online,
  };
}
