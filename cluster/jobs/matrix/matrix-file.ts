/**
 * The matrix-build output: `matrix.csv` (symbol, date, features…, fwd_return, label) and
 * `manifest.json` (row/column counts and how it was built), and reading them back for training.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { BadDataError } from '../job-errors.ts';
import type { FeatureRows } from './feature-matrix.ts';

export const MATRIX_FILE = 'matrix.csv';
export const MANIFEST_FILE = 'manifest.json';

export const MatrixManifest = z.object({
  format: z.literal('sigmatiq-feature-matrix/1'),
  rows: z.int().min(0),
  columns: z.int().min(1),
  featureColumns: z.array(z.string()).min(1),
  labelColumn: z.string(),
  symbols: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  horizonDays: z.int().min(1),
  droppedRows: z.int().min(0),
  positiveRate: z.number().min(0).max(1),
  jobId: z.string(),
});
export type MatrixManifest = z.infer<typeof MatrixManifest>;

/** CSV text of a matrix (features with 8 significant decimals). */
export function formatMatrixCsv(m: FeatureRows): string {
  const d = m.columns.length;
  const lines = [['symbol', 'date', ...m.columns, 'fwd_return', 'label'].join(',')];
  for (let r = 0; r < m.dates.length; r++) {
    const row = [m.symbols[r]!, m.dates[r]!];
    for (let j = 0; j < d; j++) row.push(String(Math.round(m.values[r * d + j]! * 1e8) / 1e8));
    row.push(String(Math.round(m.forwardReturn[r]! * 1e8) / 1e8), String(m.label[r]));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** The manifest next to a matrix file, or null when there is none. */
export async function readManifest(matrixPath: string): Promise<MatrixManifest | null> {
  const file = path.join(path.dirname(matrixPath), MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = MatrixManifest.safeParse(JSON.parse(text));
  if (!parsed.success) throw new BadDataError(`matrix manifest ${file} is not valid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Size of a matrix file in bytes (for the up-front memory estimate when there is no manifest). */
export async function matrixFileBytes(matrixPath: string): Promise<number> {
  return (await stat(matrixPath)).size;
}

/** Parse a matrix CSV; problems are BadDataErrors naming the file and line. */
export async function readMatrixCsv(matrixPath: string): Promise<FeatureRows> {
  let text: string;
  try {
    text = await readFile(matrixPath, 'utf8');
  } catch (error) {
    throw new BadDataError(`cannot read matrix file ${matrixPath}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').split(',');
  const fail = (line: number, what: string): never => {
    throw new BadDataError(`matrix file ${matrixPath} line ${line}: ${what}; rebuild it with a matrix-build job`);
  };
  if (header[0] !== 'symbol' || header[1] !== 'date' || header.at(-2) !== 'fwd_return' || header.at(-1) !== 'label' || header.length < 5) {
    fail(1, 'expected the header symbol,date,<features…>,fwd_return,label');
  }
  const columns = header.slice(2, -2);
  const d = columns.length;
  const n = lines.length - 1;
  const out: FeatureRows = { columns, symbols: new Array(n), dates: new Array(n), values: new Float64Array(n * d), forwardReturn: new Float64Array(n), label: new Uint8Array(n) };
  for (let r = 0; r < n; r++) {
    const cells = lines[r + 1]!.split(',');
    if (cells.length !== d + 4) fail(r + 2, `expected ${d + 4} values, found ${cells.length}`);
    out.symbols[r] = cells[0]!;
    out.dates[r] = cells[1]!;
    for (let j = 0; j < d; j++) {
      const v = Number(cells[j + 2]);
      if (!Number.isFinite(v) || cells[j + 2] === '') fail(r + 2, `${columns[j]} is not a number`);
      out.values[r * d + j] = v;
    }
    out.forwardReturn[r] = Number(cells[d + 2]);
    const label = cells[d + 3];
    if (label !== '0' && label !== '1') fail(r + 2, 'label must be 0 or 1');
    out.label[r] = label === '1' ? 1 : 0;
  }
  return out;
}
