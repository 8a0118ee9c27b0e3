/**
 * Writing a job's output files: into its output folder, atomically (temporary name, then rename),
 * so a reader never sees half a file — also when a job is force-stopped mid-write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobOutput } from '../../contract/jobs.ts';

/** Write `content` as `name` in `outputDir` and describe it as a JobOutput. */
export async function writeOutputFile(outputDir: string, name: string, content: string | Uint8Array, kind: string): Promise<JobOutput> {
  await mkdir(outputDir, { recursive: true });
  const location = path.join(outputDir, name);
  const temp = `${location}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content);
  await rename(temp, location);
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  return { name, location, bytes, kind };
}

/** A CSV cell: numbers as given, text quoted when it holds a comma, quote or newline. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of a header and rows. */
export function toCsv(columns: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return [columns.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

/** Round for presentation in metrics (keeps JSON short and figures readable). */
export function round(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
