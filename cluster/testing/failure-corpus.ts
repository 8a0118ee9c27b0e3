/**
 * A labelled corpus of job failures for measuring how well failures are grouped: each sample is
 * an error thrown by the job handlers' own code (market data, CSV parsing, the training matrix
 * limit, sweep grids, job ids, config parsing) with varied parameters — symbols, folders, job ids,
 * sizes, dates — plus the worker-level failures BullMQ and Node record (a stalled job, a sandbox
 * child that exited). The label names the throw site (and the problem, where one site reports
 * several), so two samples share a label exactly when an admin would call them one problem.
 * Real errors, real messages and stacks: a handler whose message changes changes the corpus.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SweepConfig } from '../../contract/job-configs.ts';
import { SeededRandom } from '../../contract/seeded-random.ts';
import { JobTimeoutError } from '../jobs/job-errors.ts';
import { jobOutputDir, matrixFileResolver } from '../jobs/job-folders.ts';
import { runJobHandler, type RunJobOptions } from '../jobs/job-handler.ts';
import { JOB_HANDLERS } from '../jobs/job-handlers.ts';
import { parseBarCsv } from '../jobs/market-data/bar-series.ts';
import { MarketDataProvider } from '../jobs/market-data/market-data-provider.ts';
import { expandSweepGrid } from '../jobs/sweep/sweep-grid.ts';
import { checkMatrixLimit, prepareTrainingSets } from '../jobs/training/training-data.ts';

export interface CorpusFailure {
  label: string;
  jobType: string;
  errorMessage: string;
  errorStack: string | null;
}

const HEADER = 'date,open,high,low,close,volume';
const KNOWN = ['ALPH', 'BRVO', 'CHRL'];

function bars(days: number, from = Date.UTC(2020, 0, 1)): string {
  const rows = Array.from({ length: days }, (_, i) => `${new Date(from + i * 86_400_000).toISOString().slice(0, 10)},10,11,9,10.5,1000`);
  return `${HEADER}\n${rows.join('\n')}\n`;
}

async function caught(label: string, fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${label}: the throw site did not throw, so the corpus no longer matches the handlers`);
}

/**
 * `rounds` rounds of one failure of each kind (18 kinds; a few pick their job type per round, so
 * there are more labels), shuffled with `seed`. Writes a few small files in a temporary folder
 * (market data for the range errors) and removes it.
 */
