/**
 * Test support for engine/datastore integration tests: a fresh datastore per test file on each
 * kind — the test Redis (own key prefix), the test PostgreSQL (own database) or an embedded
 * PostgreSQL (own folder under the OS temp folder, reachable by the postgres user when root).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Datastore, openDatastore } from '../datastore/open-datastore.ts';

export type TestKind = 'redis' | 'postgres' | 'embedded';

export interface TestDatastore {
  spec: string;
  open(): Promise<Datastore>;
  cleanup(): Promise<void>;
}

/** A fresh datastore for one test file; `open()` may be called several times (several nodes). */
export async function testDatastore(kind: TestKind): Promise<TestDatastore> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 12);
  if (kind === 'redis') {
    const spec = inject('redisUrl');
    return { spec, open: () => openDatastore(spec, { prefix: `t${tag}` }), cleanup: async () => undefined };
  }
  if (kind === 'postgres') {
    const admin = inject('postgresUrl');
    const db = `sq_${tag}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE ${db}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${db}`;
    const spec = url.toString();
    return {
      spec,
      open: () => openDatastore(spec),
      async cleanup() {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-embedded-'));
  const spec = `embedded:${dir}`;
  return { spec, open: () => openDatastore(spec), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ADMIN = { name: 'alice', role: 'admin' as const, sourceAddress: '127.0.0.1' };
