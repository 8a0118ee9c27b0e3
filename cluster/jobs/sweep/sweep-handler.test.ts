import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BacktestConfig, SweepConfig } from '../../../contract/job-configs.ts';
import type { JobResult } from '../../../contract/jobs.ts';
import { backtestHandler } from '../backtest/backtest-handler.ts';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { expandSweepGrid, rankSweepResults } from './sweep-grid.ts';
import { sweepHandler } from './sweep-handler.ts';

function resultWith(metrics: Record<string, number | null>): JobResult {
  return { outputs: [], metrics, nextSteps: [] };
}

describe('expandSweepGrid', () => {
  it('expands the default grid into six valid SMA crossover backtests', () => {
    const { children, skipped, ignored } = expandSweepGrid(SweepConfig.parse({}));
    expect(children.map((c) => c.key)).toEqual([
      'fastWindow=5,slowWindow=50',
      'fastWindow=5,slowWindow=100',
      'fastWindow=10,slowWindow=50',
      'fastWindow=10,slowWindow=100',
      'fastWindow=20,slowWindow=50',
      'fastWindow=20,slowWindow=100',
    ]);
    expect(skipped).toEqual([]);
    expect(ignored).toEqual([]);
    for (const c of children) expect(BacktestConfig.parse(c.config)).toEqual(c.config);
    expect(children[3]!.config).toMatchObject({ strategy: 'sma-crossover', capital: 100_000, costBps: 5, params: { fastWindow: 10, slowWindow: 100, lookback: 20, threshold: 1 } });
  });

  it('skips invalid combinations, drops parameters the strategy does not read, and refuses an empty grid', () => {
    const sma = expandSweepGrid(SweepConfig.parse({ grid: { fastWindow: [10, 50], slowWindow: [20, 50], threshold: [1, 2] } }));
    expect(sma.children.map((c) => c.key)).toEqual(['fastWindow=10,slowWindow=20', 'fastWindow=10,slowWindow=50']);
    expect(sma.skipped.map((s) => s.key)).toEqual(['fastWindow=50,slowWindow=20', 'fastWindow=50,slowWindow=50']);
    expect(sma.skipped[0]!.reason).toMatch(/fastWindow must be smaller than slowWindow/);
    expect(sma.ignored).toEqual(['threshold']);
    expect(() => expandSweepGrid(SweepConfig.parse({ strategy: 'momentum' }))).toThrow(/varies fastWindow, slowWindow, but momentum reads lookback and threshold/);
    expect(() => expandSweepGrid(SweepConfig.parse({ grid: { fastWindow: [60], slowWindow: [50] } }))).toThrow(/no valid parameter set/);
  });
  it('makes every child of a sweep at the bounds of each field a valid backtest with the sweep\'s run fields', () => {
    const symbols = Array.from({ length: 100 }, (_, i) => `S${i}`);
    const run = { symbols, start: '2012-01-03', end: '2012-01-04', capital: 1e12, costBps: 1000 };
    const sweeps = [
      SweepConfig.parse({ ...run, strategy: 'sma-crossover', grid: { fastWindow: [2, 250], slowWindow: [3, 500] } }),
      SweepConfig.parse({ ...run, strategy: 'momentum', grid: { lookback: [2, 500], threshold: [0, 100] } }),
      SweepConfig.parse({ ...run, strategy: 'mean-reversion', grid: { lookback: [2, 500], threshold: [0, 100] } }),
    ];
    for (const sweep of sweeps) {
      const { children } = expandSweepGrid(sweep);
      expect(children.length).toBeGreaterThan(0);
      for (const c of children) {
        expect(BacktestConfig.safeParse(c.config).success).toBe(true);
        expect(c.config).toMatchObject({ ...run, strategy: sweep.strategy });
      }
    }
  });
});

