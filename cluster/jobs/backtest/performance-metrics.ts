/**
 * Performance figures of an equity curve: total return, CAGR, annualised Sharpe ratio (daily
 * returns, 252 days, zero risk-free rate), maximum drawdown, and trade statistics.
 */
import { daysBetween } from '../market-data/trading-calendar.ts';
import type { Trade } from './backtest-simulation.ts';

export interface PerformanceMetrics {
  totalReturn: number;
  /** Compound annual growth over the calendar time from first to last bar; null when under a day. */
  cagr: number | null;
  sharpe: number;
  /** Largest peak-to-trough fall of equity, as a positive fraction. */
  maxDrawdown: number;
  trades: number;
  /** Share of trades with a positive net pnl; null when there were no trades. */
  winRate: number | null;
}

/** Daily simple returns of an equity curve (one fewer than its points). */
export function dailyReturns(equity: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) out[i - 1] = equity[i]! / equity[i - 1]! - 1;
  return out;
}

/** Annualised Sharpe ratio: mean / sample standard deviation of daily returns × √252 (0 when flat). */
export function sharpeRatio(returns: Float64Array): number {
  if (returns.length < 2) return 0;
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= returns.length;
  let ss = 0;
  for (const r of returns) ss += (r - mean) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  return sd < 1e-12 ? 0 : (mean / sd) * Math.sqrt(252);
}

/** Drawdown at each point (1 − equity / running peak, the peak starting at `capital`). */
export function drawdowns(equity: Float64Array, capital: number): Float64Array {
  let peak = capital;
  return equity.map((e) => {
    peak = Math.max(peak, e);
    return 1 - e / peak;
  });
}

/** The metrics of a run that started with `capital`. */
export function performanceMetrics(dates: readonly string[], equity: Float64Array, capital: number, trades: readonly Trade[]): PerformanceMetrics {
  const final = equity[equity.length - 1] ?? capital;
  const years = dates.length > 1 ? daysBetween(dates[0]!, dates[dates.length - 1]!) / 365.25 : 0;
  const wins = trades.filter((t) => t.pnl > 0).length;
  return {
    totalReturn: final / capital - 1,
    cagr: years > 0 ? (final / capital) ** (1 / years) - 1 : null,
    sharpe: sharpeRatio(dailyReturns(equity)),
    maxDrawdown: drawdowns(equity, capital).reduce((m, d) => Math.max(m, d), 0),
    trades: trades.length,
    winRate: trades.length > 0 ? wins / trades.length : null,
  };
}
