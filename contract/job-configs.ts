/**
 * Job configurations: one zod schema per job type. The cluster validates a submission's `config`
 * with these (400 with field errors, nothing enqueued), and the desktop's Submit job form uses them
 * for its fields and messages. Every field has a default, so `{}` is a valid config for every type;
 * unknown fields are rejected (a typo must not be silently ignored).
 */
import { z } from 'zod';
import type { JobType } from './domain.ts';

/** Symbols present in the cluster's seeded market data, used as defaults. */
export const DEFAULT_SYMBOLS = ['ALPH', 'BRVO', 'CHRL'] as const;

const Symbol = z
  .string()
  .regex(/^[A-Z][A-Z0-9.]{0,9}$/, 'a ticker: 1–10 capital letters or digits, starting with a letter');
const Symbols = z.array(Symbol).min(1, 'at least one symbol').max(100, 'at most 100 symbols');
const IsoDay = z.iso.date('a date as YYYY-MM-DD');

export const STRATEGIES = ['sma-crossover', 'momentum', 'mean-reversion'] as const;
export const Strategy = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof Strategy>;
export const STRATEGY_LABELS: Record<Strategy, string> = {
  'sma-crossover': 'SMA crossover',
  momentum: 'Momentum',
  'mean-reversion': 'Mean reversion',
};

/**
 * The values each strategy parameter may take. A backtest's `params` and a sweep's `grid` share
 * them, so every value a sweep accepts is one its child backtests accept.
 */
const StrategyParamValue = {
  fastWindow: z.int().min(2).max(250),
  slowWindow: z.int().min(3).max(500),
  lookback: z.int().min(2).max(500),
  threshold: z.number().min(0).max(100),
};

/** Strategy parameters; each strategy reads the ones it needs. */
export const StrategyParams = z.strictObject({
  /** Fast moving-average window (SMA crossover), in trading days. */
  fastWindow: StrategyParamValue.fastWindow.default(10),
  /** Slow moving-average window (SMA crossover), in trading days. */
  slowWindow: StrategyParamValue.slowWindow.default(50),
  /** Look-back window (momentum, mean reversion), in trading days. */
  lookback: StrategyParamValue.lookback.default(20),
  /** Entry threshold: momentum return in % (momentum) or z-score (mean reversion). */
  threshold: StrategyParamValue.threshold.default(1),
});
export type StrategyParams = z.infer<typeof StrategyParams>;

function dateRangeOk(v: { start: string; end: string }): boolean {
  return v.start < v.end;
}
const dateRangeIssue = { message: 'start must be before end', path: ['end'] };

/**
 * What a backtest runs on besides its strategy parameters. BacktestConfig and SweepConfig are both
 * built from these fields, so a sweep accepts exactly what its child backtests accept and passes
 * every one of them on (`backtestRunOf`): a bound changed here changes both.
 */
const backtestRunFields = {
  strategy: Strategy.default('sma-crossover'),
  symbols: Symbols.default([...DEFAULT_SYMBOLS]),
  start: IsoDay.default('2018-01-02'),
  end: IsoDay.default('2023-12-29'),
  /** Starting capital in account currency. */
  capital: z.number().positive().max(1e12).default(100_000),
  /** Round-trip cost per trade side in basis points. */
  costBps: z.number().min(0).max(1000).default(5),
};
type BacktestRunKey = keyof typeof backtestRunFields;
const BACKTEST_RUN_KEYS = Object.keys(backtestRunFields) as BacktestRunKey[];

export const BacktestConfig = z
  .strictObject({
    ...backtestRunFields,
    params: StrategyParams.default(StrategyParams.parse({})),
  })
  .refine(dateRangeOk, dateRangeIssue)
  .refine((v) => v.strategy !== 'sma-crossover' || v.params.fastWindow < v.params.slowWindow, {
    message: 'fastWindow must be smaller than slowWindow',
    path: ['params', 'fastWindow'],
  });
export type BacktestConfig = z.infer<typeof BacktestConfig>;

export const FEATURES = ['returns', 'sma', 'rsi', 'volatility'] as const;

export const MatrixBuildConfig = z
  .strictObject({
    symbols: Symbols.default([...DEFAULT_SYMBOLS]),
    start: IsoDay.default('2015-01-02'),
    end: IsoDay.default('2023-12-29'),
    features: z.array(z.enum(FEATURES)).min(1).default([...FEATURES]),
    /** Label: sign of the forward return over this many trading days. */
    horizonDays: z.int().min(1).max(60).default(5),
  })
  .refine(dateRangeOk, dateRangeIssue);
export type MatrixBuildConfig = z.infer<typeof MatrixBuildConfig>;