describe('rankSweepResults', () => {
  const base = expandSweepGrid(SweepConfig.parse({ strategy: 'momentum', grid: { lookback: [10, 20, 40] } })).children;
  const outcomes = [
    { config: base[0]!.config, jobId: 'c1', result: resultWith({ sharpe: 0.5, totalReturn: 0.3, cagr: 0.05, maxDrawdown: 0.2, trades: 40, winRate: 0.5 }) },
    { config: base[1]!.config, jobId: 'c2', result: resultWith({ sharpe: 1.1, totalReturn: 0.2, cagr: 0.04, maxDrawdown: 0.3, trades: 30, winRate: 0.6 }) },
    { config: base[2]!.config, jobId: 'c3', error: 'data not available for symbol ALPH' },
  ];

  it('ranks by the chosen metric, lower drawdown first, failures last with their error', () => {
    const bySharpe = rankSweepResults('momentum', outcomes, 'sharpe');
    expect(bySharpe.table.columns).toEqual(['rank', 'lookback', 'threshold', 'sharpe', 'totalReturn', 'cagr', 'maxDrawdown', 'trades', 'winRate', 'jobId', 'error']);
    expect(bySharpe.table.rows.map((r) => [r[0], r[1], r.at(-2)])).toEqual([
      [1, 20, 'c2'],
      [2, 10, 'c1'],
      [null, 40, 'c3'],
    ]);
    expect(bySharpe.table.rows[2]!.at(-1)).toBe('data not available for symbol ALPH');
    expect(bySharpe.best).toMatchObject({ key: 'lookback=20,threshold=1', params: { lookback: 20, threshold: 1 }, jobId: 'c2' });
    expect([bySharpe.completed, bySharpe.failed]).toEqual([2, 1]);
    expect(rankSweepResults('momentum', outcomes, 'totalReturn').best!.jobId).toBe('c1');
    expect(rankSweepResults('momentum', outcomes, 'maxDrawdown').best!.jobId).toBe('c1');
  });
});

describe('sweep job', () => {
  const data = tempFolder('sweep');
  afterAll(() => data.remove());
  const config = { symbols: ['ALPH', 'BRVO'], start: '2019-01-02', end: '2021-12-31', grid: { fastWindow: [5, 20], slowWindow: [50, 100] } };

  it('runs the grid inline, each child equal to a standalone backtest, and names the best set', async () => {
    const run = await runRecorded(sweepHandler, config, { dataDir: data.dir, outputRoot: data.dir });
    expect(run.result.table!.rows).toHaveLength(4);
    const perChild = run.progress.filter((p) => p.step === 'Run backtests' && /\(\d\/4\)$/.test(p.message));
    expect(perChild).toHaveLength(4);
    const best = run.result.metrics;
    const sharpes = run.result.table!.rows.map((r) => r[3] as number);
    expect(sharpes).toEqual([...sharpes].sort((a, b) => b - a));
    expect(best.bestSharpe).toBe(sharpes[0]);
    expect(best.best).toBe(`fastWindow=${best['best.fastWindow']},slowWindow=${best['best.slowWindow']}`);
    const alone = await runRecorded(
      backtestHandler,
      { symbols: config.symbols, start: config.start, end: config.end, params: { fastWindow: best['best.fastWindow'], slowWindow: best['best.slowWindow'] } },
      { dataDir: data.dir, outputRoot: data.dir },
    );
    expect(alone.result.metrics.sharpe).toBe(best.bestSharpe);
    expect(alone.result.metrics.totalReturn).toBe(best.bestTotalReturn);
    const csv = readFileSync(path.join(run.outputDir, 'sweep-results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('rank,fastWindow,slowWindow,sharpe,totalReturn,cagr,maxDrawdown,trades,winRate,jobId,error');
    expect(csv).toHaveLength(5);
  });

  it('ranks the results of child jobs handed over by the runtime', async () => {
    const children = expandSweepGrid(SweepConfig.parse(config)).children;
    const run = await runRecorded(sweepHandler, config, {
      dataDir: data.dir,
      outputRoot: data.dir,
      resolvers: {
        sweepChildren: async () =>
          children.map((c, i) => ({ config: c.config, jobId: `child-${i}`, result: resultWith({ sharpe: i === 2 ? 2 : 0.1 * i, totalReturn: 0.1, cagr: 0.01, maxDrawdown: 0.1, trades: 5, winRate: 0.4 }) })),
      },
    });
    expect(run.result.metrics).toMatchObject({ best: 'fastWindow=20,slowWindow=50', bestJobId: 'child-2', combinations: 4, completed: 4, failed: 0 });
  });

  it('fails when every child failed, quoting the first error', async () => {
    const children = expandSweepGrid(SweepConfig.parse(config)).children;
    await expect(
      runRecorded(sweepHandler, config, { dataDir: data.dir, outputRoot: data.dir, resolvers: { sweepChildren: async () => children.map((c) => ({ config: c.config, error: 'timeout' })) } }),
    ).rejects.toThrow('all 4 child backtests failed; first error: timeout');
  });
});
