import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, AuditPage } from '../../contract/api.ts';
import { apiFixture, type ApiFixture } from './testing/api-fixture.ts';
import { MemoryEngine } from './testing/memory-engine.ts';

let engine: MemoryEngine;
let fx: ApiFixture;

beforeEach(async () => {
  engine = new MemoryEngine();
  fx = await apiFixture(engine, { rateLimit: false, failedAuth: { max: 5, windowMs: 60_000 } });
});
afterEach(async () => {
  await fx.server.close();
});

function errorOf(body: string) {
  return ApiError.parse(JSON.parse(body)).error;
}

/** Send raw bytes and read the whole answer (the server closes after an error). */
function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (out += d));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('text no datastore can keep', () => {
  const bad = { nul: 'a\u0000b', surrogate: 'a\uD800b' };

  it.each(Object.entries(bad))('refuses %s in queries, bodies and nested config with 400 naming the field', async (_name, text) => {
    // A URL cannot carry a lone surrogate (invalid UTF-8 decodes to U+FFFD), only a NUL.
    const inQuery: Array<{ method: 'GET'; url: string; field: RegExp }> =
      text === bad.nul
        ? [
            { method: 'GET', url: '/api/v1/jobs?q=a%00b', field: /query: q:/ },
            { method: 'GET', url: '/api/v1/resources?nodeId=a%00b', field: /query: nodeId:/ },
          ]
        : [];
    const cases: Array<{ method: 'GET' | 'POST'; url: string; payload?: unknown; field: RegExp }> = [
      ...inQuery,
      { method: 'POST', url: '/api/v1/jobs/bulk', payload: { action: 'cancel', filter: { q: text } }, field: /body: filter\.q:/ },
      { method: 'POST', url: '/api/v1/jobs/x/actions/cancel', payload: { reason: text }, field: /body: reason:/ },
      { method: 'POST', url: '/api/v1/jobs', payload: { type: 'report', user: 'al', config: { sourceJobId: text } }, field: /body: config\.sourceJobId:/ },
      { method: 'POST', url: '/api/v1/jobs', payload: { type: 'report', user: 'al', config: { [text]: 1 } }, field: /body: config\.a\\u(0000|d800)b: the key/ },
    ];
    for (const c of cases) {
      const res = await fx.server.app.inject({ method: c.method, url: c.url, headers: fx.auth('admin'), payload: c.payload as object });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(400);
      expect(errorOf(res.body).message).toMatch(c.field);
    }
    expect(engine.jobs.size).toBe(0);
  });

  it('refuses a body nested deeper than the limit with 400', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: fx.auth('operator'), payload: { type: 'report', user: 'al', config: deep as object } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body).message).toMatch(/nested deeper than 32 levels/);
  });

  it('audits the refused mutation with the input escaped', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs/bulk', headers: fx.auth('operator'), payload: { action: 'cancel', filter: { q: 'a\u0000b' } } });
    expect(res.statusCode).toBe(400);
    const [record] = engine.audit;
    expect(record).toMatchObject({ action: 'jobs.bulk.cancel', status: 400, actor: 'operator' });
    expect(record!.target).toBe('filter:{"q":"a\\u0000b"}');
    expect(Object.values(record!).join(' ')).not.toContain('\u0000');
  });
});

describe('cursors out of range', () => {
  it.each([
    ['/api/v1/audit?cursor=99999999999999999999', /cursor/],
    ['/api/v1/history?after=99999999999999999999', /after/],
    ['/api/v1/history?after=-1', /after/],
  ])('answers %s with 400', async (url, message) => {
    const res = await fx.server.app.inject({ method: 'GET', url, headers: fx.auth('admin') });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res.body).message).toMatch(message);
  });
});

describe('refused calls in the audit log', () => {
  it('records a 403 with the action and target it tried', async () => {
    const res = await fx.server.app.inject({ method: 'POST', url: '/api/v1/jobs/bulk', headers: fx.auth('viewer'), payload: { action: 'retry', filter: { state: 'failed' } } });
    expect(res.statusCode).toBe(403);
    expect(engine.audit.map((r) => [r.actor, r.action, r.target, r.status])).toEqual([['viewer', 'jobs.bulk.retry', 'filter:{"state":"failed"}', 403]]);
  });

  it('limits failed authentications per address with 429 and Retry-After, audits them, and lets valid tokens through', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs', remoteAddress: '10.0.0.7', headers: { authorization: `Bearer sgt_guess${i}` } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(errorOf(res.body)).toMatchObject({ code: 'rate_limited' });
        expect(errorOf(res.body).message).toMatch(/at most 5 per minute/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another address is not affected, and a valid token from the limited one still works.
    const other = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs', remoteAddress: '10.0.0.8', headers: { authorization: 'Bearer sgt_nope' } });
    expect(other.statusCode).toBe(401);
    const valid = await fx.server.app.inject({ method: 'GET', url: '/api/v1/jobs', remoteAddress: '10.0.0.7', headers: fx.auth('viewer') });
    expect(valid.statusCode).toBe(200);
    // Five 401s and the first 429 from 10.0.0.7, one 401 from 10.0.0.8.
    const audit = AuditPage.parse(await engine.listAudit(undefined, 100)).items;
    const fromFirst = audit.filter((r) => r.sourceAddress === '10.0.0.7');
    expect(fromFirst.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 401, 429]);
    expect(fromFirst.every((r) => r.action === 'auth.failed' && r.role === 'none' && r.target === 'GET /api/v1/jobs')).toBe(true);
    expect(audit.filter((r) => r.sourceAddress === '10.0.0.8')).toHaveLength(1);
  });

  it('says the length of the rate-limit window, not the time left in it', async () => {
    const limited = await apiFixture(engine, { rateLimit: { max: 1, timeWindowMs: 60_000 } });
    try {
      await limited.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: limited.auth('viewer') });
      const res = await limited.server.app.inject({ method: 'GET', url: '/api/v1/summary', headers: limited.auth('viewer') });
      expect(res.statusCode).toBe(429);
      expect(errorOf(res.body).message).toMatch(/at most 1 requests per minute for token 'viewer'; retry in \d+ s/);
    } finally {
      await limited.server.close();
    }
  });
});

describe('errors before routing', () => {
  it.each([
    ['bad percent-encoding', 'GET /api/v1/jobs/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n', 400, /percent-encoding/],
    ['a 10,000-character path parameter', `GET /api/v1/jobs/${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414, /longer than 256/],
    ['a 70 KB query', `GET /api/v1/jobs?q=${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, /larger than the server accepts/],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, /not valid HTTP/],
    ['a malformed chunked body', 'POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n', 400, /framed|not valid HTTP/],
    ['no Host header', 'GET /api/v1/jobs HTTP/1.1\r\n\r\n', 400, /Host/],
  ])('answers %s in the envelope', async (_what, request, status, message) => {
    const url = await fx.server.listen('127.0.0.1', 0);
    const port = Number(new URL(url).port);
    const withAuth = request.replace('\r\n', `\r\nauthorization: ${fx.auth('admin').authorization}\r\nconnection: close\r\n`);
    const answer = await rawHttp(port, withAuth);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(errorOf(body).message).toMatch(message);
  });
});
