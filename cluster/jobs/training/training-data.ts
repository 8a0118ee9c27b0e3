/**
 * Turning a feature matrix into training and validation sets: optional lagged features, a split by
 * time (validation = the latest dates, with an embargo so no training label overlaps them), and
 * normalisation with the training set's mean and standard deviation. Plus the up-front memory
 * estimate that refuses oversized requests before anything is allocated.
 */
import { BadInputError, LimitExceededError } from '../job-errors.ts';
import type { FeatureRows } from '../matrix/feature-matrix.ts';

export interface TrainingSets {
  features: string[];
  trainX: Float64Array;
  trainY: Uint8Array;
  validX: Float64Array;
  validY: Uint8Array;
  mean: Float64Array;
  std: Float64Array;
  /** First validation date; training rows end `embargoDays` trading days before it. */
  validationFrom: string;
  trainRange: [string, string];
  validRange: [string, string];
}

/** Bytes the design matrices need: rows × features × (lags + 1) doubles, plus the source matrix. */
export function estimateMatrixBytes(rows: number, baseFeatures: number, lags: number): number {
  return rows * baseFeatures * (lags + 2) * 8;
}

/** Throw LimitExceededError when the estimate is over `maxBytes`, naming the limit and the fix. */
export function checkMatrixLimit(rows: number, baseFeatures: number, lags: number, maxBytes: number): number {
  const bytes = estimateMatrixBytes(rows, baseFeatures, lags);
  if (bytes > maxBytes) {
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    throw new LimitExceededError(
      `training matrix too large: ${rows} rows × ${baseFeatures * (lags + 1)} features needs about ${mb(bytes)}, over the worker's limit of ${mb(maxBytes)} (maxMatrixBytes); use fewer symbols, a shorter date range or fewer lags`,
    );
  }
  return bytes;
}

/** Names of the columns after adding lags: f, f_lag1, … f_lagL for each feature f. */
export function laggedNames(columns: readonly string[], lags: number): string[] {
  const names = [...columns];
  for (let l = 1; l <= lags; l++) names.push(...columns.map((c) => `${c}_lag${l}`));
  return names;
}

/**
 * Build the sets. Rows are grouped by symbol with ascending dates (matrix order); a lag reads the
 * same symbol's row `l` places earlier, and rows without `lags` predecessors are dropped.
 */
export function prepareTrainingSets(m: FeatureRows, options: { lags: number; validationSplit: number; embargoDays: number }): TrainingSets {
  const d0 = m.columns.length;
  const { lags } = options;
  const d = d0 * (lags + 1);
  const usable: number[] = [];
  let runStart = 0;
  for (let r = 0; r < m.dates.length; r++) {
    if (r > 0 && (m.symbols[r] !== m.symbols[r - 1] || m.dates[r]! <= m.dates[r - 1]!)) runStart = r;
    if (r - runStart >= lags) usable.push(r);
  }
  const dates = [...new Set(usable.map((r) => m.dates[r]!))].sort();
  if (dates.length < 10) throw new BadInputError(`too few dates to train on (${dates.length}); widen the date range`);
  const cut = Math.min(dates.length - 1, Math.max(1, Math.floor(dates.length * (1 - options.validationSplit))));
  const validationFrom = dates[cut]!;
  const trainUntil = dates[Math.max(0, cut - options.embargoDays)]!;
  const trainRows = usable.filter((r) => m.dates[r]! < trainUntil);
  const validRows = usable.filter((r) => m.dates[r]! >= validationFrom);
  if (trainRows.length === 0 || validRows.length === 0) throw new BadInputError('the time split left no training or no validation rows; widen the date range');

  const fill = (rows: number[]): Float64Array => {
    const x = new Float64Array(rows.length * d);
    rows.forEach((r, i) => {
      for (let l = 0; l <= lags; l++) x.set(m.values.subarray((r - l) * d0, (r - l + 1) * d0), i * d + l * d0);
    });
    return x;
  };
  const trainX = fill(trainRows);
  const validX = fill(validRows);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < trainRows.length; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + trainX[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / trainRows.length;
  for (let i = 0; i < trainRows.length; i++) for (let j = 0; j < d; j++) std[j] = std[j]! + (trainX[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]! / trainRows.length) || 1;
  normalise(trainX, mean, std);
  normalise(validX, mean, std);
  const span = (rows: number[]): [string, string] => [m.dates[rows[0]!]!, rows.reduce((a, r) => (m.dates[r]! > a ? m.dates[r]! : a), m.dates[rows[0]!]!)];
  return {
    features: laggedNames(m.columns, lags),
    trainX,
    trainY: Uint8Array.from(trainRows, (r) => m.label[r]!),
    validX,
    validY: Uint8Array.from(validRows, (r) => m.label[r]!),
    mean,
    std,
    validationFrom,
    trainRange: [trainRows.reduce((a, r) => (m.dates[r]! < a ? m.dates[r]! : a), m.dates[trainRows[0]!]!), span(trainRows)[1]],
    validRange: [validationFrom, span(validRows)[1]],
  };
}

/** (x − mean) / std in place, column by column. */
export function normalise(x: Float64Array, mean: Float64Array, std: Float64Array): void {
  const d = mean.length;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - mean[i % d]!) / std[i % d]!;
}
