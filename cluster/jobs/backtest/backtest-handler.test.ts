import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { tradingDays } from '../market-data/trading-calendar.ts';
import { backtestHandler } from './backtest-handler.ts';

/**
 * The hand-computed case: one symbol TEST, 10 bars, SMA crossover fast 2 / slow 3,
 * capital 1000, cost 10 bps per side (c = 0.001).
 *
 *  bar date        open  close  SMA2   SMA3    target after close
 *   1  2024-01-02  10    10     –      –       flat (warming up)
 *   2  2024-01-03  10    10     10     –       flat
 *   3  2024-01-04  10    10     10     10      flat (10 > 10 is false)
 *   4  2024-01-05  11    12     11     10.667  LONG
 *   5  2024-01-08  12.5  13     12.5   11.667  long  ← buy at open 12.5
 *   6  2024-01-09  13    11     12     12      FLAT
 *   7  2024-01-10  10    10     10.5   11.333  flat  ← sell at open 10
 *   8  2024-01-11  10    12     11     11      flat
 *   9  2024-01-12  12    14     13     12      LONG
 *  10  2024-01-16  14    15     14.5   13.667  long  ← buy at open 14; last bar: sell at close 15
 *
 * Trade 1: shares = 1000 / (12.5 × 1.001) = 79.920080; equity at close 5 = 79.920080 × 13 = 1038.961039,
 *   at close 6 = × 11 = 879.120879; sold at 10: cash = 799.200799 × 0.999 = 798.401598, pnl = −201.598402.
 * Trade 2: shares = 798.401598 / (14 × 1.001) = 56.971714; sold at close 15: 854.575708 × 0.999 = 853.721133,
 *   pnl = +55.319534.
 * Equity: 1000, 1000, 1000, 1000, 1038.961039, 879.120879, 798.401598, 798.401598, 798.401598, 853.721133.
 * Total return = 853.721133 / 1000 − 1 = −0.146279. Max drawdown = 1 − 798.401598 / 1038.961039 = 0.231538.
 * Trades 2, wins 1 → win rate 0.5. Costs = 0.999001 + 0.799201 + 0.797600 + 0.854576 = 3.450378.
 * Daily returns (9): 0, 0, 0, 0.038961, −0.153846, −0.091818, 0, 0, 0.069288;
 *   mean = −0.137415 / 9 = −0.015268, sample sd = 0.067379 → Sharpe = −0.015268 / 0.067379 × √252 = −3.5972.
 * CAGR over 14 calendar days: 0.853721^(365.25 / 14) − 1 = −0.983853.
 */
const HAND_BARS = [
  ['2024-01-02', 10, 10],
  ['2024-01-03', 10, 10],
  ['2024-01-04', 10, 10],
  ['2024-01-05', 11, 12],
  ['2024-01-08', 12.5, 13],
  ['2024-01-09', 13, 11],
  ['2024-01-10', 10, 10],
  ['2024-01-11', 10, 12],
  ['2024-01-12', 12, 14],
  ['2024-01-16', 14, 15],
] as const;

