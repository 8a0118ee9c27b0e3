/**
 * The backtest job: a strategy over symbols and a date range, equal-weight, with capital and costs.
 * Writes the equity curve and the trade list; reports total return, CAGR, Sharpe, max drawdown,
 * trades and win rate.
 */
import { STRATEGY_LABELS } from '../../../contract/job-configs.ts';
import type { JobHandler } from '../job-handler.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { round, toCsv, writeOutputFile } from '../output-files.ts';
import { computeSignals, loadBacktestData, simulateBacktest } from './backtest-run.ts';
import { dailyReturns, drawdowns } from './performance-metrics.ts';

export const backtestHandler: JobHandler<'backtest'> = {
  type: 'backtest',
  steps: [
    { name: 'Load data', weight: 2 },
    { name: 'Compute signals', weight: 1 },
    { name: 'Simulate', weight: 2 },
    { name: 'Write outputs', weight: 1 },
  ],
  async run(ctx) {
    const config = ctx.config;
    await ctx.step('Load data', `${config.symbols.length} symbols, ${config.start} to ${config.end}`);
    const loaded = await loadBacktestData(config, openMarketData(ctx.dataDir), (done, symbol) =>
      ctx.progress(done / config.symbols.length, `loaded ${symbol} (${done}/${config.symbols.length})`),
    );

    await ctx.step('Compute signals', STRATEGY_LABELS[config.strategy]);
    const sleeves = computeSignals(config, loaded);

    await ctx.step('Simulate', `${sleeves.reduce((n, s) => n + s.to - s.from + 1, 0)} bars`);
    const { simulation, metrics, benchmarkReturn } = simulateBacktest(config, sleeves);
    ctx.log('info', `simulated ${simulation.dates.length} days: total return ${(metrics.totalReturn * 100).toFixed(2)} %, ${metrics.trades} trades`);

    await ctx.step('Write outputs');
    const returns = dailyReturns(simulation.equity);
    const dd = drawdowns(simulation.equity, config.capital);
    const equityCsv = toCsv(
      ['date', 'equity', 'dailyReturn', 'drawdown', 'exposure'],
      simulation.dates.map((d, i) => [d, round(simulation.equity[i]!, 4), i === 0 ? null : round(returns[i - 1]!, 8), round(dd[i]!, 8), round(simulation.exposure[i]!, 6)]),
    );
    const tradesCsv = toCsv(
      ['symbol', 'entryDate', 'entryPrice', 'exitDate', 'exitPrice', 'shares', 'pnl', 'returnPct', 'barsHeld', 'exitReason'],
      simulation.trades.map((t) => [t.symbol, t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, round(t.shares, 6), round(t.pnl, 4), round(t.returnPct * 100, 4), t.barsHeld, t.exitReason]),
    );
    const outputs = [
      await writeOutputFile(ctx.outputDir, 'equity-curve.csv', equityCsv, 'csv'),
      await writeOutputFile(ctx.outputDir, 'trades.csv', tradesCsv, 'csv'),
    ];
    const final = simulation.equity[simulation.equity.length - 1]!;
    const beat = metrics.totalReturn > benchmarkReturn;
    return {
      outputs,
      metrics: {
        strategy: config.strategy,
        symbols: config.symbols.join(' '),
        start: simulation.dates[0]!,
        end: simulation.dates[simulation.dates.length - 1]!,
        days: simulation.dates.length,
        finalEquity: round(final, 2),
        totalReturn: round(metrics.totalReturn),
        cagr: metrics.cagr === null ? null : round(metrics.cagr),
        sharpe: round(metrics.sharpe, 4),
        maxDrawdown: round(metrics.maxDrawdown),
        trades: metrics.trades,
        winRate: metrics.winRate === null ? null : round(metrics.winRate),
        costsPaid: round(simulation.costsPaid, 2),
        benchmarkReturn: round(benchmarkReturn),
      },
      nextSteps: [
        `${beat ? 'Beat' : 'Trailed'} equal-weight buy-and-hold (${(benchmarkReturn * 100).toFixed(1)} %) with ${(metrics.totalReturn * 100).toFixed(1)} % after ${round(simulation.costsPaid, 2)} in costs.`,
        'Open equity-curve.csv for the daily equity and drawdown, trades.csv for every round trip.',
        `Run a sweep over ${config.strategy === 'sma-crossover' ? 'fastWindow and slowWindow' : 'lookback and threshold'} to see how sensitive this result is to the parameters.`,
        metrics.trades === 0 ? 'No trades: the signal never fired in this range; try a longer range or a lower threshold.' : `Check the ${metrics.trades} trades' win rate against the costs (${config.costBps} bps per side).`,
      ],
    };
  },
};
