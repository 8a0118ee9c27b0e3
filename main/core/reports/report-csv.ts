/**
 * CSV per RFC 4180 (quoted where needed, CRLF line ends), one table per file; several tables go
 * into one zip. Cells that a spreadsheet would run as a formula (=, +, -, @ at the start of text)
 * are prefixed with a quote mark: user names and error messages come from anyone who submits jobs.
 */
import { strToU8, zipSync } from 'fflate';
import type { Report } from '../../../contract/reports.ts';
import { reportTables, type Cell, type ReportTable } from './report-tables.ts';

function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(Math.round(cell * 1e6) / 1e6) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function tableCsv(table: ReportTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(cellText).join(',')).join('\r\n') + '\r\n';
}

/** `<kind>-<table>.csv` names of a report's files. */
export function csvFileName(report: Report, table: ReportTable): string {
  return `${report.kind}-${table.name}.csv`;
}

/** Every table of the report as CSV files in one zip. */
export function reportCsvZip(report: Report): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const table of reportTables(report)) files[csvFileName(report, table)] = strToU8(tableCsv(table));
  return zipSync(files, { level: 6, mtime: new Date(report.generatedAt) });
}

/** The report's main table as one CSV (the first table; the rest are in the zip). */
export function reportMainCsv(report: Report): string {
  return tableCsv(reportTables(report)[0]!);
}
