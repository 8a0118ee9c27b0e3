/**
 * Opens `cache.db`: checks it (`PRAGMA quick_check`), then WAL mode and migrations. Only a damaged
 * file (quick_check finds damage, SQLite says it is corrupt or not a database, or a newer app wrote
 * it) is moved aside (`cache.db.corrupt-<time>`, with its -wal/-shm) for a fresh one — the cache is
 * rebuilt from the clusters, so losing it costs a resync. A full disk, an I/O error, a read-only or
 * locked file say nothing about the data: the file is left alone and the cache opens degraded, with
 * a message saying what is wrong — its offline history (samples, job details the clusters no longer
 * keep) must not be thrown away for a full disk.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StorageProblem } from '../../../contract/admin-api.ts';
import { bulkLoadActive, finishBulkLoad } from './bulk-load.ts';
import { MIGRATIONS } from './cache-schema.ts';
import { MOVED_ASIDE_MARK } from './moved-aside.ts';
import { describeStorageProblem, storageFaultOf } from './storage-problems.ts';

export type SqliteDatabase = Database.Database;

export interface OpenCacheOptions {
  /** Path of the database file; ':memory:' for tests. */
  file: string;
  /** better-sqlite3's `nativeBinding` (the Electron build of the addon inside the app). */
  nativeBinding?: string;
  log?: (line: string) => void;
  /** How long to wait for a lock held by another program (ms). */
  busyTimeoutMs?: number;
  /** How often writing is tried again while it fails (ms). */
  retryWriteMs?: number;
}

/** The cache opened in a lesser way than normal, and why. */
export interface DegradedCache {
  problem: StorageProblem;
  message: string;
  /** Writes wait until the file takes them again; false when the cache runs in memory instead. */
  writesPaused: boolean;
}

export interface OpenedCache {
  db: SqliteDatabase;
  /** Set when a damaged file was moved aside: what happened, in words for the admin. */
  recovered: string | null;
  degraded: DegradedCache | null;
}

/** The file's contents are damaged (as opposed to the disk or the file's access failing). */
class CacheDamaged extends Error {}

/** Open (and if needed repair) the cache database, migrated to the latest schema. */
export function openCacheDatabase(options: OpenCacheOptions): OpenedCache {
  const log = options.log ?? (() => {});
  if (options.file === ':memory:') return { db: ready(connect(options)), recovered: null, degraded: null };
  const folder = path.dirname(options.file);
  mkdirSync(folder, { recursive: true });
  let failure: unknown;
  try {
    return { db: ready(connect(options)), recovered: null, degraded: null };
  } catch (error) {
    failure = error;
  }
  if (!isDamage(failure)) {
    const problem = storageFaultOf(failure, folder);
    const kind: StorageProblem = problem === null || problem === 'corrupt' ? 'io-error' : problem;
    const why = describeStorageProblem(kind, folder, failure);
    try {
      // Exclusive locking keeps SQLite's shared-memory index in memory: on a full disk the file
      // can still be read (and written again once there is space).
      const db = ready(connect(options, true));
      return { db, recovered: null, degraded: { problem: kind, message: `${why} (the cached data is shown meanwhile)`, writesPaused: true } };
    } catch (error) {
      if (!isDamage(error)) {
        return {
          db: ready(connect({ ...options, file: ':memory:' })),
          recovered: null,
          degraded: {
            problem: kind,
            message: `${why}. The cache file could not be opened and is left as it is; until the app is restarted, it shows only what it syncs from now on`,
            writesPaused: false,
          },
        };
      }
      failure = error;
    }
  }
  const moved = moveAside(options.file);
  const recovered =
    `The job cache was damaged (${messageOf(failure)}). It was moved to ${path.basename(moved)} ` +
    'and a new cache is being rebuilt from the clusters.';
  log(recovered);
  return { db: ready(connect(options)), recovered, degraded: null };
}

function isDamage(error: unknown): boolean {
  return error instanceof CacheDamaged || storageFaultOf(error) === 'corrupt';
}

/** Check and migrate `db`; closes it and throws when that fails. */
function ready(db: SqliteDatabase): SqliteDatabase {
  try {
    const problem = integrityProblem(db);
    if (problem !== null) throw new CacheDamaged(problem);
    // The app stopped during a bulk load (bulk-load.ts): its triggers are put back before the
    // migrations, which expect the schema as they left it. A disk that cannot take the rebuild now
    // leaves the load on, to be finished at a later open; the cache still reads.
    if (bulkLoadActive(db)) {
      try {
        finishBulkLoad(db);
      } catch (error) {
        if (isDamage(error) || storageFaultOf(error) === null) throw error;
      }
    }
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function connect(options: OpenCacheOptions, exclusive = false): SqliteDatabase {
  const db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    configure(db, options, exclusive);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function configure(db: SqliteDatabase, options: OpenCacheOptions, exclusive: boolean): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
  // WAL: readers (queries for the UI, sqlite3 opened by an admin) never block the sync writer.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across app crashes in WAL mode; a power cut can lose the last commits, which
  // the next sync fetches again.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
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
  const target = `${file}${MOVED_ASIDE_MARK}${stamp}`;
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
