import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob } from '../testing/job-fixtures.ts';
import { JobCache } from './job-cache.ts';
import { listMovedAside, removeExpiredMovedAside } from './moved-aside.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A cache with `n` jobs of cluster 'a', closed. */
function healthyCache(file: string, n: number): void {
  const { cache } = JobCache.open({ file });
  cache.applyBatch('a', { jobs: Array.from({ length: n }, (_, i) => makeJob(i)), removed: [] });
  cache.close();
}

/** Root may mount a small tmpfs (a real full disk); elsewhere (no privilege) these tests are skipped. */
function tryMount(target: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fill(folder: string): void {
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(path.join(folder, `filler-${i}`), block);
    } catch {
      try {
        writeFileSync(path.join(folder, `filler-tail`), Buffer.alloc(1024));
      } catch {
        return;
      }
    }
  }
}

describe('opening on a full disk', () => {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'sigmatiq-tmpfs-'));
  const mounted = process.getuid?.() === 0 && tryMount(mountPoint, '2m');
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it.runIf(mounted)('keeps the cache file, serves what it holds, says the disk is full, and writes again once there is space', () => {
    const folder = path.join(mountPoint, 'data');
    mkdirSync(folder);
    const file = path.join(folder, 'cache.db');
    healthyCache(file, 50);
    fill(folder);
    const logs: string[] = [];
    const { cache, recovered } = JobCache.open({ file, log: (l) => logs.push(l), retryWriteMs: 60_000 });
    try {
      expect(recovered).toBeNull();
      expect(readdirSync(folder).filter((f) => f.includes('corrupt'))).toEqual([]);
      expect(cache.countsByState().total).toBe(50);
      expect(cache.health.state).toMatchObject({ problem: 'disk-full', writesPaused: true });
      expect(cache.health.state.message).toMatch(new RegExp(`^The disk holding ${folder} is full: free space there; syncing resumes by itself`));
      expect(logs.filter((l) => /damaged/.test(l))).toEqual([]);
      expect(cache.health.retryNow()).toBe(false);
      for (const f of readdirSync(folder)) if (f.startsWith('filler-')) rmSync(path.join(folder, f));
      expect(cache.health.retryNow()).toBe(true);
      cache.applyBatch('a', { jobs: [makeJob(999)], removed: [] });
      expect(cache.countsByState().total).toBe(51);
    } finally {
      cache.close();
    }
  });
});

describe('opening a file the app cannot use now', () => {
  it('a file locked by another program is left alone and reported as locked', () => {
    const file = path.join(dir, 'cache.db');
    healthyCache(file, 5);
    const holder = new Database(file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    const logs: string[] = [];
    try {
      const { cache, recovered } = JobCache.open({ file, log: (l) => logs.push(l), busyTimeoutMs: 50 });
      expect(recovered).toBeNull();
      expect(cache.health.state.problem).toBe('locked');
      expect(cache.health.state.message).toMatch(/is locked by another program .*: close the program holding it/);
      expect(cache.health.state.message).toMatch(/left as it is/);
      cache.close();
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    expect(logs.some((l) => /damaged/.test(l))).toBe(false);
    const again = JobCache.open({ file });
    expect(again.cache.countsByState().total).toBe(5);
    expect(again.cache.health.state.problem).toBeNull();
    again.cache.close();
  });

  it('a damaged file is still moved aside, and the "damaged" line is logged once', () => {
    const file = path.join(dir, 'cache.db');
    writeFileSync(file, 'not a database '.repeat(500));
    const logs: string[] = [];
    const { cache, recovered } = JobCache.open({ file, log: (l) => logs.push(l) });
    cache.close();
    expect(recovered).toMatch(/damaged/);
    expect(logs.filter((l) => /damaged/.test(l))).toHaveLength(1);
    const moved = listMovedAside(file);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.sizeBytes).toBe(statSync(path.join(dir, moved[0]!.name)).size);
    expect(Date.parse(moved[0]!.removeAfter) - Date.parse(moved[0]!.movedAt)).toBe(14 * 86_400_000);
  });
});

describe('moved-aside copies', () => {
  it('are listed newest first with their size and removed (with -wal/-shm) after the retention period', () => {
    const file = path.join(dir, 'cache.db');
    writeFileSync(`${file}.corrupt-2026-01-01T10-00-00-000Z`, 'a'.repeat(100));
    writeFileSync(`${file}.corrupt-2026-01-01T10-00-00-000Z-wal`, 'b'.repeat(20));
    writeFileSync(`${file}.corrupt-2026-01-20T08-30-00-000Z`, 'c'.repeat(10));
    writeFileSync(path.join(dir, 'other.db.corrupt-2026-01-01T10-00-00-000Z'), 'x');
    expect(listMovedAside(file)).toEqual([
      { name: 'cache.db.corrupt-2026-01-20T08-30-00-000Z', sizeBytes: 10, movedAt: '2026-01-20T08:30:00.000Z', removeAfter: '2026-02-03T08:30:00.000Z' },
      { name: 'cache.db.corrupt-2026-01-01T10-00-00-000Z', sizeBytes: 120, movedAt: '2026-01-01T10:00:00.000Z', removeAfter: '2026-01-15T10:00:00.000Z' },
    ]);
    expect(removeExpiredMovedAside(file, 14, Date.parse('2026-01-15T09:59:59.000Z'))).toEqual([]);
    expect(removeExpiredMovedAside(file, 14, Date.parse('2026-01-16T00:00:00.000Z'))).toEqual(['cache.db.corrupt-2026-01-01T10-00-00-000Z']);
    expect(readdirSync(dir).sort()).toEqual(['cache.db.corrupt-2026-01-20T08-30-00-000Z', 'other.db.corrupt-2026-01-01T10-00-00-000Z']);
  });

  it('a copy without a time in its name goes by its modification time', () => {
    const file = path.join(dir, 'cache.db');
    const odd = `${file}.corrupt-by-hand`;
    writeFileSync(odd, 'z');
    const old = new Date('2025-06-01T00:00:00.000Z');
    utimesSync(odd, old, old);
    expect(listMovedAside(file)[0]).toMatchObject({ name: 'cache.db.corrupt-by-hand', movedAt: old.toISOString() });
    expect(removeExpiredMovedAside(file, 14, Date.parse('2025-07-01T00:00:00.000Z'))).toEqual(['cache.db.corrupt-by-hand']);
    expect(existsSync(odd)).toBe(false);
  });
});
