/**
 * History pages on Redis read the change order and the rows in two calls. A job that changes
 * between them carries a newer changeSeq than its place in the page: the page's cursor must still
 * be its place, or the next page starts past jobs no page handed over (the cache of a desktop
 * syncing from a restarted, busy cluster then missed them for good).
 */
import type { RedisOptions } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Job } from '../../contract/jobs.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { createEngine } from '../engine/create-engine.ts';
import { ADMIN, testDatastore, type TestDatastore } from '../engine/engine-test-support.ts';
import type { Datastore } from './open-datastore.ts';
import { RedisJobIndex } from './redis-job-index.ts';
import { connectRedisSpace, type RedisSpace } from './redis-space.ts';

let t: TestDatastore;
let ds: Datastore;
let engine: BullJobEngine;
let space: RedisSpace;

beforeAll(async () => {
  t = await testDatastore('redis');
  ds = await t.open();
  engine = createEngine({ datastore: ds, stuckAfterMs: 60_000, reconcileEveryMs: 0 });
  await engine.start();
  // The same keys as the datastore's store, on a connection of the test's own.
  const { connection, prefix } = ds.bullmq.options() as { connection: RedisOptions; prefix: string };
  space = await connectRedisSpace(connection, prefix);
});

afterAll(async () => {
  space?.redis.disconnect();
  await engine?.close();
  await ds?.close();
  await t?.cleanup();
});

test('a job that changes while its history page is read does not make the next page skip jobs', async () => {
  const jobs: Job[] = [];
  for (let i = 0; i < 6; i++) jobs.push(await engine.submit({ type: 'report', user: 'olga', priority: 'normal', config: {} }, ADMIN));
  await engine.settle();
  let changed = false;
  // Between the page's read of the change order and its read of the rows, its first job changes.
  const index = new (class extends RedisJobIndex {
    override async loadRows(ids: string[]) {
      if (!changed && ids.includes(jobs[0]!.id)) {
        changed = true;
        await engine.jobAction(jobs[0]!.id, 'set-priority', { priority: 'high' }, ADMIN);
      }
      return super.loadRows(ids);
    }
  })(space);
  const seen = new Set<string>();
  let cursor = 0;
  for (;;) {
    const page = await index.history(cursor, 2);
    for (const row of page.rows) seen.add(row.id);
    cursor = Math.max(cursor, page.reached);
    if (!page.hasMore) break;
  }
  expect(changed).toBe(true);
  expect(jobs.filter((j) => !seen.has(j.id)).map((j) => j.id)).toEqual([]);
});
