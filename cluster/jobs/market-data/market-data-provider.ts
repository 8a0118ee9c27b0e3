/**
 * Market data for jobs: daily OHLCV bars from `<dataDir>/market/<SYMBOL>.csv`. On first use it
 * writes the seeded synthetic universe. The folder appears atomically (written under a temporary
 * name, then renamed), so two processes starting at once never see half a universe: one rename
 * wins, the other discards its copy. Parsed series are cached per process and re-read when a
 * file changes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataNotAvailableError } from '../job-errors.ts';
import { type BarSeries, formatBarCsv, lastAtOrBefore, lowerBound, parseBarCsv } from './bar-series.ts';
import { generateUniverse, UNIVERSE_END, UNIVERSE_SEED, UNIVERSE_START } from './synthetic-universe.ts';

const MARKET_FOLDER = 'market';
const SYMBOL_FILE = /^[A-Z][A-Z0-9.]{0,9}$/;

interface CacheEntry {
  mtimeMs: number;
  size: number;
  series: BarSeries;
}

/** Reads (and on first use seeds) the market data of one data folder. */
export class MarketDataProvider {
  readonly marketDir: string;
  private readonly cache = new Map<string, CacheEntry>();
  private ready: Promise<void> | null = null;

  constructor(
    readonly dataDir: string,
    private readonly seed = UNIVERSE_SEED,
  ) {
    this.marketDir = path.join(dataDir, MARKET_FOLDER);
  }

  /** Make sure the market folder exists, writing the seeded universe when it does not. */
  ensureData(): Promise<void> {
    this.ready ??= this.seedIfMissing().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  /** Symbols with a data file, sorted. */
  async symbols(): Promise<string[]> {
    await this.ensureData();
    const names = await readdir(this.marketDir);
    return names
      .filter((n) => n.endsWith('.csv'))
      .map((n) => n.slice(0, -4))
      .filter((s) => SYMBOL_FILE.test(s))
      .sort();
  }

  /** All bars of `symbol`; DataNotAvailableError when it has no data file. */
  async load(symbol: string): Promise<BarSeries> {
    await this.ensureData();
    if (!SYMBOL_FILE.test(symbol)) throw new DataNotAvailableError(symbol, `data not available for symbol ${symbol}: not a valid ticker`);
    const file = path.join(this.marketDir, `${symbol}.csv`);
    let info;
    try {
      info = await stat(file);
    } catch {
      throw new DataNotAvailableError(symbol, `data not available for symbol ${symbol}: no file ${file}; check the ticker or add the file`);
    }
    const cached = this.cache.get(symbol);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.series;
    const series = parseBarCsv(symbol, await readFile(file, 'utf8'), file);
    this.cache.set(symbol, { mtimeMs: info.mtimeMs, size: info.size, series });
    return series;
  }

  /**
   * Bars of `symbol` with at least one bar in [start, end]; fails with "data not available"
   * naming the symbol and range otherwise. Returns the full series (history before `start` is
   * warm-up for indicators) and the index range of the requested dates.
   */
  async loadRange(symbol: string, start: string, end: string): Promise<{ series: BarSeries; from: number; to: number }> {
    const series = await this.load(symbol);
    const from = lowerBound(series.dates, start);
    const to = lastAtOrBefore(series.dates, end);
    if (from > to) {
      throw new DataNotAvailableError(
        symbol,
        `data not available for symbol ${symbol} between ${start} and ${end} (its data covers ${series.dates[0]} to ${series.dates[series.dates.length - 1]})`,
      );
    }
    return { series, from, to };
  }

  private async seedIfMissing(): Promise<void> {
    if (await exists(this.marketDir)) return;
    await mkdir(this.dataDir, { recursive: true });
    const temp = path.join(this.dataDir, `.market-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(temp);
    try {
      for (const series of generateUniverse(this.seed)) {
        await writeFile(path.join(temp, `${series.symbol}.csv`), formatBarCsv(series));
      }
      const about = { generator: 'sigmatiq synthetic universe v1', seed: this.seed, start: UNIVERSE_START, end: UNIVERSE_END };
      await writeFile(path.join(temp, '_universe.json'), JSON.stringify(about, null, 2) + '\n');
      await rename(temp, this.marketDir);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      // Another process renamed its complete copy first: use that one.
      if (isTargetExists(error) && (await exists(this.marketDir))) return;
      throw error;
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function isTargetExists(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES';
}

const providers = new Map<string, MarketDataProvider>();

/** The process-wide provider of a data folder (shares the parsed-series cache between jobs). */
export function openMarketData(dataDir: string): MarketDataProvider {
  const key = path.resolve(dataDir);
  let provider = providers.get(key);
  if (!provider) {
    provider = new MarketDataProvider(key);
    providers.set(key, provider);
  }
  return provider;
}
