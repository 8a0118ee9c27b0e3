/**
 * The feature matrix: per symbol and trading day, features computed from bars up to that day's
 * close, and a label from the forward return over `horizonDays`. Rows whose windows are incomplete
 * (warm-up at the start, no forward bars at the end) are dropped. Values are row-major in one
 * Float64Array so training can read them without per-row objects.
 */
import type { MatrixBuildConfig } from '../../../contract/job-configs.ts';
import type { BarSeries } from '../market-data/bar-series.ts';
import { annualisedVolatility, pctChange, rsi, sma } from '../strategies/indicators.ts';

export type FeatureGroup = MatrixBuildConfig['features'][number];

/** Column names each feature group contributes, in matrix order. */
export const FEATURE_COLUMNS: Record<FeatureGroup, readonly string[]> = {
  returns: ['ret_1d', 'ret_5d', 'ret_20d'],
  sma: ['close_to_sma10', 'close_to_sma50', 'sma10_to_sma50'],
  rsi: ['rsi_14'],
  volatility: ['vol_20', 'vol_ratio_20_60'],
};

/** Feature columns of a config's groups, in a fixed order whatever order the config lists them in. */
export function featureColumns(groups: readonly FeatureGroup[]): string[] {
  return (Object.keys(FEATURE_COLUMNS) as FeatureGroup[]).filter((g) => groups.includes(g)).flatMap((g) => FEATURE_COLUMNS[g]);
}

/** Rows of one symbol (or of many, concatenated symbol by symbol, dates ascending). */
export interface FeatureRows {
  columns: string[];
  symbols: string[];
  dates: string[];
  /** rows × columns, row-major. */
  values: Float64Array;
  forwardReturn: Float64Array;
  label: Uint8Array;
}

function columnsFor(series: BarSeries, groups: readonly FeatureGroup[]): Float64Array[] {
  const close = series.close;
  const cols: Float64Array[] = [];
  if (groups.includes('returns')) cols.push(pctChange(close, 1), pctChange(close, 5), pctChange(close, 20));
  if (groups.includes('sma')) {
    const s10 = sma(close, 10);
    const s50 = sma(close, 50);
    cols.push(
      close.map((c, i) => c / s10[i]! - 1),
      close.map((c, i) => c / s50[i]! - 1),
      s10.map((v, i) => v / s50[i]! - 1),
    );
  }
  if (groups.includes('rsi')) cols.push(rsi(close, 14).map((v) => v / 100));
  if (groups.includes('volatility')) {
    const v20 = annualisedVolatility(close, 20);
    const v60 = annualisedVolatility(close, 60);
    cols.push(v20, v20.map((v, i) => v / v60[i]!));
  }
  return cols;
}

/**
 * Feature rows of `series` for bars [from, to]. History before `from` serves as warm-up; the
 * forward return may use bars after `to` (it is the label, known only later by definition).
 */
export function symbolFeatureRows(series: BarSeries, from: number, to: number, groups: readonly FeatureGroup[], horizonDays: number): FeatureRows & { dropped: number } {
  const columns = featureColumns(groups);
  const cols = columnsFor(series, groups);
  const keep: number[] = [];
  for (let i = from; i <= to; i++) {
    if (i + horizonDays >= series.close.length) continue;
    if (cols.every((c) => Number.isFinite(c[i]!))) keep.push(i);
  }
  const d = columns.length;
  const values = new Float64Array(keep.length * d);
  const forwardReturn = new Float64Array(keep.length);
  const label = new Uint8Array(keep.length);
  keep.forEach((i, r) => {
    for (let j = 0; j < d; j++) values[r * d + j] = cols[j]![i]!;
    forwardReturn[r] = series.close[i + horizonDays]! / series.close[i]! - 1;
    label[r] = forwardReturn[r]! > 0 ? 1 : 0;
  });
  return {
    columns,
    symbols: keep.map(() => series.symbol),
    dates: keep.map((i) => series.dates[i]!),
    values,
    forwardReturn,
    label,
    dropped: to - from + 1 - keep.length,
  };
}

/** Concatenate per-symbol rows (same columns) into one matrix. */
export function concatRows(parts: readonly FeatureRows[]): FeatureRows {
  const columns = parts[0]?.columns ?? [];
  const n = parts.reduce((s, p) => s + p.dates.length, 0);
  const values = new Float64Array(n * columns.length);
  const forwardReturn = new Float64Array(n);
  const label = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    values.set(p.values, at * columns.length);
    forwardReturn.set(p.forwardReturn, at);
    label.set(p.label, at);
    at += p.dates.length;
  }
  return { columns, symbols: parts.flatMap((p) => p.symbols), dates: parts.flatMap((p) => p.dates), values, forwardReturn, label };
}