export async function buildFailureCorpus(rounds = 30, seed = 1): Promise<CorpusFailure[]> {
  const rng = new SeededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(rng.next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join('');
  const ticker = () => pick([letters(int(2, 5)), `${letters(int(1, 3))}.${letters(1)}`]);
  const jobId = (type: string) => `${type}-${Date.UTC(2025, 0, int(1, 28)).toString(36)}${rng.next().toString(16).slice(2, 10)}`;
  const day = (year: number) => `${year}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;

  const root = await mkdtemp(path.join(tmpdir(), 'failure-corpus-'));
  try {
    const dataDirs = ['a', 'b', 'c'].map((d) => path.join(root, d));
    for (const dir of dataDirs) {
      await mkdir(path.join(dir, 'market'), { recursive: true });
      for (const s of KNOWN) await writeFile(path.join(dir, 'market', `${s}.csv`), bars(20));
    }
    const providers = dataDirs.map((d) => new MarketDataProvider(d));
    const out: CorpusFailure[] = [];
    const add = (label: string, jobType: string, error: Error) => out.push({ label, jobType, errorMessage: error.message, errorStack: error.stack ?? null });
    const csvFile = () => path.join(pick(dataDirs), 'market', `${ticker()}.csv`);

    for (let i = 0; i < rounds; i++) {
      const type = pick(['backtest', 'signal']);
      add(`${type}:no-file`, type, await caught(`${type}:no-file`, () => pick(providers).load(ticker())));
      add('backtest:invalid-ticker', 'backtest', await caught('backtest:invalid-ticker', () => pick(providers).load(pick([`${letters(2)}$`, letters(3).toLowerCase(), `${int(1, 99)}${letters(2)}`]))));
      const year = int(1995, 2019);
      add('backtest:no-data-in-range', 'backtest', await caught('backtest:no-data-in-range', () => pick(providers).loadRange(pick(KNOWN), day(year), `${year}-12-31`)));
      add('matrix-build:csv-header', 'matrix-build', await caught('matrix-build:csv-header', () => parseBarCsv(ticker(), `${pick(['date;open;high', 'Date,Open', 'symbol,date,close'])}\n`, csvFile())));
      add('matrix-build:csv-columns', 'matrix-build', await caught('matrix-build:csv-columns', () => parseBarCsv(ticker(), `${bars(int(1, 40)).trimEnd()}\n2021-01-01,1,2,${int(1, 9)}\n`, csvFile())));
      add('matrix-build:csv-date', 'matrix-build', await caught('matrix-build:csv-date', () => parseBarCsv(ticker(), `${HEADER}\n${pick(['2024-13-01', '01/02/2024', `20${int(10, 24)}.01.02`])},1,2,1,1,5\n`, csvFile())));
      add('matrix-build:csv-price', 'matrix-build', await caught('matrix-build:csv-price', () => parseBarCsv(ticker(), `${bars(int(1, 40)).trimEnd()}\n2029-01-01,${-int(1, 50)},2,1,1,5\n`, csvFile())));
      const rows = int(200_000, 900_000);
      const features = int(8, 12);
      const lags = int(50, 400);
      add('training:matrix-too-large', 'training', await caught('training:matrix-too-large', () => checkMatrixLimit(rows, features, lags, pick([256, 512]) * 1024 * 1024)));
      const n = int(1, 9);
      const dates = Array.from({ length: n }, (_, d) => `2024-01-${String(d + 1).padStart(2, '0')}`);
      add('training:too-few-dates', 'training', await caught('training:too-few-dates', () => prepareTrainingSets({ columns: ['r'], symbols: dates.map(() => pick(KNOWN)), dates, values: new Float64Array(n), forwardReturn: new Float64Array(n), label: new Uint8Array(n) }, { lags: 0, validationSplit: 0.2, embargoDays: 0 })));
      add('sweep:grid-irrelevant', 'sweep', await caught('sweep:grid-irrelevant', () => expandSweepGrid(SweepConfig.parse({ strategy: 'sma-crossover', grid: { lookback: [int(2, 9), int(10, 30)], threshold: [rng.next() / 10] } }))));
      const fast = int(60, 150);
      add('sweep:grid-no-valid-set', 'sweep', await caught('sweep:grid-no-valid-set', () => expandSweepGrid(SweepConfig.parse({ strategy: 'sma-crossover', grid: { fastWindow: [fast, fast + int(1, 40)], slowWindow: [int(10, 55)] } }))));
      add('training:not-a-job-id', 'training', await caught('training:not-a-job-id', () => jobOutputDir(root, `${pick(['my', 'last', 'the'])} matrix ${int(1, 99)}`)));
      add('training:no-matrix', 'training', await caught('training:no-matrix', () => matrixFileResolver(pick(dataDirs))(jobId('matrix-build'))));
      add('backtest:invalid-capital', 'backtest', await caught('backtest:invalid-capital', () => runJobHandler(JOB_HANDLERS.backtest, { config: { capital: -int(1, 100_000) } } as RunJobOptions)));
      add('training:unknown-key', 'training', await caught('training:unknown-key', () => runJobHandler(JOB_HANDLERS.training, { config: { epochz: int(1, 500) } } as RunJobOptions)));
      const timeoutType = pick(['backtest', 'training', 'sweep']);
      add(`${timeoutType}:timeout`, timeoutType, new JobTimeoutError(`ran longer than its time limit of ${int(1, 60) * 60_000} ms; limit hit at "${pick(['Train', 'Simulate', 'Run backtests'])}"`));
      // Recorded by BullMQ, not thrown by a handler: its own wording, without a stack.
      const lostType = pick(['backtest', 'training']);
      out.push({ label: `${lostType}:stalled`, jobType: lostType, errorMessage: 'job stalled more than allowable limit', errorStack: null });
      const [code, signal] = pick([[1, 'null'], [134, 'null'], [null, 'SIGKILL'], [137, 'null']] as const);
      out.push({ label: 'training:child-exited', jobType: 'training', errorMessage: `Unexpected exit code: ${code} signal: ${signal}`, errorStack: null });
    }
    // Fisher–Yates with the seeded generator: failures arrive mixed, as they do on a cluster.
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
