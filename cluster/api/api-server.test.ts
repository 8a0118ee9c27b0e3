import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, AuditPage, ClusterInfo, Health, JobPage } from '../../contract/api.ts';
import { Job } from '../../contract/jobs.ts';
import { EngineError } from '../engine/job-engine.ts';
import { apiFixture, type ApiFixture } from './testing/api-fixture.ts';
import { MemoryEngine } from './testing/memory-engine.ts';

let engine: MemoryEngine;
let fx: ApiFixture;

beforeEach(async () => {
  engine = new MemoryEngine();
  fx = await apiFixture(engine, { rateLimit: false });
});
afterEach(async () => {
  await fx.server.close();
});

function errorOf(body: string) {
  return ApiError.parse(JSON.parse(body)).error;
}

describe('envelopes and validation', () => {
  it('answers unknown routes with a 404 envelope', async () => {
    const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/nope', headers: fx.auth('admin') });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res.body)).toMatchObject({ code: 'not_found' });
    expect(errorOf(res.body).message).toContain('/api/v1/nope');
  });

  it('rejects wrong types and unknown fields with 400 and field errors', async () => {
    const res = await fx.server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: fx.auth('operator'),
      payload: { type: 'backtest', user: 42, config: {}, extra: true },
    });
    expect(res.statusCode).toBe(400);
    const err = errorOf(res.body);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toMatch(/^invalid request body: /);
    const paths = (err.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toContain('user');
    expect(paths.some((p) => p === '(root)' || p === 'extra')).toBe(true);
    expect(err.message).toMatch(/extra/);
    expect(engine.jobs.size).toBe(0);
  });

  it('rejects an unknown job type with the allowed values', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'mining', user: 'al' } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body).message).toMatch(/type: .*backtest/);
  });

  it('rejects unknown and badly typed query parameters', async () => {
    const unknown = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs?colour=red', headers: fx.auth('viewer') });
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown.body).message).toMatch(/colour/);
    const badState = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs?state=done', headers: fx.auth('viewer') });
    expect(badState.statusCode).toBe(400);
    expect(errorOf(badState.body).details).toEqual([expect.objectContaining({ path: 'state.0' })]);
    const badLimit = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs?limit=abc', headers: fx.auth('viewer') });
    expect(badLimit.statusCode).toBe(400);
  });

  it('clamps the page size instead of failing', async () => {
    for (let i = 0; i < 3; i++) await engine.submit({ type: 'signal', user: 'u', priority: 'normal', config: {} }, { name: 'x', role: 'admin', sourceAddress: '' });
    const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs?limit=100000&state=pending,failed', headers: fx.auth('viewer') });
    expect(res.statusCode).toBe(200);
    expect(JobPage.parse(res.json()).items).toHaveLength(3);
  });

  it('passes a bad cursor from the engine through as 400', async () => {
    const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs?cursor=zzz', headers: fx.auth('viewer') });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'bad_request' });
  });

  it('rejects bad path parameters', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs/1/actions/explode', headers: fx.auth('operator') });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body).message).toMatch(/action/);
    const badId = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs/a%20b', headers: fx.auth('viewer') });
    expect(badId.statusCode).toBe(400);
  });

  it('maps engine errors to statuses', async () => {
    const missing = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs/404', headers: fx.auth('viewer') });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing.body)).toMatchObject({ code: 'not_found', message: 'no job 404' });
    const job = await engine.submit({ type: 'signal', user: 'u', priority: 'normal', config: {} }, { name: 'x', role: 'admin', sourceAddress: '' });
    const conflict = await fx.server.app.inject({ method: 'POST', url: `/api/v1/jobs/${job.id}/actions/retry`, headers: fx.auth('operator') });
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict.body).code).toBe('conflict');
    engine.failWith = new EngineError('unavailable', 'datastore unreachable');
    const down = await fx.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: fx.auth('viewer') });
    expect(down.statusCode).toBe(503);
    engine.failWith = new Error('secret internals');
    const crash = await fx.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: fx.auth('viewer') });
    expect(crash.statusCode).toBe(500);
    expect(errorOf(crash.body).code).toBe('internal');
    expect(crash.body).not.toContain('secret internals');
  });

  it('passes config validation errors from the engine as 400 with details', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'backtest', user: 'al', config: { bogus: 1 } } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'validation_failed', details: [{ path: 'config.bogus', message: 'Unrecognized key' }] });
  });

  it('submits with 201 and the job, and accepts actions with no or an empty body', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'report', user: 'al', config: {} } });
    expect(res.statusCode).toBe(201);
    const job = Job.parse(res.json());
    expect(job).toMatchObject({ type: 'report', state: 'pending', priority: 'normal', user: 'al' });
    const noBody = await fx.server.app.inject({ method: 'POST', url: `/api/v1/jobs/${job.id}/actions/set-priority`, headers: fx.auth('operator') });
    expect(noBody.statusCode).toBe(200);
    const emptyJson = await fx.server.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${job.id}/actions/cancel`,
      headers: { ...fx.auth('operator'), 'content-type': 'application/json' },
      payload: '',
    });
    expect(emptyJson.statusCode).toBe(200);
    expect(engine.jobs.get(job.id)?.state).toBe('cancelled');
  });

  it('asks for a body where one is required', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator') });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body).message).toMatch(/JSON body is required/);
  });

  it('rejects malformed JSON and prototype poisoning with 400', async () => {
    const bad = await fx.server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...fx.auth('operator'), 'content-type': 'application/json' },
      payload: '{"type": "report",',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad.body).code).toBe('bad_request');
    for (const payload of [
      '{"type":"report","user":"al","__proto__":{"admin":true}}',
      '{"type":"report","user":"al","config":{"nested":{"\\u005f_proto__":{"admin":true}}}}',
      '{"type":"report","user":"al","constructor":{"prototype":{"admin":true}}}']) {
      const res = await fx.server.app.inject({
        method: 'POST',
        url: '/api/v1/jobs',
        headers: { ...fx.auth('operator'), 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res.body).message).toMatch(/forbidden/);
    }
    expect(engine.jobs.size).toBe(0);
  });

  it('refuses a non-JSON content type with a 415 envelope', async () => {
    const res = await fx.server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...fx.auth('operator'), 'content-type': 'application/xml' },
      payload: '<job/>',
    });
    expect(res.statusCode).toBe(415);
    expect(errorOf(res.body).message).toMatch(/application\/json/);
  });
});

describe('auth and audit', () => {
  it('answers 401 without a token or with a bad one, with WWW-Authenticate', async () => {
    const none = await fx.server.app.inject({ method: 'GET', url: '/api/v1/summary' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(errorOf(none.body)).toMatchObject({ code: 'unauthorized' });
    const bad = await fx.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: { authorization: 'Bearer sqt_nope' } });
    expect(bad.statusCode).toBe(401);
    const basic = await fx.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: { authorization: `Basic ${fx.tokens.admin}` } });
    expect(basic.statusCode).toBe(401);
  });

  it('needs no token for health and the OpenAPI document', async () => {
    const health = await fx.server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(Health.parse(health.json())).toMatchObject({ ok: true, datastore: { kind: 'redis', reachable: true } });
    const doc = await fx.server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.statusCode).toBe(200);
  });

  it('answers HEAD on plain GET routes but not on the event stream', async () => {
    expect((await fx.server.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
    expect((await fx.server.app.inject({ method: 'HEAD', url: '/api/v1/events', headers: fx.auth('viewer') })).statusCode).toBe(404);
  });

  it('reports an unreachable datastore on /healthz with 503', async () => {
    engine.failWith = new Error('down');
    const health = await fx.server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ ok: false });
  });

  it('answers 403 when the role is too low and says which role is needed', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('viewer'), payload: { type: 'report', user: 'al' } });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res.body).message).toMatch(/needs the operator role; token 'viewer' has the viewer role/);
    const audit = await fx.server.app.inject({ method: 'GET', url: '/api/v1/audit', headers: fx.auth('operator') });
    expect(audit.statusCode).toBe(403);
  });

  it('tells the caller its role', async () => {
    const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/cluster', headers: fx.auth('operator') });
    expect(ClusterInfo.parse(res.json())).toMatchObject({ name: 'test', role: 'operator', datastore: 'redis' });
  });

  it('writes an audit record for every mutating call, including refused ones, and every failed authentication, and none for reads', async () => {
    const ok = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'report', user: 'al' } });
    const id = ok.json().id as string;
    await fx.server.app.inject({ method: 'POST', url: `/api/v1/jobs/${id}/actions/cancel`, headers: fx.auth('viewer') });
    await fx.server.app.inject({ method: 'POST', url: `/api/v1/jobs/${id}/actions/retry`, headers: fx.auth('operator'), payload: { bogus: 1 } });
    await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { type: 'report', user: 'al' } });
    await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: fx.auth('admin') });
    await fx.server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/bulk',
      headers: fx.auth('admin'),
      payload: { action: 'cancel', filter: { state: 'pending' } },
    });
    const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/audit?limit=10', headers: fx.auth('admin') });
    expect(res.statusCode).toBe(200);
    const page = AuditPage.parse(res.json());
    expect(page.items.map((r) => [r.actor, r.role, r.action, r.target, r.status])).toEqual([
      ['admin', 'admin', 'jobs.bulk.cancel', 'filter:{"state":"pending"}', 200],
      ['(no valid token)', 'none', 'auth.failed', 'POST /api/v1/jobs', 401],
      ['operator', 'operator', 'job.retry', id, 400],
      ['viewer', 'viewer', 'job.cancel', id, 403],
      ['operator', 'operator', 'job.submit', id, 201],
    ]);
    expect(page.items[0]!.result).toBe('cancel matched=1 ok=1 skipped=0 failed=0');
    expect(page.items[1]!.result).toBe('missing bearer token');
    expect(page.items[2]!.result).toMatch(/^validation_failed: /);
    expect(page.items[3]!.result).toMatch(/^forbidden: /);
    expect(page.items[4]).toMatchObject({ result: 'ok', sourceAddress: '127.0.0.1' });
  });
});

describe('limits', () => {
  it('answers a too-large body with 413 in the envelope', async () => {
    const small = await apiFixture(engine, { rateLimit: false, bodyLimitBytes: 1024 });
    try {
      const res = await small.server.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/bulk',
        headers: small.auth('operator'),
        payload: { action: 'cancel', ids: Array.from({ length: 500 }, (_, i) => `job-${i}`) },
      });
      expect(res.statusCode).toBe(413);
      expect(errorOf(res.body)).toMatchObject({ code: 'payload_too_large' });
      expect(errorOf(res.body).message).toMatch(/1024 bytes/);
    } finally {
      await small.server.close();
    }
  });

  it('rejects the default 1 MiB limit being exceeded too', async () => {
    const res = await fx.server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: fx.auth('operator'),
      payload: { type: 'report', user: 'al', config: { pad: 'x'.repeat(1024 * 1024 + 10) } },
    });
    expect(res.statusCode).toBe(413);
  });

  it('rate-limits per token with 429 in the envelope and keeps other tokens going', async () => {
    const limited = await apiFixture(engine, { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await limited.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: limited.auth('viewer') })).statusCode);
      }
      expect(codes).toEqual([200, 200, 200, 429]);
      const res = await limited.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: limited.auth('viewer') });
      expect(errorOf(res.body)).toMatchObject({ code: 'rate_limited' });
      expect(errorOf(res.body).message).toMatch(/token 'viewer'/);
      expect(res.headers['retry-after']).toBeDefined();
      const other = await limited.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: limited.auth('admin') });
      expect(other.statusCode).toBe(200);
      // Health checks are never limited.
      for (let i = 0; i < 5; i++) expect((await limited.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.server.close();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus text with job counts, queue metrics and request counts', async () => {
    await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'training', user: 'al' } });
    const res = await fx.server.app.inject({ method: 'GET', url: '/metrics', headers: fx.auth('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(res.body).toContain('# TYPE sigmatiq_jobs gauge');
    expect(res.body).toContain('sigmatiq_jobs{type="training",state="pending"} 1');
    expect(res.body).toContain('sigmatiq_queue_length{type="training"} 1');
    expect(res.body).toContain('sigmatiq_queue_ready_jobs{type="training"} 1');
    expect(res.body).toContain('sigmatiq_datastore_up 1');
    expect(res.body).toContain('sigmatiq_api_requests_total{method="POST",route="/api/v1/jobs",status="201"} 1');
    for (const line of res.body.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+|\w+(\{[^}]*\})? NaN)$/);
    }
    const anon = await fx.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(anon.statusCode).toBe(401);
  });
});
