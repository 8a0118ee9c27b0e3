/**
 * The backtest simulation, pure and synchronous: an equal-weight portfolio of per-symbol sleeves.
 * Each sleeve starts with capital / N, follows its strategy's target position (decided on a bar's
 * close, executed at the next bar's open — no look-ahead), pays `costBps` on the traded notional of
 * every buy and sell, and is liquidated at the last bar's close so the final equity is net of
 * costs. Sleeves are not rebalanced against each other.
 */
import type { BarSeries } from '../market-data/bar-series.ts';

/** One symbol's input: its bars, the range [from, to] to simulate, and the target positions. */
export interface SleeveInput {
  series: BarSeries;
  from: number;
  to: number;
  /** Target position after each bar's close (indexes of `series`). */
  position: Uint8Array;
}

/** A round trip: bought at an open, sold at a later open (signal) or the last close (end). */
export interface Trade {
  symbol: string;
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  shares: number;
  /** Net of both sides' costs. */
  pnl: number;
  /** pnl / cash committed at entry (including the entry cost). */
  returnPct: number;
  barsHeld: number;
  exitReason: 'signal' | 'end';
}

export interface SimulationResult {
  dates: string[];
  equity: Float64Array;
  /** Fraction of equity held in positions at each close. */
  exposure: Float64Array;
  trades: Trade[];
  costsPaid: number;
}

interface SleevePath {
  dates: string[];
  value: Float64Array;
  invested: Float64Array;
  trades: Trade[];
  costs: number;
}

function simulateSleeve(input: SleeveInput, capital: number, cost: number): SleevePath {
  const { series, from, to, position } = input;
  const n = to - from + 1;
  const value = new Float64Array(n);
  const invested = new Float64Array(n);
  const trades: Trade[] = [];
  let cash = capital;
  let shares = 0;
  let costs = 0;
  let entry: { date: string; price: number; committed: number; index: number } | null = null;
  const exit = (i: number, price: number, reason: Trade['exitReason']): void => {
    const gross = shares * price;
    const fee = gross * cost;
    cash += gross - fee;
    costs += fee;
    const pnl = gross - fee - entry!.committed;
    trades.push({
      symbol: series.symbol,
      entryDate: entry!.date,
      entryPrice: entry!.price,
      exitDate: series.dates[i]!,
      exitPrice: price,
      shares,
      pnl,
      returnPct: pnl / entry!.committed,
      barsHeld: i - entry!.index,
      exitReason: reason,
    });
    shares = 0;
    entry = null;
  };
  for (let i = from; i <= to; i++) {
    if (i > from) {
      // Yesterday's close decided today's position; trade at today's open.
      const target = position[i - 1]!;
      const open = series.open[i]!;
      if (target === 1 && shares === 0) {
        shares = cash / (open * (1 + cost));
        const fee = shares * open * cost;
        costs += fee;
        entry = { date: series.dates[i]!, price: open, committed: cash, index: i };
        cash = 0;
      } else if (target === 0 && shares > 0) {
        exit(i, open, 'signal');
      }
    }
    if (i === to && shares > 0) exit(i, series.close[i]!, 'end');
    value[i - from] = cash + shares * series.close[i]!;
    invested[i - from] = shares * series.close[i]!;
  }
  return { dates: series.dates.slice(from, to + 1), value, invested, trades, costs };
}

/** Run the equal-weight portfolio over the union of the sleeves' dates. */
export function simulatePortfolio(inputs: readonly SleeveInput[], capital: number, costBps: number): SimulationResult {
  const cost = costBps / 10_000;
  const sleeveCapital = capital / inputs.length;
  const paths = inputs.map((input) => simulateSleeve(input, sleeveCapital, cost));
  const dates = [...new Set(paths.flatMap((p) => p.dates))].sort();
  const equity = new Float64Array(dates.length);
  const investedTotal = new Float64Array(dates.length);
  for (const path of paths) {
    // Carry a sleeve's last value over days it has no bar (holidays of its own calendar).
    let j = -1;
    for (let d = 0; d < dates.length; d++) {
      while (j + 1 < path.dates.length && path.dates[j + 1]! <= dates[d]!) j++;
      equity[d] = equity[d]! + (j < 0 ? sleeveCapital : path.value[j]!);
      investedTotal[d] = investedTotal[d]! + (j < 0 ? 0 : path.invested[j]!);
    }
  }
  const exposure = equity.map((e, d) => (e > 0 ? investedTotal[d]! / e : 0));
  const trades = paths.flatMap((p) => p.trades).sort((a, b) => (a.entryDate < b.entryDate ? -1 : a.entryDate > b.entryDate ? 1 : a.symbol < b.symbol ? -1 : 1));
  return { dates, equity, exposure, trades, costsPaid: paths.reduce((s, p) => s + p.costs, 0) };
}
