/**
 * Daily OHLCV bars of one symbol, stored column-wise (typed arrays) so indicators and simulations
 * run over contiguous numbers; plus the CSV format the market data folder uses.
 */
import { BadDataError } from '../job-errors.ts';

/** Bars of one symbol in date order. */
export interface BarSeries {
  symbol: string;
  dates: string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const BAR_CSV_HEADER = 'date,open,high,low,close,volume';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parse a bar CSV; any problem is a BadDataError naming `file` and the 1-based line. */
export function parseBarCsv(symbol: string, text: string, file: string): BarSeries {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const fail = (line: number, what: string): never => {
    throw new BadDataError(`market data file ${file} line ${line}: ${what}; fix or delete the file (a deleted market folder is re-generated)`);
  };
  if (lines[0]?.trim().toLowerCase() !== BAR_CSV_HEADER) fail(1, `expected the header "${BAR_CSV_HEADER}", found "${(lines[0] ?? '').slice(0, 80)}"`);
  const n = lines.length - 1;
  const series: BarSeries = {
    symbol,
    dates: new Array<string>(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const lineNo = i + 2;
    const cells = lines[i + 1]!.split(',');
    if (cells.length !== 6) fail(lineNo, `expected 6 comma-separated values, found ${cells.length}`);
    const date = cells[0]!.trim();
    if (!ISO_DAY.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) fail(lineNo, `"${date}" is not a date as YYYY-MM-DD`);
    if (i > 0 && date <= series.dates[i - 1]!) fail(lineNo, `date ${date} is not after the previous row's ${series.dates[i - 1]}`);
    const values: number[] = [];
    for (let c = 1; c < 6; c++) {
      const raw = cells[c]!.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) fail(lineNo, `${BAR_CSV_HEADER.split(',')[c]} is not a number ("${raw.slice(0, 40)}")`);
      values.push(v);
    }
    const [open, high, low, close, volume] = values as [number, number, number, number, number];
    if (open <= 0 || high <= 0 || low <= 0 || close <= 0) fail(lineNo, 'prices must be positive');
    if (volume < 0) fail(lineNo, 'volume must not be negative');
    if (low > Math.min(open, close) || high < Math.max(open, close)) fail(lineNo, 'low/high do not enclose open and close');
    series.dates[i] = date;
    series.open[i] = open;
    series.high[i] = high;
    series.low[i] = low;
    series.close[i] = close;
    series.volume[i] = volume;
  }
  if (n === 0) fail(2, 'no bars after the header');
  return series;
}

/** The CSV text of a series (prices with 4 decimals, integer volume). */
export function formatBarCsv(series: BarSeries): string {
  const out: string[] = [BAR_CSV_HEADER];
  for (let i = 0; i < series.dates.length; i++) {
    out.push(
      `${series.dates[i]},${series.open[i]!.toFixed(4)},${series.high[i]!.toFixed(4)},${series.low[i]!.toFixed(4)},${series.close[i]!.toFixed(4)},${Math.round(series.volume[i]!)}`,
    );
  }
  return out.join('\n') + '\n';
}

/** Index of the first bar on or after `date` (dates.length when none). */
export function lowerBound(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last bar on or before `date` (−1 when none). */
export function lastAtOrBefore(dates: readonly string[], date: string): number {
  const i = lowerBound(dates, date);
  return i < dates.length && dates[i] === date ? i : i - 1;
}
