/**
 * Idempotency keys in the datastore, next to the jobs they protect: a key in Redis (expiring on
 * its own) or a row in PostgreSQL (expired rows are ignored, and deleted by housekeeping).
 */
import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { IdempotencyEntry } from './shared-store.ts';

export async function claimRedisKey(redis: Redis, key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry> {
  for (;;) {
    if ((await redis.set(key, JSON.stringify(entry), 'PX', ttlMs, 'NX')) === 'OK') return entry;
    const held = await redis.get(key);
    if (held !== null) return JSON.parse(held) as IdempotencyEntry;
    // It expired between the two calls: claim again.
  }
}

export async function putRedisKey(redis: Redis, key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void> {
  await redis.set(key, JSON.stringify(entry), 'PX', ttlMs);
}

export async function claimPgKey(pool: pg.Pool, table: string, key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry> {
  const now = Date.now();
  // An expired row is taken over; a live one is kept and returned.
  const { rows } = await pool.query<{ entry: IdempotencyEntry }>(
    `WITH claimed AS (
       INSERT INTO ${table} (key, entry, expires_at_ms) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET entry = EXCLUDED.entry, expires_at_ms = EXCLUDED.expires_at_ms
         WHERE ${table}.expires_at_ms <= $4
       RETURNING entry)
     SELECT entry FROM claimed UNION ALL SELECT entry FROM ${table} WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
    [key, JSON.stringify(entry), now + ttlMs, now],
  );
  if (rows[0]) return rows[0].entry;
  // A concurrent claim committed after this statement's snapshot: read what it stored.
  const again = await pool.query<{ entry: IdempotencyEntry }>(`SELECT entry FROM ${table} WHERE key = $1`, [key]);
  return again.rows[0]?.entry ?? entry;
}

export async function putPgKey(pool: pg.Pool, table: string, key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void> {
  await pool.query(
    `INSERT INTO ${table} (key, entry, expires_at_ms) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET entry = EXCLUDED.entry, expires_at_ms = EXCLUDED.expires_at_ms`,
    [key, JSON.stringify(entry), Date.now() + ttlMs],
  );
}

export async function trimPgKeys(pool: pg.Pool, table: string): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM ${table} WHERE expires_at_ms <= $1`, [Date.now()]);
  return rowCount ?? 0;
}
