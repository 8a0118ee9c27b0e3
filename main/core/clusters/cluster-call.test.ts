/**
 * `ClusterHttp.call` against the contract's route table. The `@ts-expect-error` lines are checked by
 * `tsc -b`: each is a call that must NOT compile, so a route whose schema changes breaks its callers
 * at type-check (an unused `@ts-expect-error` is itself an error). The server's side of the same
 * check is in cluster/api/route-table.test.ts.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { BulkActionResponse, Schedule } from '../../../contract/api.ts';
import { defineApiRoute } from '../../../contract/api-route.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import { JobId, type Job, type JobDetail } from '../../../contract/jobs.ts';
import { ClusterHttp } from './cluster-http.ts';

/** Type-level cases only: never called. */
async function typeCases(http: ClusterHttp): Promise<void> {
  // Results are the routes' response types.
  expectTypeOf(await http.call(API_ROUTES.getJob, { params: { id: 'backtest.a1' } })).toEqualTypeOf<JobDetail>();
  expectTypeOf(await http.call(API_ROUTES.submitJob, { body: { type: 'signal', user: 'ana' } })).toEqualTypeOf<Job>();
  expectTypeOf(await http.call(API_ROUTES.bulkAction, { body: { action: 'cancel', ids: ['x'] } })).toEqualTypeOf<BulkActionResponse>();
  expectTypeOf(await http.call(API_ROUTES.deleteSchedule, { params: { id: 's1' } })).toEqualTypeOf<undefined>();
  // A route that needs nothing may be called without input.
  expectTypeOf(await http.call(API_ROUTES.listSchedules)).toEqualTypeOf<Schedule[]>();

  // @ts-expect-error the job detail is not a schedule
  const wrongResult: Schedule = await http.call(API_ROUTES.getJob, { params: { id: 'backtest.a1' } });
  // @ts-expect-error a route with path parameters needs them
  await http.call(API_ROUTES.getJob);
  // @ts-expect-error params are the path's: `id`, not `jobId`
  await http.call(API_ROUTES.getJob, { params: { jobId: 'backtest.a1' } });
  // @ts-expect-error `explode` is not a job action
  await http.call(API_ROUTES.jobAction, { params: { id: 'backtest.a1', action: 'explode' } });
  // @ts-expect-error a submit needs a job type the cluster knows
  await http.call(API_ROUTES.submitJob, { body: { type: 'mining', user: 'ana' } });
  // @ts-expect-error the bulk body's priority is a priority name
  await http.call(API_ROUTES.bulkAction, { body: { action: 'set-priority', ids: ['x'], priority: 9 } });
  // @ts-expect-error the queue list takes no query parameters
  await http.call(API_ROUTES.listQueues, { query: { state: 'paused' } });
  // @ts-expect-error the queue list has no path parameters
  await http.call(API_ROUTES.listQueues, { params: { id: 'x' } });
  // @ts-expect-error a file route is downloaded, not called for JSON
  await http.call(API_ROUTES.jobFile, { params: { id: 'backtest.a1', name: 'a.csv' } });
  // @ts-expect-error a JSON route is not a file download
  await http.download(API_ROUTES.getJob, { params: { id: 'backtest.a1' } }, 1000);

  // A route whose params change (here `id` renamed `jobId`) no longer accepts its old callers.
  const renamed = defineApiRoute({
    method: 'GET',
    path: '/api/v1/jobs/:jobId',
    access: 'viewer',
    tag: 'jobs',
    summary: 'the job route with its parameter renamed',
    params: z.strictObject({ jobId: JobId }),
    response: API_ROUTES.getJob.response,
  });
  await http.call(renamed, { params: { jobId: 'backtest.a1' } });
  // @ts-expect-error the old parameter name
  await http.call(renamed, { params: { id: 'backtest.a1' } });

  // A path parameter without a params schema entry (or the other way round) does not define.
  // @ts-expect-error params must be exactly the path's :parameters
  defineApiRoute({ method: 'GET', path: '/api/v1/jobs/:id', access: 'viewer', tag: 'jobs', summary: 'mismatch', params: z.strictObject({ jobId: JobId }) });
  void wrongResult;
}
void typeCases;

describe('ClusterHttp.call', () => {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'backtest.a1', outcome: 'ok' }));
    });
  });
  let http: ClusterHttp;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    http = new ClusterHttp({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, token: 't' });
  });
  afterAll(async () => {
    await http.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fills the path from the params, URL-encoded, and sends the body', async () => {
    const result = await http.call(API_ROUTES.jobAction, { params: { id: 'backtest.a/1 b', action: 'set-priority' }, body: { priority: 'high' } });
    expect(result).toEqual({ id: 'backtest.a1', outcome: 'ok' });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/api/v1/jobs/backtest.a%2F1%20b/actions/set-priority', body: '{"priority":"high"}' });
  });

  it('sends an action without options as an empty JSON object', async () => {
    await http.call(API_ROUTES.jobAction, { params: { id: 'backtest.a1', action: 'cancel' } });
    expect(seen.at(-1)).toMatchObject({ url: '/api/v1/jobs/backtest.a1/actions/cancel', body: '{}' });
  });

  it('sends lists in the query comma-separated, and leaves out absent values', async () => {
    await http.call(API_ROUTES.listJobs, { query: { state: ['failed', 'cancelled'], q: undefined, limit: 20 } }).catch(() => undefined);
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/v1/jobs?state=failed%2Ccancelled&limit=20' });
  });

  it('parses the answer with the route’s response schema', async () => {
    await expect(http.call(API_ROUTES.listSchedules)).rejects.toThrow(/GET \/api\/v1\/schedules answered something that is not the Sigmatiq cluster API v1/);
  });
});
