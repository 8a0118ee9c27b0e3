/**
 * `--sample-workload`: keeps a demo cluster alive with a realistic mix of jobs from a dozen named
 * users, so a newcomer sees queues, progress, failures and a stuck job without writing any.
 *
 * - Mostly successes: backtests of the three strategies, signals, matrix builds, trainings, sweeps
 *   (flows with child backtests) and job summaries, with varied priorities.
 * - Real failures, about one job in eight: a backtest on a symbol the market data does not have
 *   ("data not available"), a training far past the worker's matrix limit, a report on a job id
 *   that does not exist — the handlers fail them for real.
 * - Now and then a long training whose epochs take longer than the stuck threshold, so it turns
 *   `stuck` between epochs (and an admin can force-stop it). At most one at a time.
 *
 * The pace follows the queue: a new job every few seconds while fewer than `maxPending` wait, so a
 * small queue stays alive without flooding. Deterministic for a given seed (tests).
 */
import type { SubmitJobRequest } from '../../contract/api.ts';
import type { Priority } from '../../contract/domain.ts';
import { ListJobsQuery } from '../../contract/api.ts';
import { SeededRandom } from '../../contract/seeded-random.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import type { Actor } from '../engine/job-engine.ts';
import { UNIVERSE_SYMBOLS } from '../jobs/market-data/synthetic-universe.ts';

export const SAMPLE_USERS = ['amara.okafor', 'ben.liu', 'carla.mendes', 'dmitri.volkov', 'elena.rossi', 'farid.haddad', 'greta.lind', 'hiro.tanaka', 'ines.garcia', 'jonas.berg', 'kavya.rao', 'liam.walsh'] as const;

const ACTOR: Actor = { name: 'sample-workload', role: 'operator', sourceAddress: 'cluster' };

export interface SampleWorkloadOptions {
  engine: BullJobEngine;
  stuckAfterMs: number;
  /** Time between submissions while the queue is short (default 4 s). */
  intervalMs?: number;
  /** Stop adding while this many jobs wait (default 12). */
  maxPending?: number;
  seed?: number;
  note?: (line: string) => void;
}

export interface SampleWorkload {
  /** Jobs submitted so far. */
  readonly submitted: number;
  /** Submit the next job now (tests). */
  tick(): Promise<SubmitJobRequest | null>;
  stop(): Promise<void>;
}

type Kind = { weight: number; make: (r: () => number, ctx: { stuckAfterMs: number }) => Omit<SubmitJobRequest, 'user' | 'priority'> | null };

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const symbols = (r: () => number, n: number) => [...new Set(Array.from({ length: n }, () => pick(r, UNIVERSE_SYMBOLS)))];
const year = (r: () => number, from: number, to: number) => from + Math.floor(r() * (to - from + 1));

/**
 * The mix: weights are relative frequencies. Sizes are chosen so that a few jobs run and a short
 * queue waits most of the time: backtests over 5–20 symbols and 6–12 years, sweeps of 6–16
 * parameter points (each a child backtest), matrix builds and signals over wide universes, and
 * trainings of hundreds of epochs whose pace (`epochDelayMs`) keeps them running for tens of seconds
 * while mostly waiting, so the CPU cost stays what a laptop tolerates.
 */
export const SAMPLE_KINDS: Record<string, Kind> = {
  backtest: {
    weight: 30,
    make: (r) => {
      const strategy = pick(r, ['sma-crossover', 'momentum', 'mean-reversion'] as const);
      const start = year(r, 2012, 2017);
      return { type: 'backtest', config: { strategy, symbols: symbols(r, 5 + Math.floor(r() * 16)), start: `${start}-01-03`, end: `${Math.min(2024, start + 6 + Math.floor(r() * 7))}-12-27` } };
    },
  },
  signal: { weight: 18, make: (r) => ({ type: 'signal', config: { strategy: pick(r, ['sma-crossover', 'momentum', 'mean-reversion'] as const), symbols: symbols(r, 10 + Math.floor(r() * 16)) } }) },
  'matrix-build': {
    weight: 10,
    make: (r) => ({ type: 'matrix-build', config: { symbols: symbols(r, 6 + Math.floor(r() * 10)), start: `${year(r, 2012, 2015)}-01-05`, end: '2024-12-27', horizonDays: pick(r, [1, 5, 10]) } }),
  },
  training: {
    weight: 10,
    make: (r) => ({
      type: 'training',
      config: { symbols: symbols(r, 4 + Math.floor(r() * 7)), start: `${year(r, 2012, 2016)}-01-05`, end: '2024-12-27', epochs: 150 + Math.floor(r() * 250), epochDelayMs: 60 + Math.floor(r() * 140) },
    }),
  },
  sweep: {
    weight: 6,
    make: (r) => ({
      type: 'sweep',
      config: {
        strategy: 'sma-crossover',
        symbols: symbols(r, 3 + Math.floor(r() * 4)),
        grid: { fastWindow: [5, 10, 15, 20].slice(0, 3 + Math.floor(r() * 2)), slowWindow: [50, 100, 150, 200].slice(0, 2 + Math.floor(r() * 3)) },
      },
    }),
  },
  report: { weight: 4, make: () => ({ type: 'report', config: { kind: 'jobs-summary', sinceHours: 24, formats: ['csv', 'json'] } }) },
  // Real failures.
  'unknown-symbol': { weight: 6, make: (r) => ({ type: 'backtest', config: { symbols: [pick(r, ['ZZZT', 'QQQX', 'NOPE'] as const), pick(r, UNIVERSE_SYMBOLS)] } }) },
  'oversized-training': { weight: 3, make: (r) => ({ type: 'training', config: { symbols: symbols(r, 20), start: '2012-01-03', end: '2024-12-31', lags: 250, epochs: 5 } }) },
  'missing-source': { weight: 2, make: () => ({ type: 'report', config: { kind: 'sweep-results', sourceJobId: 'sweep-does-not-exist' } }) },
  // A long job whose epochs outlast the stuck threshold.
  'slow-training': {
    weight: 1,
    make: (_r, ctx) => (ctx.stuckAfterMs + 30_000 <= 3_600_000 ? { type: 'training', config: { epochs: 4, epochDelayMs: ctx.stuckAfterMs + 30_000 } } : null),
  },
};

