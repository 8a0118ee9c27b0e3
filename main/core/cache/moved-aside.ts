/**
 * Damaged cache files moved aside at start (`cache.db.corrupt-<time>`, with their -wal/-shm): listed
 * for the admin (kept for inspection — the cache itself was rebuilt from the clusters) and removed
 * once older than the retention period, so repeated repairs never fill the disk.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MovedAsideCache } from '../../../contract/admin-api.ts';

export const MOVED_ASIDE_MARK = '.corrupt-';
export const MOVED_ASIDE_KEEP_DAYS = 14;

const SIDE_FILES = ['', '-wal', '-shm'];

/** `2026-11-28T15-04-05-123Z` (the stamp in the name) back to an ISO instant; null when not one. */
function stampTime(stamp: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(stamp);
  if (!m) return null;
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(t) ? null : t;
}

interface Found {
  name: string;
  sizeBytes: number;
  movedAt: number;
}

function find(cacheFile: string): Found[] {
  const folder = path.dirname(cacheFile);
  const prefix = path.basename(cacheFile) + MOVED_ASIDE_MARK;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const found: Found[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || name.endsWith('-wal') || name.endsWith('-shm')) continue;
    let sizeBytes = 0;
    let mtime = 0;
    for (const suffix of SIDE_FILES) {
      try {
        const s = statSync(path.join(folder, name + suffix));
        sizeBytes += s.size;
        if (suffix === '') mtime = s.mtimeMs;
      } catch {
        // that part does not exist
      }
    }
    found.push({ name, sizeBytes, movedAt: stampTime(name.slice(prefix.length)) ?? mtime });
  }
  return found.sort((a, b) => b.movedAt - a.movedAt);
}

/** The moved-aside copies of `cacheFile`, newest first. */
export function listMovedAside(cacheFile: string, keepDays = MOVED_ASIDE_KEEP_DAYS): MovedAsideCache[] {
  return find(cacheFile).map((f) => ({
    name: f.name,
    sizeBytes: f.sizeBytes,
    movedAt: new Date(f.movedAt).toISOString(),
    removeAfter: new Date(f.movedAt + keepDays * 86_400_000).toISOString(),
  }));
}

/** Delete copies older than `keepDays`; returns the names removed. */
export function removeExpiredMovedAside(cacheFile: string, keepDays = MOVED_ASIDE_KEEP_DAYS, now = Date.now()): string[] {
  const folder = path.dirname(cacheFile);
  const removed: string[] = [];
  for (const f of find(cacheFile)) {
    if (now - f.movedAt < keepDays * 86_400_000) continue;
    for (const suffix of SIDE_FILES) rmSync(path.join(folder, f.name + suffix), { force: true });
    removed.push(f.name);
  }
  return removed;
}
