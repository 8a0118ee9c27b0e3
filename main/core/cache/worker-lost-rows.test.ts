import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob } from '../testing/job-fixtures.ts';
import { JobCache } from './job-cache.ts';

let dir: string;
let cache: JobCache;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-cache-lost-'));
  cache = JobCache.open({ file: path.join(dir, 'cache.db') }).cache;
});
afterEach(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a job whose worker node is lost, in the cache', () => {
  it('keeps workerLost from the record until a later record no longer says so', () => {
    const running = makeJob(1, { state: 'running', workerId: 'node-a', updatedAt: '2026-11-01T00:00:10.000Z' });
    cache.applyBatch('a', { jobs: [running, makeJob(2, { state: 'running', workerId: 'node-b' })], removed: [] });
    expect(cache.getJob('a', 'job-1')?.workerLost).toBeUndefined();

    cache.applyBatch('a', { jobs: [{ ...running, workerLost: true, updatedAt: '2026-11-01T00:00:20.000Z' }], removed: [] });
    expect(cache.getJob('a', 'job-1')?.workerLost).toBe(true);
    // The job tables read list pages, not single jobs.
    const page = cache.queryJobs({ filter: { state: ['running'] }, sort: 'created', limit: 10 });
    expect(page.items.map((j) => [j.id, j.workerLost ?? false])).toEqual([
      ['job-1', true],
      ['job-2', false],
    ]);

    // Recovered: another node runs it now.
    cache.applyBatch('a', { jobs: [{ ...running, workerId: 'node-b', updatedAt: '2026-11-01T00:00:30.000Z' }], removed: [] });
    expect(cache.getJob('a', 'job-1')?.workerLost).toBeUndefined();
    expect(cache.getJob('a', 'job-1')?.workerId).toBe('node-b');
  });
});
