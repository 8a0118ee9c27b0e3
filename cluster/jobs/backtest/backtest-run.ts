/**
 * A backtest as three plain functions — load, signal, simulate — shared by the backtest handler
 * (which reports a step around each) and by a sweep run inline.
 */
import type { BacktestConfig } from '../../../contract/job-configs.ts';
import type { BarSeries } from '../market-data/bar-series.ts';
import type { MarketDataProvider } from '../market-data/market-data-provider.ts';
import { strategyPositions } from '../strategies/strategy-positions.ts';
import { type SimulationResult, type SleeveInput, simulatePortfolio } from './backtest-simulation.ts';
import { type PerformanceMetrics, performanceMetrics } from './performance-metrics.ts';

export interface LoadedSymbol {
  series: BarSeries;
  from: number;
  to: number;
}

export interface BacktestOutcome {
  simulation: SimulationResult;
  metrics: PerformanceMetrics;
  /** Equal-weight buy-and-hold of the same symbols over the same bars, before costs. */
  benchmarkReturn: number;
}

/** Load each symbol's bars for the config's range (fails with "data not available" per symbol). */
export async function loadBacktestData(config: Pick<BacktestConfig, 'symbols' | 'start' | 'end'>, market: MarketDataProvider, onSymbol?: (done: number, symbol: string) => void): Promise<LoadedSymbol[]> {
  const loaded: LoadedSymbol[] = [];
  for (const symbol of config.symbols) {
    loaded.push(await market.loadRange(symbol, config.start, config.end));
    onSymbol?.(loaded.length, symbol);
  }
  return loaded;
}

/** Target positions for each loaded symbol (computed over its full history: warm-up included). */
export function computeSignals(config: Pick<BacktestConfig, 'strategy' | 'params'>, loaded: readonly LoadedSymbol[]): SleeveInput[] {
  return loaded.map((l) => ({ ...l, position: strategyPositions(config.strategy, l.series.close, config.params).position }));
}

/** Simulate and measure. */
export function simulateBacktest(config: Pick<BacktestConfig, 'capital' | 'costBps'>, sleeves: readonly SleeveInput[]): BacktestOutcome {
  const simulation = simulatePortfolio(sleeves, config.capital, config.costBps);
  const metrics = performanceMetrics(simulation.dates, simulation.equity, config.capital, simulation.trades);
  const benchmarkReturn = sleeves.reduce((s, l) => s + l.series.close[l.to]! / l.series.close[l.from]! - 1, 0) / sleeves.length;
  return { simulation, metrics, benchmarkReturn };
}
