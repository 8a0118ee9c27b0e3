// Job handler speed: the signal job must take well under a second; the other handlers' times with
// their default configs show what a job costs in CPU. Baseline: reading the same symbols' CSV files
// raw (no parsing), in the same run.
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SYMBOLS } from '../contract/job-configs.ts';
import { JOB_HANDLERS } from '../cluster/jobs/job-handlers.ts';
import { runJobHandler } from '../cluster/jobs/job-handler.ts';
import { MarketDataProvider, openMarketData } from '../cluster/jobs/market-data/market-data-provider.ts';
import type { JobType } from '../contract/domain.ts';

const root = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bench-jobs-'));
const dataDir = path.join(root, 'data');
let seq = 0;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function run(type: JobType, config: unknown): Promise<unknown> {
  return runJobHandler(JOB_HANDLERS[type], { jobId: `b${++seq}`, config, dataDir, outputDir: path.join(root, 'out', `b${seq}`) });
}

try {
  const seed = await time(() => new MarketDataProvider(dataDir).ensureData());
  console.log(`seed the synthetic universe (first use):   ${seed.toFixed(0)} ms`);

  const files = DEFAULT_SYMBOLS.map((s) => path.join(dataDir, 'market', `${s}.csv`));
  const reads: number[] = [];
  for (let i = 0; i < 20; i++) reads.push(await time(() => Promise.all(files.map((f) => readFile(f, 'utf8')))));
  const baseline = median(reads);
  const cold = await time(() => run('signal', {}));
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) warm.push(await time(() => run('signal', {})));
  console.log(`baseline: read ${files.length} CSV files raw:           ${baseline.toFixed(2)} ms (median of 20)`);
  console.log(`signal, 3 symbols, cold (parses the CSVs): ${cold.toFixed(2)} ms`);
  console.log(`signal, 3 symbols, warm (cached bars):     ${median(warm).toFixed(2)} ms (median of 20)  target: well under 1000 ms`);
  const all = await openMarketData(dataDir).symbols();
  await Promise.all(all.map((s) => openMarketData(dataDir).load(s)));
  const wide = await time(() => run('signal', { symbols: all }));
  console.log(`signal, all ${all.length} symbols (warm):           ${wide.toFixed(2)} ms`);

  for (const [type, config] of [
    ['backtest', {}],
    ['matrix-build', {}],
    ['training', {}],
    ['sweep', {}],
  ] as [JobType, unknown][]) {
    console.log(`${type.padEnd(12)} default config:            ${(await time(() => run(type, config))).toFixed(0)} ms`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
