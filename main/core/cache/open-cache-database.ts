/**
 * Opens `cache.db`: checks it (`PRAGMA quick_check`), moves a corrupt or unreadable file aside
 * (`cache.db.corrupt-<time>`, with its -wal/-shm) and starts a fresh one — the cache is rebuilt
 * from the clusters, so losing it costs a resync, never the app. Then WAL mode and migrations.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './cache-schema.ts';

export type SqliteDatabase = Database.Database;

export interface OpenCacheOptions {
  /** Path of the database file; ':memory:' for tests. */
  file: string;
  /** better-sqlite3's `nativeBinding` (the Electron build of the addon inside the app). */
  nativeBinding?: string;
  log?: (line: string) => void;
}

export interface OpenedCache {
  db: SqliteDatabase;
  /** Set when a damaged file was moved aside: what happened, in words for the admin. */
  recovered: string | null;
}

/** Open (and if needed repair) the cache database, migrated to the latest schema. */
export function openCacheDatabase(options: OpenCacheOptions): OpenedCache {
  const log = options.log ?? (() => {});
  if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
  let recovered: string | null = null;
  let db: SqliteDatabase | null = null;
  try {
    db = connect(options);
    const problem = integrityProblem(db);
    if (problem !== null) throw new Error(problem);
  } catch (error) {
    db?.close();
    db = null;
    if (options.file === ':memory:') throw error;
    const moved = moveAside(options.file);
    recovered =
      `The job cache was damaged (${messageOf(error)}). It was moved to ${path.basename(moved)} ` +
      'and a new cache is being rebuilt from the clusters.';
    log(recovered);
  }
  db ??= connect(options);
  migrate(db);
  return { db, recovered };
}

function connect(options: OpenCacheOptions): SqliteDatabase {
  const db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  // WAL: readers (queries for the UI, sqlite3 opened by an admin) never block the sync writer.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across app crashes in WAL mode; a power cut can lose the last commits, which
  // the next sync fetches again.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  return db;
}

/** null when the database is sound, otherwise what `quick_check` (or reading it) reported. */
function integrityProblem(db: SqliteDatabase): string | null {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const bad = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (bad.length > 0) return `quick_check: ${bad.slice(0, 3).join('; ')}`;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    return `it was written by a newer version of the app (schema ${version}, this one knows ${MIGRATIONS.length})`;
  }
  return null;
}

function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

/** Apply every migration past `user_version`, each in its own transaction. */
export function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    const apply = db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    });
    apply();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
