/**
 * The sweep job (the parent of a flow). With the runtime's `sweepChildren` resolver it ranks the
 * child backtests the flow ran; without one it runs the grid itself, one backtest after another
 * over data loaded once, with a checkpoint between children. Ends with the ranked table, CSV and
 * JSON outputs, and the best parameter set.
 */
import type { JobResult } from '../../../contract/jobs.ts';
import { computeSignals, loadBacktestData, simulateBacktest } from '../backtest/backtest-run.ts';
import type { SweepChildOutcome } from '../job-context.ts';
import { BadInputError } from '../job-errors.ts';
import type { JobHandler } from '../job-handler.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { round, toCsv, writeOutputFile } from '../output-files.ts';
import { expandSweepGrid, rankSweepResults } from './sweep-grid.ts';

function childResult(m: ReturnType<typeof simulateBacktest>['metrics']): JobResult {
  return {
    outputs: [],
    metrics: {
      sharpe: round(m.sharpe, 4),
      totalReturn: round(m.totalReturn),
      cagr: m.cagr === null ? null : round(m.cagr),
      maxDrawdown: round(m.maxDrawdown),
      trades: m.trades,
      winRate: m.winRate === null ? null : round(m.winRate),
    },
    nextSteps: [],
  };
}

export const sweepHandler: JobHandler<'sweep'> = {
  type: 'sweep',
  steps: [
    { name: 'Expand grid', weight: 1 },
    { name: 'Run backtests', weight: 10 },
    { name: 'Rank', weight: 1 },
    { name: 'Write outputs', weight: 1 },
  ],
  async run(ctx) {
    const config = ctx.config;
    await ctx.step('Expand grid');
    const grid = expandSweepGrid(config);
    ctx.log('info', `${grid.children.length} parameter sets${grid.skipped.length ? `, ${grid.skipped.length} invalid combinations skipped` : ''}${grid.ignored.length ? `; ${grid.ignored.join(', ')} ignored (not read by ${config.strategy})` : ''}`);
    for (const s of grid.skipped) ctx.log('warn', `skipped ${s.key}: ${s.reason}`);

    let outcomes: SweepChildOutcome[];
    if (ctx.resolvers.sweepChildren) {
      await ctx.step('Run backtests', 'collecting the child jobs’ results');
      outcomes = await ctx.resolvers.sweepChildren();
      ctx.progress(1, `${outcomes.length} child results collected`);
    } else {
      await ctx.step('Run backtests', `${grid.children.length} backtests inline`);
      const loaded = await loadBacktestData(config, openMarketData(ctx.dataDir));
      outcomes = [];
      for (const [i, child] of grid.children.entries()) {
        if (i > 0) await ctx.checkpoint(`backtest ${i + 1}/${grid.children.length}`);
        const { metrics } = simulateBacktest(child.config, computeSignals(child.config, loaded));
        outcomes.push({ config: child.config, result: childResult(metrics) });
        ctx.progress((i + 1) / grid.children.length, `${child.key}: Sharpe ${metrics.sharpe.toFixed(2)} (${i + 1}/${grid.children.length})`);
      }
    }

    await ctx.step('Rank', `by ${config.rankBy}`);
    const ranked = rankSweepResults(config.strategy, outcomes, config.rankBy);
    if (!ranked.best) {
      const firstError = outcomes.find((o) => o.error)?.error ?? 'no results';
      throw new BadInputError(`all ${outcomes.length} child backtests failed; first error: ${firstError}`);
    }

    await ctx.step('Write outputs');
    const outputs = [
      await writeOutputFile(ctx.outputDir, 'sweep-results.csv', toCsv(ranked.table.columns, ranked.table.rows), 'csv'),
      await writeOutputFile(ctx.outputDir, 'sweep-results.json', JSON.stringify({ strategy: config.strategy, rankBy: config.rankBy, best: ranked.best, skipped: grid.skipped, table: ranked.table }, null, 2) + '\n', 'json'),
    ];
    const best = ranked.best;
    return {
      outputs,
      table: ranked.table,
      metrics: {
        strategy: config.strategy,
        symbols: config.symbols.join(' '),
        start: config.start,
        end: config.end,
        rankBy: config.rankBy,
        combinations: outcomes.length,
        completed: ranked.completed,
        failed: ranked.failed,
        skipped: grid.skipped.length,
        best: best.key,
        ...Object.fromEntries(Object.entries(best.params).map(([k, v]) => [`best.${k}`, v ?? null])),
        bestSharpe: best.metrics.sharpe ?? null,
        bestTotalReturn: best.metrics.totalReturn ?? null,
        bestMaxDrawdown: best.metrics.maxDrawdown ?? null,
        bestJobId: best.jobId,
      },
      nextSteps: [
        `Best by ${config.rankBy}: ${best.key} (Sharpe ${best.metrics.sharpe}, total return ${((best.metrics.totalReturn ?? 0) * 100).toFixed(1)} %).`,
        `Run a backtest with ${best.key} to get its equity curve and trades${best.jobId ? ` (or open child job ${best.jobId})` : ''}.`,
        'Check the result out of sample: sweep a later date range and see whether the same parameters stay near the top.',
        ...(ranked.failed > 0 ? [`${ranked.failed} child backtests failed; see the error column.`] : []),
      ],
    };
  },
};