/**
 * A job's expected work in symbol-years of bars processed (training epochs count as passes over
 * their rows), so mixes can be compared without running them.
 */
export function expectedWork(request: Pick<SubmitJobRequest, 'type' | 'config'>): number {
  const c = request.config as { symbols?: string[]; start?: string; end?: string; epochs?: number; grid?: Record<string, unknown[]> };
  const n = c.symbols?.length ?? 8;
  const years = c.start && c.end ? Math.max(0.25, (Date.parse(c.end) - Date.parse(c.start)) / (365.25 * 86400_000)) : request.type === 'signal' ? 1 : 6;
  switch (request.type) {
    case 'backtest':
    case 'matrix-build':
      return n * years;
    case 'signal':
      return n;
    case 'training':
      return n * years * (c.epochs ?? 50) / 50;
    case 'sweep':
      return n * 6 * Object.values(c.grid ?? {}).reduce((a, v) => a * v.length, 1);
    default:
      return 1;
  }
}

const PRIORITY_MIX: readonly Priority[] = ['normal', 'normal', 'normal', 'normal', 'high', 'high', 'low', 'low', 'low', 'critical'];

/** The next request of the mix (pure, for tests). */
export function nextSampleRequest(r: () => number, ctx: { stuckAfterMs: number; slowRunning: boolean }): SubmitJobRequest | null {
  const kinds = Object.entries(SAMPLE_KINDS).filter(([name]) => !(name === 'slow-training' && ctx.slowRunning));
  const total = kinds.reduce((a, [, k]) => a + k.weight, 0);
  let x = r() * total;
  for (const [, kind] of kinds) {
    x -= kind.weight;
    if (x > 0) continue;
    const made = kind.make(r, ctx);
    if (!made) return null;
    return { ...made, user: pick(r, SAMPLE_USERS), priority: pick(r, PRIORITY_MIX) } as SubmitJobRequest;
  }
  return null;
}

export function startSampleWorkload(options: SampleWorkloadOptions): SampleWorkload {
  const { engine } = options;
  const note = options.note ?? (() => undefined);
  const rng = new SeededRandom(options.seed ?? Date.now());
  const r = () => rng.next();
  const maxPending = options.maxPending ?? 12;
  let submitted = 0;
  let slowJob: string | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function slowRunning(): Promise<boolean> {
    if (!slowJob) return false;
    const job = await engine.getJob(slowJob).catch(() => null);
    if (!job || ['completed', 'failed', 'cancelled'].includes(job.state)) slowJob = null;
    return slowJob !== null;
  }

  async function tick(): Promise<SubmitJobRequest | null> {
    const pending = await engine.listJobs(ListJobsQuery.parse({ state: ['pending'], limit: maxPending }));
    if (pending.items.length >= maxPending) return null;
    const request = nextSampleRequest(r, { stuckAfterMs: options.stuckAfterMs, slowRunning: await slowRunning() });
    if (!request) return null;
    const job = await engine.submit(request, ACTOR);
    submitted++;
    if (request.type === 'training' && ((request.config as { epochDelayMs?: number }).epochDelayMs ?? 0) > options.stuckAfterMs) slowJob = job.id;
    return request;
  }

  note(`sample workload: submitting a mix of jobs from ${SAMPLE_USERS.length} users every ~${Math.round((options.intervalMs ?? 4000) / 1000)} s while fewer than ${maxPending} wait`);
  const timer = setInterval(() => {
    if (stopped) return;
    chain = chain.then(tick).catch((e: unknown) => note(`sample workload: ${(e as Error).message}`));
  }, options.intervalMs ?? 4_000);
  timer.unref();
  return {
    get submitted() {
      return submitted;
    },
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain.catch(() => undefined);
    },
  };
}

