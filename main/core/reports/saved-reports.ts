/**
 * The app's reports folder (`<data folder>/reports`): every exported and scheduled report is kept
 * there, listed newest first with what made it. A small JSON index next to the files keeps the
 * kind, format and notes; a file without an entry (copied in by hand) is listed from its name.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportFormat, ReportKind } from '../../../contract/reports.ts';
import { REPORT_KINDS } from '../../../contract/reports.ts';
import type { SavedReport } from '../../../contract/report-api.ts';

const INDEX = 'index.json';
const LISTED = 100;

export const MIME: Record<ReportFormat | 'zip', string> = { csv: 'text/csv', json: 'application/json', pdf: 'application/pdf', zip: 'application/zip' };

interface IndexEntry {
  kind: ReportKind;
  format: ReportFormat;
  createdAt: string;
  scheduleId: string | null;
  note: string | null;
}

export class SavedReports {
  constructor(readonly folder: string) {}

  private index(): Record<string, IndexEntry> {
    try {
      return JSON.parse(readFileSync(path.join(this.folder, INDEX), 'utf8')) as Record<string, IndexEntry>;
    } catch {
      return {};
    }
  }

  /** A file name for a report made now: kind, period end and time, never overwriting. */
  fileName(kind: ReportKind, format: ReportFormat, now: number, folder = this.folder): string {
    const stamp = new Date(now).toISOString().slice(0, 19).replaceAll(':', '-');
    const ext = format === 'csv' ? 'zip' : format;
    let name = `${kind}-${stamp}.${ext}`;
    for (let i = 2; existsSync(path.join(folder, name)); i++) name = `${kind}-${stamp}-${i}.${ext}`;
    return name;
  }

  /** Write a report file (into `folder`, the reports folder by default) and list it. */
  save(entry: IndexEntry, bytes: Uint8Array, folder = this.folder): string {
    mkdirSync(folder, { recursive: true });
    const name = this.fileName(entry.kind, entry.format, Date.parse(entry.createdAt), folder);
    const file = path.join(folder, name);
    writeFileSync(file, bytes);
    if (path.resolve(folder) === path.resolve(this.folder)) {
      const index = this.index();
      index[name] = entry;
      writeFileSync(path.join(this.folder, INDEX), JSON.stringify(index, null, 1));
    }
    return file;
  }

  list(): SavedReport[] {
    if (!existsSync(this.folder)) return [];
    const index = this.index();
    const out: SavedReport[] = [];
    for (const name of readdirSync(this.folder)) {
      if (name === INDEX) continue;
      const file = path.join(this.folder, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      const entry = index[name];
      const kind = entry?.kind ?? REPORT_KINDS.find((k) => name.startsWith(`${k}-`));
      if (!kind) continue;
      const format = entry?.format ?? (name.endsWith('.pdf') ? 'pdf' : name.endsWith('.json') ? 'json' : 'csv');
      out.push({
        filename: name,
        kind,
        format,
        createdAt: entry?.createdAt ?? stat.mtime.toISOString(),
        bytes: stat.size,
        path: file,
        scheduleId: entry?.scheduleId ?? null,
        note: entry?.note ?? null,
      });
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, LISTED);
  }

  /** A kept report by name; null when there is none (names come from list()). */
  find(name: string): SavedReport | null {
    return this.list().find((r) => r.filename === name) ?? null;
  }
}
