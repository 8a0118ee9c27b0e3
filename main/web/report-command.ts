/**
 * `sigmatiq-admin report <kind> …`: a report from the cache of a stopped or running app, offline.
 * It reads `cache.db` in the data folder (WAL lets it read while the app writes) and writes CSV,
 * JSON or PDF to a file, or JSON or CSV to stdout. Bad arguments exit 2 with the usage; a cache it
 * cannot read exits 1 saying why.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { REPORT_KINDS, ReportFormat, ReportKind, ReportRequest } from '../../contract/reports.ts';
import { MIGRATIONS } from '../core/cache/cache-schema.ts';
import { FailureStore } from '../core/failures/failure-store.ts';
import { buildReport } from '../core/reports/build-report.ts';
import { failureFactsOf } from '../core/reports/failure-analysis.ts';
import { reportPdf } from '../core/reports/pdf/report-pdf.ts';
import type { PaperSize } from '../core/reports/pdf/pdf-writer.ts';
import { reportCsvZip, tableCsv } from '../core/reports/report-csv.ts';
import { ReportArgumentError } from '../core/reports/report-period.ts';
import { reportTables } from '../core/reports/report-tables.ts';
import { migrate } from '../core/cache/open-cache-database.ts';
import { defaultDataDir, UsageError } from './serve-args.ts';

export const REPORT_USAGE = `usage: sigmatiq-admin report <kind> [options]

Makes a report from the app's job cache, offline (the app may be running or stopped).

kinds: ${REPORT_KINDS.join(', ')}

options:
  --format csv|json|pdf  (default json)
  --out FILE             write here; without it JSON or CSV goes to stdout (PDF needs --out).
                         CSV: FILE gets the main table and FILE-<table>.csv the others,
                         or give FILE.zip for every table in one zip
  --since 7d|24h|…       the last N days or hours (default 7d)
  --from YYYY-MM-DD --to YYYY-MM-DD
                         whole days instead, both included, in this machine's time zone
  --cluster ID           only this cluster (repeatable; default every cluster in the cache)
  --paper a4|letter      PDF page size (default a4)
  --data-dir DIR         the app's data folder (default: as for serve)
  -h, --help             this help
`;

export interface ReportArgs {
  request: ReportRequest;
  format: ReportFormat;
  out: string | null;
  paper: PaperSize;
  dataDir: string;
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind.startsWith('-')) throw new UsageError(`say which report first: one of ${REPORT_KINDS.join(', ')}`);
  if (!ReportKind.safeParse(kind).success) throw new UsageError(`unknown report '${kind}': choose one of ${REPORT_KINDS.join(', ')}`);
  const raw: Record<string, unknown> = { kind };
  const clusters: string[] = [];
  let format: ReportFormat = 'json';
  let out: string | null = null;
  let paper: PaperSize = 'A4';
  let dataDir = defaultDataDir();
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const take = () => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option '${flag}' needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = take();
        const f = ReportFormat.safeParse(v);
        if (!f.success) throw new UsageError(`--format ${v}: choose csv, json or pdf`);
        format = f.data;
        break;
      }
      case '--out':
        out = path.resolve(take());
        break;
      case '--since':
        raw.since = take();
        break;
      case '--from':
        raw.from = take();
        break;
      case '--to':
        raw.to = take();
        break;
      case '--cluster':
        clusters.push(take());
        break;
      case '--paper': {
        const v = take().toLowerCase();
        if (v !== 'a4' && v !== 'letter') throw new UsageError(`--paper ${v}: choose a4 or letter`);
        paper = v === 'a4' ? 'A4' : 'LETTER';
        break;
      }
      case '--data-dir':
        dataDir = path.resolve(take());
        break;
      default:
        throw new UsageError(`unknown option '${flag}'`);
    }
  }
  if (clusters.length > 0) raw.clusters = clusters;
  const parsed = ReportRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path[0] === 'clusters' ? 'cluster' : String(issue.path[0] ?? 'arguments');
    throw new UsageError(`--${name}: ${issue.message}`);
  }
  if (format === 'pdf' && out === null) throw new UsageError('a PDF needs --out FILE (it is not written to a terminal)');
  return { request: parsed.data, format, out, paper, dataDir };
}

class CacheUnreadable extends Error {}

/** The cache for reading; an older schema is brought up to date first (as the app would). */
function openCache(dataDir: string): Database.Database {
  const file = path.join(dataDir, 'cache.db');
  if (!existsSync(file)) throw new CacheUnreadable(`no job cache at ${file}: start the app once (npm start) so it syncs a cluster, or pass --data-dir`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 10_000 });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new CacheUnreadable(`the cache at ${file} was written by a newer version of the app: use that version's sigmatiq-admin`);
    if (version < MIGRATIONS.length) migrate(db);
  } catch (error) {
    if (error instanceof CacheUnreadable) throw error;
    throw new CacheUnreadable(`cannot read the cache at ${file}: ${(error as Error).message}`);
  }
  return db;
}

export interface ReportIo {
  out: (text: string) => void;
  err: (line: string) => void;
}

export async function runReport(argv: readonly string[], io: ReportIo, now = Date.now()): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.out(REPORT_USAGE);
    return 0;
  }
  let args: ReportArgs;
  try {
    args = parseReportArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`sigmatiq-admin report: ${error.message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  let db: Database.Database;
  try {
    db = openCache(args.dataDir);
  } catch (error) {
    io.err(`sigmatiq-admin report: ${(error as Error).message}`);
    return 1;
  }
  try {
    const failures = new FailureStore(db);
    const report = buildReport({ db, failures: failureFactsOf(failures, now) }, args.request, now);
    if (args.out) mkdirSync(path.dirname(args.out), { recursive: true });
    const written: string[] = [];
    if (args.format === 'json') {
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (args.out) {
        writeFileSync(args.out, text);
        written.push(args.out);
      } else io.out(text);
    } else if (args.format === 'pdf') {
      writeFileSync(args.out!, await reportPdf(report, args.paper));
      written.push(args.out!);
    } else if (args.out?.toLowerCase().endsWith('.zip')) {
      writeFileSync(args.out, reportCsvZip(report));
      written.push(args.out);
    } else {
      const [main, ...others] = reportTables(report);
      if (!args.out) io.out(tableCsv(main!));
      else {
        writeFileSync(args.out, tableCsv(main!));
        written.push(args.out);
        const stem = args.out.replace(/\.csv$/i, '');
        for (const t of others) {
          const file = `${stem}-${t.name}.csv`;
          writeFileSync(file, tableCsv(t));
          written.push(file);
        }
      }
    }
    for (const c of report.coverage) io.err(`${c.clusterId}: ${c.note}`);
    for (const file of written) io.err(`wrote ${file}`);
    return 0;
  } catch (error) {
    if (error instanceof ReportArgumentError) {
      io.err(`sigmatiq-admin report: ${error.message}`);
      return 2;
    }
    io.err(`sigmatiq-admin report: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
}
