import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { tradingDays } from '../market-data/trading-calendar.ts';
import { matrixBuildHandler } from './matrix-build-handler.ts';
import { symbolFeatureRows } from './feature-matrix.ts';
import { readMatrixCsv } from './matrix-file.ts';

describe('matrix-build', () => {
  const data = tempFolder('matrix');
  afterAll(() => data.remove());
  const config = { symbols: ['ALPH', 'BRVO', 'CHRL'], start: '2020-01-02', end: '2020-12-31', horizonDays: 5 };

  it('writes a complete, deterministic matrix and manifest, reporting progress per symbol', async () => {
    const run = await runRecorded(matrixBuildHandler, config, { dataDir: data.dir, outputRoot: data.dir, jobId: 'm1' });
    const m = run.result.metrics;
    expect(m.featureColumns).toBe(9);
    expect(m.columns).toBe(13);
    // Every 2020 row has warm-up history and 5 forward bars, so none is dropped.
    const days = tradingDays('2020-01-02', '2020-12-31').length;
    expect(m.rows).toBe(3 * days);
    expect(Number(m.positiveRate)).toBeGreaterThan(0.3);
    expect(Number(m.positiveRate)).toBeLessThan(0.7);
    const perSymbol = run.progress.filter((p) => /^(ALPH|BRVO|CHRL): \d+ rows/.test(p.message));
    expect(perSymbol.map((p) => p.message.slice(0, 4))).toEqual(['ALPH', 'BRVO', 'CHRL']);
    expect(perSymbol.map((p) => p.percent)).toEqual([...perSymbol.map((p) => p.percent)].sort((a, b) => a - b));

    const file = path.join(run.outputDir, 'matrix.csv');
    const matrix = await readMatrixCsv(file);
    expect(matrix.dates).toHaveLength(3 * days);
    expect(matrix.values.every(Number.isFinite)).toBe(true);
    expect(matrix.columns).toEqual(['ret_1d', 'ret_5d', 'ret_20d', 'close_to_sma10', 'close_to_sma50', 'sma10_to_sma50', 'rsi_14', 'vol_20', 'vol_ratio_20_60']);
    const manifest = JSON.parse(readFileSync(path.join(run.outputDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ rows: 3 * days, columns: 13, horizonDays: 5, jobId: 'm1' });

    const again = await runRecorded(matrixBuildHandler, config, { dataDir: data.dir, outputRoot: data.dir, jobId: 'm2' });
    expect(readFileSync(path.join(again.outputDir, 'matrix.csv'), 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  it('computes features from bars up to the row and labels from the forward return', async () => {
    const { series, from, to } = await openMarketData(data.dir).loadRange('ALPH', '2020-03-02', '2020-03-31');
    const rows = symbolFeatureRows(series, from, to, ['returns', 'rsi'], 3);
    const i = from + 4;
    const r = 4;
    expect(rows.dates[r]).toBe(series.dates[i]);
    expect(rows.values[r * 4]).toBeCloseTo(series.close[i]! / series.close[i - 1]! - 1, 12);
    expect(rows.values[r * 4 + 2]).toBeCloseTo(series.close[i]! / series.close[i - 20]! - 1, 12);
    expect(rows.forwardReturn[r]).toBeCloseTo(series.close[i + 3]! / series.close[i]! - 1, 12);
    expect(rows.label[r]).toBe(series.close[i + 3]! > series.close[i]! ? 1 : 0);
    const rsi = rows.values[r * 4 + 3]!;
    expect(rsi).toBeGreaterThan(0);
    expect(rsi).toBeLessThan(1);
  });

  it('drops rows with incomplete windows at both ends of the data', async () => {
    const run = await runRecorded(matrixBuildHandler, { symbols: ['ALPH'], start: '2012-01-03', end: '2024-12-31', features: ['sma'], horizonDays: 10 }, { dataDir: data.dir, outputRoot: data.dir });
    const series = await openMarketData(data.dir).load('ALPH');
    // SMA50 needs 49 earlier bars; the label needs 10 later ones.
    expect(run.result.metrics.droppedRows).toBe(49 + 10);
    expect(run.result.metrics.rows).toBe(series.dates.length - 59);
    expect(run.result.metrics.firstDate).toBe(series.dates[49]);
  });

  it('fails with "data not available" for an unknown symbol', async () => {
    await expect(runRecorded(matrixBuildHandler, { symbols: ['ALPH', 'ZZZZ'] }, { dataDir: data.dir, outputRoot: data.dir })).rejects.toThrow(/data not available for symbol ZZZZ/);
  });
});