export const TrainingConfig = z
  .strictObject({
    /** A completed matrix-build job whose matrix to train on; without it the matrix is built inline. */
    matrixJobId: z.string().min(1).max(200).optional(),
    symbols: Symbols.default([...DEFAULT_SYMBOLS]),
    start: IsoDay.default('2015-01-02'),
    end: IsoDay.default('2023-12-29'),
    horizonDays: z.int().min(1).max(60).default(5),
    model: z.enum(['logistic-regression']).default('logistic-regression'),
    /** Passes over the training set; each epoch reports progress with its loss. */
    epochs: z.int().min(1).max(1_000_000).default(50),
    learningRate: z.number().positive().max(10).default(0.1),
    l2: z.number().min(0).max(10).default(0.001),
    validationSplit: z.number().min(0.05).max(0.5).default(0.2),
    /**
     * Pause between epochs in ms, to model a heavier model on this small data (up to an hour, so a
     * slow epoch can outlast the stuck threshold).
     */
    epochDelayMs: z.int().min(0).max(3_600_000).default(0),
    /**
     * Lagged copies of each feature added as extra columns (0 = none). Memory grows with
     * rows × features × (lags + 1); a request past the worker's matrix limit fails up front.
     */
    lags: z.int().min(0).max(250).default(0),
  })
  .refine(dateRangeOk, dateRangeIssue);
export type TrainingConfig = z.infer<typeof TrainingConfig>;

/** A sweep's values for one strategy parameter: 1 to 50 of them, each a valid value of it. */
function gridValues<T extends z.ZodType>(value: T) {
  return z.array(value).min(1).max(50).optional();
}

export const SweepConfig = z
  .strictObject({
    ...backtestRunFields,
    /** Values to try per strategy parameter; the sweep runs every combination as a child backtest. */
    grid: z
      .strictObject({
        fastWindow: gridValues(StrategyParamValue.fastWindow),
        slowWindow: gridValues(StrategyParamValue.slowWindow),
        lookback: gridValues(StrategyParamValue.lookback),
        threshold: gridValues(StrategyParamValue.threshold),
      })
      .default({ fastWindow: [5, 10, 20], slowWindow: [50, 100] }),
    rankBy: z.enum(['sharpe', 'totalReturn', 'maxDrawdown']).default('sharpe'),
  })
  .refine(dateRangeOk, dateRangeIssue)
  .refine((v) => gridSize(v.grid) <= 200, { message: 'the grid has more than 200 combinations', path: ['grid'] });
export type SweepConfig = z.infer<typeof SweepConfig>;

/** What each child backtest of a sweep runs on: every run field of the sweep (all but grid and ranking). */
export function backtestRunOf(config: SweepConfig): Pick<BacktestConfig, BacktestRunKey> {
  return Object.fromEntries(BACKTEST_RUN_KEYS.map((key) => [key, config[key]])) as Pick<BacktestConfig, BacktestRunKey>;
}

/** Number of parameter combinations a sweep grid describes. */
export function gridSize(grid: Partial<Record<string, readonly unknown[] | undefined>>): number {
  return Object.values(grid).reduce<number>((n, values) => n * (values?.length ?? 1), 1);
}

export const SignalConfig = z.strictObject({
  strategy: Strategy.default('sma-crossover'),
  symbols: Symbols.default([...DEFAULT_SYMBOLS]),
  /** Signals as of this day (default: the last day with data). */
  asOf: IsoDay.optional(),
  params: StrategyParams.default(StrategyParams.parse({})),
});
export type SignalConfig = z.infer<typeof SignalConfig>;

export const ReportConfig = z.strictObject({
  kind: z.enum(['jobs-summary', 'sweep-results']).default('jobs-summary'),
  /** For `sweep-results`: the sweep job to report on. */
  sourceJobId: z.string().min(1).max(200).optional(),
  formats: z.array(z.enum(['csv', 'json', 'pdf'])).min(1).default(['csv', 'json']),
  /** For `jobs-summary`: finished jobs of the last N hours. */
  sinceHours: z.int().min(1).max(24 * 366).default(24),
});
export type ReportConfig = z.infer<typeof ReportConfig>;

/** The config schema of each job type. */
export const JOB_CONFIG_SCHEMAS = {
  backtest: BacktestConfig,
  training: TrainingConfig,
  sweep: SweepConfig,
  'matrix-build': MatrixBuildConfig,
  signal: SignalConfig,
  report: ReportConfig,
} as const satisfies Record<JobType, z.ZodType>;

export type JobConfigOf<T extends JobType> = z.infer<(typeof JOB_CONFIG_SCHEMAS)[T]>;
