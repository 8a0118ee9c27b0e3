/**
 * History pages on Redis read the change order and the rows in two calls. A job that changes
 * between them carries a newer changeSeq than its place in the page: the page's cursor must still
 * be its place, or the next page starts past jobs no page handed over (the cache of a desktop
 * syncing from a restarted, busy cluster then missed them for good).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Job } from '../../contract/jobs.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { createEngine } from '../engine/create-engine.ts';
import { ADMIN, testDatastore, type TestDatastore } from '../engine/engine-test-support.ts';
import type { Datastore } from './open-datastore.ts';

let t: TestDatastore;
let ds: Datastore;
let engine: BullJobEngine;

beforeAll(async () => {
  t = await testDatastore('redis');
  ds = await t.open();
  engine = createEngine({ datastore: ds, stuckAfterMs: 60_000, reconcileEveryMs: 0 });
  await engine.start();
});

afterAll(async () => {
  await engine?.close();
  await ds?.close();
  await t?.cleanup();
});

test('a job that changes while its history page is read does not make the next page skip jobs', async () => {
  const jobs: Job[] = [];
  for (let i = 0; i < 6; i++) jobs.push(await engine.submit({ type: 'report', user: 'olga', priority: 'normal', config: {} }, ADMIN));
  await engine.settle();
  const store = ds.store as unknown as { loadRows(ids: string[]): Promise<unknown> };
  const loadRows = store.loadRows.bind(store);
  let changed = false;
  store.loadRows = async (ids: string[]) => {
    // Between the page's read of the change order and its read of the rows, its first job changes.
    if (!changed && ids.includes(jobs[0]!.id)) {
      changed = true;
      await engine.jobAction(jobs[0]!.id, 'set-priority', { priority: 'high' }, ADMIN);
    }
    return loadRows(ids);
  };
  const seen = new Set<string>();
  let cursor: string | undefined;
  try {
    for (;;) {
      const page = await engine.history(cursor, 2);
      for (const j of page.items) seen.add(j.id);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
  } finally {
    store.loadRows = loadRows;
  }
  expect(changed).toBe(true);
  expect(jobs.filter((j) => !seen.has(j.id)).map((j) => j.id)).toEqual([]);
});
