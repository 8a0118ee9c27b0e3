/**
 * A sweep's parameter grid as child backtests, and the children's results as a ranked table.
 * Both are pure: the engine calls `expandSweepGrid` at submission to build the BullMQ flow (one
 * child backtest job per entry), and the sweep handler calls `rankSweepResults` once the children
 * are done. Imports nothing but the contract, so the engine can use it without the handlers.
 */
import { z } from 'zod';
import { BacktestConfig, backtestRunOf, type Strategy, StrategyParams, type SweepConfig } from '../../../contract/job-configs.ts';
import type { JobResult } from '../../../contract/jobs.ts';
import { BadInputError } from '../job-errors.ts';

export type ParamName = keyof StrategyParams;
const PARAM_ORDER: readonly ParamName[] = ['fastWindow', 'slowWindow', 'lookback', 'threshold'];

/** The parameters each strategy reads. */
export const STRATEGY_PARAMS: Record<Strategy, readonly ParamName[]> = {
  'sma-crossover': ['fastWindow', 'slowWindow'],
  momentum: ['lookback', 'threshold'],
  'mean-reversion': ['lookback', 'threshold'],
};

/** One child backtest of a sweep. */
export interface SweepChildSpec {
  /** Stable name of the parameter set, e.g. `fastWindow=5,slowWindow=50` (usable in a job id). */
  key: string;
  /** The varied parameters and their values. */
  params: Partial<StrategyParams>;
  /** The complete, parsed backtest config to submit as the child job. */
  config: BacktestConfig;
}

export interface SweepExpansion {
  children: SweepChildSpec[];
  /** Combinations that are not valid backtests (e.g. fastWindow ≥ slowWindow), with the reason. */
  skipped: { key: string; reason: string }[];
  /** Grid parameters the strategy does not read (left out so children are not duplicates). */
  ignored: ParamName[];
}

/** Name of a parameter set. */
export function paramKey(params: Partial<StrategyParams>): string {
  return PARAM_ORDER.filter((p) => params[p] !== undefined)
    .map((p) => `${p}=${params[p]}`)
    .join(',');
}

/**
 * Every combination of the grid's values as a child backtest config. Throws BadInputError when the
 * grid varies nothing the strategy reads or when no combination is a valid backtest.
 */
export function expandSweepGrid(config: SweepConfig): SweepExpansion {
  const relevant = STRATEGY_PARAMS[config.strategy];
  const varied = PARAM_ORDER.filter((p) => config.grid[p] !== undefined);
  const used = varied.filter((p) => relevant.includes(p));
  const ignored = varied.filter((p) => !relevant.includes(p));
  if (used.length === 0) {
    throw new BadInputError(`the grid varies ${varied.join(', ') || 'nothing'}, but ${config.strategy} reads ${relevant.join(' and ')}; put those in the grid`);
  }
  let combos: Partial<StrategyParams>[] = [{}];
  for (const p of used) {
    const values = [...new Set(config.grid[p]!)];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [p]: v })));
  }
  const defaults = StrategyParams.parse({});
  const children: SweepChildSpec[] = [];
  const skipped: SweepExpansion['skipped'] = [];
  for (const params of combos) {
    const key = paramKey(params);
    const parsed = BacktestConfig.safeParse({ ...backtestRunOf(config), params: { ...defaults, ...params } });
    if (parsed.success) children.push({ key, params, config: parsed.data });
    else skipped.push({ key, reason: z.prettifyError(parsed.error).replace(/\s+/g, ' ').trim() });
  }
  if (children.length === 0) {
    throw new BadInputError(`no valid parameter set in the grid (${skipped.length} combinations, e.g. ${skipped[0]?.key}: ${skipped[0]?.reason})`);
  }
  return { children, skipped, ignored };
}

/** A child's outcome as the ranking needs it. */
export interface RankInput {
  config: BacktestConfig;
  jobId?: string;
  result?: JobResult | null;
  error?: string;
}

export type RankBy = SweepConfig['rankBy'];
export const RANKED_METRICS = ['sharpe', 'totalReturn', 'cagr', 'maxDrawdown', 'trades', 'winRate'] as const;

export interface RankedSweep {
  table: { columns: string[]; rows: (string | number | boolean | null)[][] };
  best: { key: string; params: Partial<StrategyParams>; metrics: Record<string, number | null>; jobId: string | null } | null;
  completed: number;
  failed: number;
}

function metric(result: JobResult | null | undefined, name: string): number | null {
  const v = result?.metrics[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Rank children by `rankBy` (Sharpe and total return: higher first; max drawdown: lower first),
 * ties broken by Sharpe, then total return, then parameter key. Failed children come last,
 * unranked, with their error.
 */
export function rankSweepResults(strategy: Strategy, outcomes: readonly RankInput[], rankBy: RankBy): RankedSweep {
  const params = STRATEGY_PARAMS[strategy];
  const direction = rankBy === 'maxDrawdown' ? 1 : -1;
  const done = outcomes.filter((o) => o.result && metric(o.result, rankBy) !== null);
  const failed = outcomes.filter((o) => !done.includes(o));
  const keyOf = (o: RankInput) => paramKey(Object.fromEntries(params.map((p) => [p, o.config.params[p]])));
  const cmp = (a: number | null, b: number | null) => (a ?? -Infinity) - (b ?? -Infinity);
  done.sort(
    (a, b) =>
      direction * cmp(metric(a.result, rankBy), metric(b.result, rankBy)) ||
      -cmp(metric(a.result, 'sharpe'), metric(b.result, 'sharpe')) ||
      -cmp(metric(a.result, 'totalReturn'), metric(b.result, 'totalReturn')) ||
      (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0),
  );
  const columns = ['rank', ...params, ...RANKED_METRICS, 'jobId', 'error'];
  const rows = [
    ...done.map((o, i) => [i + 1, ...params.map((p) => o.config.params[p]), ...RANKED_METRICS.map((m) => metric(o.result, m)), o.jobId ?? null, null]),
    ...failed.map((o) => [null, ...params.map((p) => o.config.params[p]), ...RANKED_METRICS.map(() => null), o.jobId ?? null, o.error ?? 'no result']),
  ];
  const top = done[0];
  return {
    table: { columns, rows },
    best: top
      ? {
          key: keyOf(top),
          params: Object.fromEntries(params.map((p) => [p, top.config.params[p]])),
          metrics: Object.fromEntries(RANKED_METRICS.map((m) => [m, metric(top.result, m)])),
          jobId: top.jobId ?? null,
        }
      : null,
    completed: done.length,
    failed: failed.length,
  };
}