function writeHandSymbol(dataDir: string): void {
  mkdirSync(path.join(dataDir, 'market'), { recursive: true });
  const rows = HAND_BARS.map(([d, o, c]) => `${d},${o},${Math.max(o, c)},${Math.min(o, c)},${c},1000`);
  writeFileSync(path.join(dataDir, 'market', 'TEST.csv'), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
}

describe('backtest on a hand-computed series', () => {
  const data = tempFolder('bt-hand');
  beforeAll(() => writeHandSymbol(data.dir));
  afterAll(() => data.remove());

  it('matches the figures worked out by hand', async () => {
    const run = await runRecorded(
      backtestHandler,
      { strategy: 'sma-crossover', symbols: ['TEST'], start: '2024-01-01', end: '2024-01-31', capital: 1000, costBps: 10, params: { fastWindow: 2, slowWindow: 3 } },
      { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') },
    );
    const m = run.result.metrics;
    expect(m.finalEquity).toBeCloseTo(853.72, 2);
    expect(m.totalReturn).toBeCloseTo(-0.146279, 5);
    expect(m.maxDrawdown).toBeCloseTo(0.231538, 5);
    expect(m.trades).toBe(2);
    expect(m.winRate).toBe(0.5);
    expect(m.sharpe).toBeCloseTo(-3.5972, 3);
    expect(m.cagr).toBeCloseTo(-0.983853, 5);
    expect(m.costsPaid).toBeCloseTo(3.45, 2);

    const equity = readFileSync(path.join(run.outputDir, 'equity-curve.csv'), 'utf8').trim().split('\n');
    expect(equity).toHaveLength(11);
    expect(equity.slice(1).map((l) => Number(l.split(',')[1]))).toEqual([1000, 1000, 1000, 1000, 1038.961, 879.1209, 798.4016, 798.4016, 798.4016, 853.7211]);
    const trades = readFileSync(path.join(run.outputDir, 'trades.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(trades.map((t) => [t[1], t[2], t[3], t[4], t[9]])).toEqual([
      ['2024-01-08', '12.5', '2024-01-10', '10', 'signal'],
      ['2024-01-16', '14', '2024-01-16', '15', 'end'],
    ]);
    expect(Number(trades[0]![6])).toBeCloseTo(-201.5984, 3);
    expect(Number(trades[1]![6])).toBeCloseTo(55.3195, 3);
  });

  it('never trades on the bar whose close produced the signal (no look-ahead)', async () => {
    const run = await runRecorded(
      backtestHandler,
      { symbols: ['TEST'], start: '2024-01-01', end: '2024-01-05', capital: 1000, costBps: 0, params: { fastWindow: 2, slowWindow: 3 } },
      { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') },
    );
    // The first long signal comes at the close of 2024-01-05, the range's last bar: no trade yet.
    expect(run.result.metrics.trades).toBe(0);
    expect(run.result.metrics.totalReturn).toBe(0);
  });
});

describe('backtest on the seeded universe', () => {
  const data = tempFolder('bt-seeded');
  afterAll(() => data.remove());
  const config = { strategy: 'momentum', symbols: ['ALPH', 'BRVO', 'CHRL', 'DLTA'], start: '2019-01-02', end: '2020-12-31', params: { lookback: 20, threshold: 2 } };

  it('completes with plausible, deterministic figures and reports each step', async () => {
    const a = await runRecorded(backtestHandler, config, { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') });
    const b = await runRecorded(backtestHandler, config, { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') });
    expect(b.result.metrics).toEqual(a.result.metrics);
    const m = a.result.metrics;
    expect(m.days).toBe(tradingDays('2019-01-02', '2020-12-31').length);
    expect(Number(m.trades)).toBeGreaterThan(10);
    expect(Math.abs(Number(m.totalReturn))).toBeLessThan(3);
    expect(Number(m.maxDrawdown)).toBeGreaterThan(0);
    expect(Number(m.maxDrawdown)).toBeLessThan(1);
    expect(Number(m.winRate)).toBeGreaterThan(0);
    expect(Number(m.winRate)).toBeLessThan(1);
    expect(Math.abs(Number(m.sharpe))).toBeLessThan(5);
    expect(a.result.outputs.map((o) => o.name)).toEqual(['equity-curve.csv', 'trades.csv']);
    expect(a.progress.map((p) => p.step)).toEqual(expect.arrayContaining(['Load data', 'Compute signals', 'Simulate', 'Write outputs']));
    expect(a.progress.at(-1)).toMatchObject({ percent: 100, stepIndex: 3, stepCount: 4 });
    const percents = a.progress.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((x, y) => x - y));
    const tradeRows = readFileSync(path.join(a.outputDir, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    expect(tradeRows).toBe(m.trades);
  });

  it('fails with "data not available" naming an unknown symbol', async () => {
    await expect(
      runRecorded(backtestHandler, { symbols: ['ALPH', 'NOPE'], start: '2020-01-02', end: '2020-06-30' }, { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') }),
    ).rejects.toThrow(/data not available for symbol NOPE/);
  });

  it('fails with "data not available" for a range outside the data', async () => {
    await expect(
      runRecorded(backtestHandler, { symbols: ['ALPH'], start: '2030-01-02', end: '2030-06-30' }, { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') }),
    ).rejects.toThrow(/data not available for symbol ALPH between 2030-01-02 and 2030-06-30/);
  });

  it('rejects an invalid config with the field at fault', async () => {
    await expect(
      runRecorded(backtestHandler, { params: { fastWindow: 60, slowWindow: 50 } }, { dataDir: data.dir, outputRoot: path.join(data.dir, 'out') }),
    ).rejects.toThrow(/fastWindow must be smaller than slowWindow/);
  });
});
