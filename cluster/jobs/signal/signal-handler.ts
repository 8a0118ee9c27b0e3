/**
 * The signal job: the latest signal of a strategy for each symbol as of a day — buy (the strategy
 * turned long on that close), sell (it turned flat), hold (unchanged) — with its strength and the
 * indicator values behind it. Reads only bars up to that day. Takes milliseconds (see
 * bench/job-handlers.bench.ts).
 */
import { STRATEGY_LABELS } from '../../../contract/job-configs.ts';
import { DataNotAvailableError } from '../job-errors.ts';
import type { JobHandler } from '../job-handler.ts';
import { lastAtOrBefore } from '../market-data/bar-series.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { round, toCsv, writeOutputFile } from '../output-files.ts';
import { signalStrength, strategyPositions } from '../strategies/strategy-positions.ts';

export type SignalAction = 'buy' | 'sell' | 'hold';

export interface SymbolSignal {
  symbol: string;
  /** The bar the signal is computed on (the last one on or before asOf). */
  date: string;
  action: SignalAction;
  position: 'long' | 'flat';
  strength: number;
  score: number | null;
  values: Record<string, number | null>;
}

export const signalHandler: JobHandler<'signal'> = {
  type: 'signal',
  steps: [
    { name: 'Load data', weight: 2 },
    { name: 'Compute signals', weight: 1 },
    { name: 'Write signals', weight: 1 },
  ],
  async run(ctx) {
    const config = ctx.config;
    const started = performance.now();
    await ctx.step('Load data', `${config.symbols.length} symbols`);
    const market = openMarketData(ctx.dataDir);
    const loaded = [];
    for (const symbol of config.symbols) loaded.push(await market.load(symbol));

    await ctx.step('Compute signals', `${STRATEGY_LABELS[config.strategy]} as of ${config.asOf ?? 'the last bar'}`);
    const signals: SymbolSignal[] = loaded.map((series) => {
      const i = config.asOf ? lastAtOrBefore(series.dates, config.asOf) : series.dates.length - 1;
      if (i < 0) throw new DataNotAvailableError(series.symbol, `data not available for symbol ${series.symbol} on or before ${config.asOf} (its data starts ${series.dates[0]})`);
      // Only bars up to the signal day: nothing later can leak into it.
      const out = strategyPositions(config.strategy, series.close.subarray(0, i + 1), config.params);
      const now = out.position[i]!;
      const before = i > 0 ? out.position[i - 1]! : 0;
      const score = out.score[i]!;
      return {
        symbol: series.symbol,
        date: series.dates[i]!,
        action: now === before ? 'hold' : now === 1 ? 'buy' : 'sell',
        position: now === 1 ? 'long' : 'flat',
        strength: signalStrength(config.strategy, score, config.params),
        score: Number.isFinite(score) ? round(score, 6) : null,
        values: Object.fromEntries(Object.entries(out.values).map(([k, v]) => [k, Number.isFinite(v[i]!) ? round(v[i]!, 6) : null])),
      };
    });

    await ctx.step('Write signals');
    const valueNames = Object.keys(signals[0]?.values ?? {});
    const columns = ['symbol', 'date', 'action', 'position', 'strength', 'score', ...valueNames];
    const rows = signals.map((s) => [s.symbol, s.date, s.action, s.position, s.strength, s.score, ...valueNames.map((n) => s.values[n] ?? null)]);
    const outputs = [
      await writeOutputFile(ctx.outputDir, 'signals.json', JSON.stringify({ strategy: config.strategy, params: config.params, asOf: config.asOf ?? null, signals }, null, 2) + '\n', 'json'),
      await writeOutputFile(ctx.outputDir, 'signals.csv', toCsv(columns, rows), 'csv'),
    ];
    const count = (a: SignalAction) => signals.filter((s) => s.action === a).length;
    ctx.log('info', `${signals.length} signals in ${(performance.now() - started).toFixed(1)} ms`);
    const stale = signals.filter((s) => config.asOf && s.date < config.asOf);
    return {
      outputs,
      table: { columns, rows },
      metrics: { strategy: config.strategy, asOf: config.asOf ?? signals[0]?.date ?? null, symbols: signals.length, buy: count('buy'), sell: count('sell'), hold: count('hold'), long: signals.filter((s) => s.position === 'long').length },
      nextSteps: [
        ...signals.filter((s) => s.action !== 'hold').map((s) => `${s.action.toUpperCase()} ${s.symbol} (strength ${s.strength}) on the ${s.date} close.`),
        ...(count('buy') + count('sell') === 0 ? ['No new entries or exits: every position is unchanged from the previous close.'] : []),
        ...(stale.length > 0 ? [`No bar on ${config.asOf} for ${stale.map((s) => s.symbol).join(', ')}; their signals are from the last earlier bar.`] : []),
        'Backtest the same strategy and parameters to see how these signals performed historically.',
      ],
    };
  },
};
