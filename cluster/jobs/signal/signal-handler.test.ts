import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StrategyParams } from '../../../contract/job-configs.ts';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { lastAtOrBefore } from '../market-data/bar-series.ts';
import { openMarketData } from '../market-data/market-data-provider.ts';
import { sma } from '../strategies/indicators.ts';
import { strategyPositions } from '../strategies/strategy-positions.ts';
import { signalHandler } from './signal-handler.ts';

describe('signal job', () => {
  const data = tempFolder('signal');
  afterAll(() => data.remove());

  it('gives each symbol its latest signal with the values behind it', async () => {
    const run = await runRecorded(signalHandler, { symbols: ['ALPH', 'BRVO', 'CHRL'], asOf: '2023-06-15' }, { dataDir: data.dir, outputRoot: data.dir });
    const table = run.result.table!;
    expect(table.columns).toEqual(['symbol', 'date', 'action', 'position', 'strength', 'score', 'close', 'fastSma', 'slowSma']);
    const alph = await openMarketData(data.dir).load('ALPH');
    const i = lastAtOrBefore(alph.dates, '2023-06-15');
    const fast = sma(alph.close, 10)[i]!;
    const slow = sma(alph.close, 50)[i]!;
    const row = table.rows[0]!;
    expect(row.slice(0, 2)).toEqual(['ALPH', '2023-06-15']);
    expect(row[3]).toBe(fast > slow ? 'long' : 'flat');
    expect(row[6]).toBeCloseTo(alph.close[i]!, 6);
    expect(row[7]).toBeCloseTo(fast, 5);
    expect(row[8]).toBeCloseTo(slow, 5);
    expect(row[5]).toBeCloseTo(fast / slow - 1, 5);
    const strength = row[4] as number;
    expect(strength).toBeGreaterThanOrEqual(0);
    expect(strength).toBeLessThanOrEqual(1);
    const counts = run.result.metrics;
    expect(Number(counts.buy) + Number(counts.sell) + Number(counts.hold)).toBe(3);
    const json = JSON.parse(readFileSync(path.join(run.outputDir, 'signals.json'), 'utf8'));
    expect(json.signals).toHaveLength(3);
  });

  it('says buy exactly on the close where the strategy turns long', async () => {
    const params = StrategyParams.parse({ lookback: 20, threshold: 1 });
    const series = await openMarketData(data.dir).load('DLTA');
    const { position } = strategyPositions('mean-reversion', series.close, params);
    const entry = position.findIndex((p, k) => k > 2000 && p === 1 && position[k - 1] === 0);
    expect(entry).toBeGreaterThan(0);
    const at = (k: number) => runRecorded(signalHandler, { strategy: 'mean-reversion', symbols: ['DLTA'], asOf: series.dates[k], params }, { dataDir: data.dir, outputRoot: data.dir });
    expect((await at(entry)).result.table!.rows[0]!.slice(2, 4)).toEqual(['buy', 'long']);
    expect((await at(entry - 1)).result.table!.rows[0]!.slice(2, 4)).toEqual(['hold', 'flat']);
    const exit = position.findIndex((p, k) => k > entry && p === 0);
    expect((await at(exit)).result.table!.rows[0]!.slice(2, 4)).toEqual(['sell', 'flat']);
  });

  it('uses the last bar by default and fails for unknown symbols or days before the data', async () => {
    const run = await runRecorded(signalHandler, { strategy: 'momentum', symbols: ['ZULU'] }, { dataDir: data.dir, outputRoot: data.dir });
    expect(run.result.table!.rows[0]![1]).toBe('2024-12-31');
    await expect(runRecorded(signalHandler, { symbols: ['XXXX'] }, { dataDir: data.dir, outputRoot: data.dir })).rejects.toThrow(/data not available for symbol XXXX/);
    await expect(runRecorded(signalHandler, { symbols: ['ALPH'], asOf: '2001-01-02' }, { dataDir: data.dir, outputRoot: data.dir })).rejects.toThrow(/data not available for symbol ALPH on or before 2001-01-02/);
  });
});
