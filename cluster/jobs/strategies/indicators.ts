/**
 * Technical indicators over a price column. Each returns an array as long as its input with NaN
 * where the window is incomplete, and uses only values up to and including the same bar — so a
 * signal computed on a bar's close never sees a later bar.
 */

/** Simple moving average over `window` bars. */
export function sma(values: Float64Array, window: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    if (i >= window - 1) out[i] = sum / window;
  }
  return out;
}

/** Sample standard deviation over `window` bars (two-pass per window for numerical stability). */
export function rollingStd(values: Float64Array, window: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  if (window < 2) return out;
  for (let i = window - 1; i < values.length; i++) {
    let mean = 0;
    for (let j = i - window + 1; j <= i; j++) mean += values[j]!;
    mean /= window;
    let ss = 0;
    for (let j = i - window + 1; j <= i; j++) ss += (values[j]! - mean) ** 2;
    out[i] = Math.sqrt(ss / (window - 1));
  }
  return out;
}

/** Simple return over `lag` bars: v[i] / v[i − lag] − 1. */
export function pctChange(values: Float64Array, lag: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = lag; i < values.length; i++) out[i] = values[i]! / values[i - lag]! - 1;
  return out;
}

/** Wilder's relative strength index over `period` bars, 0–100. */
export function rsi(close: Float64Array, period = 14): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  if (close.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = close[i]! - close[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  for (let i = period + 1; i < close.length; i++) {
    const d = close[i]! - close[i - 1]!;
    gain = (gain * (period - 1) + Math.max(d, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-d, 0)) / period;
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

/** Annualised volatility of daily returns over `window` bars (252 trading days a year). */
export function annualisedVolatility(close: Float64Array, window: number): Float64Array {
  return rollingStd(pctChange(close, 1), window).map((v) => v * Math.sqrt(252));
}
