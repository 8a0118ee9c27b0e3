/**
 * The matrix-build job: features and forward-return labels for symbols and dates, reported per
 * symbol, written as `matrix.csv` plus `manifest.json`.
 */
import type { MatrixBuildConfig } from '../../../contract/job-configs.ts';
import type { JobContext } from '../job-context.ts';
import type { JobHandler } from '../job-handler.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { round, writeOutputFile } from '../output-files.ts';
import { concatRows, type FeatureRows, symbolFeatureRows } from './feature-matrix.ts';
import { formatMatrixCsv, MANIFEST_FILE, MATRIX_FILE, type MatrixManifest } from './matrix-file.ts';

/**
 * Build the matrix symbol by symbol, with a checkpoint and a progress report after each
 * (shared with training, which builds inline when it is given no matrix job).
 */
export async function buildFeatureMatrix(ctx: JobContext<unknown>, config: Pick<MatrixBuildConfig, 'symbols' | 'start' | 'end' | 'features' | 'horizonDays'>): Promise<FeatureRows & { dropped: number }> {
  const market = openMarketData(ctx.dataDir);
  const parts: FeatureRows[] = [];
  let dropped = 0;
  for (const [k, symbol] of config.symbols.entries()) {
    if (k > 0) await ctx.checkpoint(`features of ${symbol}`);
    const { series, from, to } = await market.loadRange(symbol, config.start, config.end);
    const rows = symbolFeatureRows(series, from, to, config.features, config.horizonDays);
    parts.push(rows);
    dropped += rows.dropped;
    ctx.progress((k + 1) / config.symbols.length, `${symbol}: ${rows.dates.length} rows (${k + 1}/${config.symbols.length} symbols)`);
  }
  return { ...concatRows(parts), dropped };
}

export const matrixBuildHandler: JobHandler<'matrix-build'> = {
  type: 'matrix-build',
  steps: [
    { name: 'Compute features', weight: 4 },
    { name: 'Write matrix', weight: 1 },
  ],
  async run(ctx) {
    const config = ctx.config;
    await ctx.step('Compute features', `${config.symbols.length} symbols, ${config.features.join(', ')}`);
    const matrix = await buildFeatureMatrix(ctx, config);
    const rows = matrix.dates.length;
    const positives = matrix.label.reduce((s, v) => s + v, 0);
    ctx.log('info', `${rows} rows × ${matrix.columns.length} features; ${matrix.dropped} rows dropped for incomplete windows`);

    await ctx.step('Write matrix', `${rows} rows`);
    const manifest: MatrixManifest = {
      format: 'sigmatiq-feature-matrix/1',
      rows,
      columns: matrix.columns.length + 4,
      featureColumns: matrix.columns,
      labelColumn: 'label',
      symbols: config.symbols,
      start: config.start,
      end: config.end,
      horizonDays: config.horizonDays,
      droppedRows: matrix.dropped,
      positiveRate: rows > 0 ? round(positives / rows) : 0,
      jobId: ctx.jobId,
    };
    const outputs = [
      await writeOutputFile(ctx.outputDir, MATRIX_FILE, formatMatrixCsv(matrix), 'csv'),
      await writeOutputFile(ctx.outputDir, MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n', 'json'),
    ];
    return {
      outputs,
      metrics: {
        rows,
        featureColumns: matrix.columns.length,
        columns: manifest.columns,
        symbols: config.symbols.length,
        droppedRows: matrix.dropped,
        positiveRate: manifest.positiveRate,
        horizonDays: config.horizonDays,
        firstDate: matrix.dates.reduce((a, b) => (b < a ? b : a), matrix.dates[0] ?? '') || null,
        lastDate: matrix.dates.reduce((a, b) => (b > a ? b : a), matrix.dates[0] ?? '') || null,
      },
      nextSteps: [
        `Train a model on it: submit a training job with matrixJobId "${ctx.jobId}".`,
        `matrix.csv holds ${rows} rows: symbol, date, ${matrix.columns.length} features, fwd_return and label (forward ${config.horizonDays}-day return > 0).`,
        rows === 0 ? 'No rows: the date range is shorter than the indicators’ warm-up; widen it.' : `Labels are ${(manifest.positiveRate * 100).toFixed(1)} % positive; a model must beat that base rate.`,
      ],
    };
  },
};
