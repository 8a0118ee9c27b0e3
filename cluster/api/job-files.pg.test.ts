// GET /api/v1/jobs/:id/files/:name on a real cluster (PostgreSQL, a worker runtime writing real
// output files): the file comes back as written, for a viewer, and nothing outside the job's own
// output folder can be reached.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SubmitJobRequest } from '../../contract/api.ts';
import { ApiError } from '../../contract/api.ts';
import { jobOutputDir } from '../jobs/job-folders.ts';
import { ADMIN, testCluster, waitForState, type TestCluster, type TestNode } from '../workers/testing/worker-test-support.ts';
import { apiFixture, type ApiFixture } from './testing/api-fixture.ts';

let cluster: TestCluster;
let node: TestNode;
let fx: ApiFixture;
let base: string;
let jobId: string;
let outputs: string;

beforeAll(async () => {
  cluster = await testCluster('postgres');
  node = await cluster.node({ runtime: { concurrency: 1 } });
  outputs = path.join(cluster.workDir, 'outputs');
  fx = await apiFixture(node.engine, { rateLimit: false }, { outputsRoot: outputs });
  base = await fx.server.listen('127.0.0.1', 0);
  const job = await node.engine.submit({ type: 'signal', user: 'tester', priority: 'normal', config: { symbols: ['ALPH', 'CHRL'] } } as SubmitJobRequest, ADMIN);
  const done = await waitForState(node.engine, job.id, ['completed', 'failed']);
  expect(done.state, done.errorMessage ?? '').toBe('completed');
  jobId = job.id;
}, 120_000);

afterAll(async () => {
  await fx?.server.close();
  await cluster?.cleanup();
});

async function get(pathname: string, role: 'viewer' | 'none' = 'viewer') {
  const res = await fetch(base + pathname, { headers: role === 'none' ? {} : fx.auth('viewer') });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function envelope(bytes: Buffer) {
  return ApiError.parse(JSON.parse(bytes.toString('utf8'))).error;
}

it('a viewer downloads an output file of a finished job, byte for byte, as an attachment', { timeout: 30_000 }, async () => {
  const detail = await node.engine.getJob(jobId);
  const csv = detail.result!.outputs.find((o) => o.name === 'signals.csv')!;
  const res = await get(`/api/v1/jobs/${jobId}/files/signals.csv`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="signals.csv"');
  expect(res.bytes.length).toBe(csv.bytes);
  const { readFileSync } = await import('node:fs');
  expect(res.bytes.equals(readFileSync(csv.location))).toBe(true);
  expect((await get(`/api/v1/jobs/${jobId}/files/signals.csv`, 'none')).status).toBe(401);
});

it('unknown jobs and files are 404 with the envelope; names that leave the folder never reach the disk', { timeout: 30_000 }, async () => {
  const folder = jobOutputDir(outputs, jobId);
  // A secret next to the outputs, and traps inside the job's folder.
  writeFileSync(path.join(cluster.workDir, 'secret.txt'), 'do not serve');
  const unknownJob = await get(`/api/v1/jobs/no-such-job/files/signals.csv`);
  expect(unknownJob.status).toBe(404);
  expect(envelope(unknownJob.bytes).code).toBe('not_found');
  const unknownFile = await get(`/api/v1/jobs/${jobId}/files/nothing.csv`);
  expect(unknownFile.status).toBe(404);
  expect(envelope(unknownFile.bytes).message).toMatch(/signals\.csv/);
  for (const attempt of [
    '..',
    '..%2F..%2Fsecret.txt',
    '..%2Fsecret.txt',
    '%2E%2E%2F%2E%2E%2Fsecret.txt',
    `${encodeURIComponent(path.join(cluster.workDir, 'secret.txt'))}`,
    '%2Fetc%2Fpasswd',
    '..%5C..%5Csecret.txt',
    '.hidden',
    'signals.csv%00.txt',
  ]) {
    const res = await get(`/api/v1/jobs/${jobId}/files/${attempt}`);
    expect([400, 404], attempt).toContain(res.status);
    expect(res.bytes.toString('utf8'), attempt).not.toContain('do not serve');
    expect(envelope(res.bytes).code, attempt).toMatch(/^(validation_failed|not_found)$/);
  }
  // Path segments of the URL itself: the router never matches them to this route with a file.
  for (const raw of [`/api/v1/jobs/${jobId}/files/../../secret.txt`, `/api/v1/jobs/${jobId}/files/a/../../../secret.txt`]) {
    const res = await get(raw);
    expect(res.bytes.toString('utf8'), raw).not.toContain('do not serve');
  }
  // A symlink the job reported by name: refused, though it is listed in the result.
  rmSync(path.join(folder, 'signals.json'));
  symlinkSync(path.join(cluster.workDir, 'secret.txt'), path.join(folder, 'signals.json'));
  const link = await get(`/api/v1/jobs/${jobId}/files/signals.json`);
  expect(link.status).toBe(404);
  expect(link.bytes.toString('utf8')).not.toContain('do not serve');
  // A folder by a listed name is no file either.
  rmSync(path.join(folder, 'signals.json'));
  mkdirSync(path.join(folder, 'signals.json'));
  expect((await get(`/api/v1/jobs/${jobId}/files/signals.json`)).status).toBe(404);
});

it('is in the OpenAPI document with the viewer role', async () => {
  const res = await fetch(`${base}/api/v1/openapi.json`);
  const doc = (await res.json()) as { paths: Record<string, { get?: Record<string, unknown> }> };
  const op = doc.paths['/api/v1/jobs/{id}/files/{name}']?.get;
  expect(op?.['x-required-role']).toBe('viewer');
  expect(JSON.stringify(op?.responses)).toContain('application/octet-stream');
});
