/**
 * The three strategies as target positions: for each bar, whether to be long (1) or flat (0)
 * after that bar's close. Long-only. A backtest executes the target at the next bar's open; the
 * signal job reads the last bar. `score` is the number behind the decision and `values` the
 * indicator columns shown to the user.
 */
import type { Strategy, StrategyParams } from '../../../contract/job-configs.ts';
import { pctChange, rollingStd, sma } from './indicators.ts';

export interface StrategyOutput {
  /** 1 = long, 0 = flat, decided on each bar's close. */
  position: Uint8Array;
  /** The raw signal score (SMA gap, momentum %, z-score) per bar; NaN while warming up. */
  score: Float64Array;
  /** Indicator columns behind the decision, by name. */
  values: Record<string, Float64Array>;
}

/** Target positions of `strategy` over a close-price column. */
export function strategyPositions(strategy: Strategy, close: Float64Array, params: StrategyParams): StrategyOutput {
  switch (strategy) {
    case 'sma-crossover':
      return smaCrossover(close, params);
    case 'momentum':
      return momentum(close, params);
    case 'mean-reversion':
      return meanReversion(close, params);
  }
}

/** Warm-up bars a strategy needs before its first decision. */
export function warmupBars(strategy: Strategy, params: StrategyParams): number {
  return strategy === 'sma-crossover' ? params.slowWindow : params.lookback + 1;
}

/** Long while the fast SMA is above the slow SMA. Score: fast / slow − 1. */
function smaCrossover(close: Float64Array, p: StrategyParams): StrategyOutput {
  const fast = sma(close, p.fastWindow);
  const slow = sma(close, p.slowWindow);
  const position = new Uint8Array(close.length);
  const score = new Float64Array(close.length).fill(NaN);
  for (let i = 0; i < close.length; i++) {
    if (Number.isNaN(slow[i]!) || Number.isNaN(fast[i]!)) continue;
    score[i] = fast[i]! / slow[i]! - 1;
    position[i] = fast[i]! > slow[i]! ? 1 : 0;
  }
  return { position, score, values: { close, fastSma: fast, slowSma: slow } };
}

/** Long while the return over `lookback` bars is above `threshold` %. Score: that return in %. */
function momentum(close: Float64Array, p: StrategyParams): StrategyOutput {
  const change = pctChange(close, p.lookback);
  const position = new Uint8Array(close.length);
  const score = change.map((v) => v * 100);
  for (let i = 0; i < close.length; i++) position[i] = score[i]! > p.threshold ? 1 : 0;
  return { position, score, values: { close, momentumPct: score } };
}

/**
 * Buy when the close is more than `threshold` standard deviations below its `lookback` mean, hold
 * until it is back at the mean. Score: the z-score. Stateful, so it walks the bars in order.
 */
function meanReversion(close: Float64Array, p: StrategyParams): StrategyOutput {
  const mean = sma(close, p.lookback);
  const sd = rollingStd(close, p.lookback);
  const position = new Uint8Array(close.length);
  const score = new Float64Array(close.length).fill(NaN);
  let long = false;
  for (let i = 0; i < close.length; i++) {
    if (Number.isNaN(sd[i]!) || sd[i] === 0) {
      position[i] = long ? 1 : 0;
      continue;
    }
    const z = (close[i]! - mean[i]!) / sd[i]!;
    score[i] = z;
    if (!long && z < -p.threshold) long = true;
    else if (long && z >= 0) long = false;
    position[i] = long ? 1 : 0;
  }
  return { position, score, values: { close, mean, zScore: score } };
}

/** Signal strength in [0, 1] from a strategy's score: how far past its decision boundary. */
export function signalStrength(strategy: Strategy, score: number, params: StrategyParams): number {
  if (Number.isNaN(score)) return 0;
  const scale = strategy === 'sma-crossover' ? 0.05 : strategy === 'momentum' ? Math.max(2 * params.threshold, 5) : 3;
  const distance = strategy === 'momentum' ? Math.abs(score - params.threshold) : Math.abs(score);
  return Math.round(Math.min(1, distance / scale) * 1000) / 1000;
}
