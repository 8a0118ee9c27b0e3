import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { ClusterEvent } from '../../../contract/events.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';
import { makeJob } from '../testing/job-fixtures.ts';
import { backoffCeiling, backoffDelay } from './backoff.ts';
import { ClusterClient, testClusterConnection, type PrepareRequest, type StreamSession } from './cluster-client.ts';
import { classifyHttpError, ClusterRequestError, statusForProblem } from './cluster-errors.ts';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base·2^n)] and reaches both ends', () => {
    const opts = { baseMs: 100, capMs: 5_000 };
    expect([0, 1, 2, 3, 6, 100, 5000].map((n) => backoffCeiling(n, opts))).toEqual([100, 200, 400, 800, 5000, 5000, 5000]);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...opts, random: () => 0.999999 })).toBe(800);
    for (let attempt = 0; attempt < 20; attempt++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, opts);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(backoffCeiling(attempt, opts));
      }
    }
  });

  it('spreads delays (jitter): many clients do not pick the same wait', () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(8)));
    expect(delays.size).toBeGreaterThan(50);
  });
});

describe('status classification', () => {
  it('maps each problem to its status', () => {
    expect(statusForProblem('unreachable')).toBe('offline');
    expect(statusForProblem('tls')).toBe('offline');
    expect(statusForProblem('timeout')).toBe('offline');
    expect(statusForProblem('unauthorized')).toBe('unauthorized');
    expect(statusForProblem('forbidden')).toBe('unauthorized');
    expect(statusForProblem('incompatible')).toBe('degraded');
    expect(statusForProblem('server-error')).toBe('degraded');
  });

  it('reads HTTP errors: the cluster error body is kept, a non-cluster answer is incompatible', () => {
    expect(classifyHttpError(401, undefined, 'GET /x').kind).toBe('unauthorized');
    const conflict = classifyHttpError(409, { error: { code: 'conflict', message: 'job is running: use stop' } }, 'POST /x');
    expect(conflict.kind).toBe('api');
    expect(conflict.message).toBe('job is running: use stop');
    expect(classifyHttpError(404, '<html>', 'GET /x').kind).toBe('incompatible');
    expect(classifyHttpError(503, { error: { code: 'unavailable', message: 'datastore down' } }, 'GET /x').kind).toBe('unhealthy');
    expect(classifyHttpError(500, undefined, 'GET /x').kind).toBe('server-error');
  });
});

describe('test connection: each failure is distinct and clear', () => {
  let fake: FakeCluster;
  let tls: { dir: string; server: Server; port: number; cert: string; httpPort: number; httpServer: Server };

  beforeAll(async () => {
    fake = new FakeCluster();
    await fake.listen();
    const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
    ], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const server = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'tls', version: '1', datastore: 'redis', serverTime: new Date().toISOString(), role: 'viewer', capabilities: [], stuckAfterMs: 1000 }));
    }) as unknown as Server;
    const httpServer = createHttpServer((req, res) => res.end('plain'));
    tls = { dir, server, port: await listen(server), cert, httpServer, httpPort: await listen(httpServer) };
  });
  afterAll(async () => {
    await fake.close();
    tls.server.closeAllConnections();
    tls.server.close();
    tls.httpServer.close();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it('connects with the right URL and token', async () => {
    const r = await testClusterConnection({ url: fake.url, token: fake.token });
    expect(r).toMatchObject({ ok: true, status: 'online', problem: null });
    expect(r.message).toMatch(/connected to fake/);
  });

  it('wrong token → unauthorized', async () => {
    const r = await testClusterConnection({ url: fake.url, token: 'wrong-token-xyz' });
    expect(r).toMatchObject({ ok: false, status: 'unauthorized', problem: 'unauthorized' });
    expect(r.message).toMatch(/wrong token.*401/);
  });

  it('nothing listening → offline, connection refused', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const r = await testClusterConnection({ url: `http://127.0.0.1:${port}`, token: 'x'.repeat(10) });
    expect(r).toMatchObject({ ok: false, status: 'offline', problem: 'unreachable' });
    expect(r.message).toMatch(/nothing is listening at 127\.0\.0\.1:\d+ \(connection refused\)/);
  });

  it('unknown host → offline, DNS', async () => {
    const r = await testClusterConnection({ url: 'http://no-such-cluster.invalid:7420', token: 'x'.repeat(10) });
    expect(r).toMatchObject({ ok: false, status: 'offline', problem: 'unreachable' });
    expect(r.message).toMatch(/no-such-cluster\.invalid/);
  });

  it('garbage (HTML, wrong JSON) → degraded, incompatible', async () => {
    fake.mode = 'html';
    const html = await testClusterConnection({ url: fake.url, token: fake.token });
    fake.mode = 'bad-schema';
    const bad = await testClusterConnection({ url: fake.url, token: fake.token });
    fake.mode = 'ok';
    expect(html).toMatchObject({ ok: false, status: 'degraded', problem: 'incompatible' });
    expect(html.message).toMatch(/did not answer JSON.*text\/html.*Welcome to nginx/);
    expect(bad).toMatchObject({ ok: false, status: 'degraded', problem: 'incompatible' });
    expect(bad.message).toMatch(/not the Sigmatiq cluster API v1/);
  });

  it('self-signed TLS without its CA → offline with a TLS message; with the CA → online', async () => {
    const without = await testClusterConnection({ url: `https://localhost:${tls.port}`, token: 'x'.repeat(10) });
    expect(without).toMatchObject({ ok: false, status: 'offline', problem: 'tls' });
    expect(without.message).toMatch(/TLS failed: .*self-signed.*CA certificate/);
    const withCa = await testClusterConnection({ url: `https://localhost:${tls.port}`, token: 'x'.repeat(10), caCertificate: tls.cert });
    expect(withCa).toMatchObject({ ok: true, status: 'online' });
  });

  it('TLS for the wrong host name → offline with a host-name message', async () => {
    const r = await testClusterConnection({ url: `https://127.0.0.1:${tls.port}`, token: 'x'.repeat(10), caCertificate: tls.cert });
    expect(r).toMatchObject({ ok: false, problem: 'tls' });
    expect(r.message).toMatch(/another host name/);
  });

  it('https:// to a plain http server → TLS hint to use http://', async () => {
    const r = await testClusterConnection({ url: `https://127.0.0.1:${tls.httpPort}`, token: 'x'.repeat(10) });
    expect(r).toMatchObject({ ok: false, problem: 'tls' });
    expect(r.message).toMatch(/does not speak TLS: try http:\/\//);
  });
});

describe('ClusterClient attempts', () => {
  async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A session that records what each prepare was asked; `failFullPulls` full pulls throw first. */
  function recordingSession(fake: FakeCluster, options: { failFullPulls?: number; resyncOn?: (e: ClusterEvent) => boolean } = {}) {
    let failures = options.failFullPulls ?? 0;
    const prepares: PrepareRequest[] = [];
    const session: StreamSession = {
      async prepare(_signal, request) {
        prepares.push(request);
        if (request.fullPull && failures > 0) {
          failures--;
          throw new ClusterRequestError('unreachable', 'the full pull was cut');
        }
        return fake.lastEventId;
      },
      onEvent: (event) => (options.resyncOn?.(event) ? 'resync' : undefined),
      async settle() {},
    };
    return { session, prepares };
  }

  let fake: FakeCluster;
  let client: ClusterClient | null = null;
  afterEach(async () => {
    await client?.stop();
    client = null;
    await fake?.close();
  });

  /** The client has opened its `n`th event stream and it is the one open now. */
  const streaming = (n: number) => () => fake.callsTo(API_ROUTES.events) === n && fake.openStreams === 1;

  async function started(session: StreamSession): Promise<ClusterClient> {
    fake = fake ?? new FakeCluster();
    client = new ClusterClient({ id: 'c1', endpoint: { url: fake.url, token: fake.token }, backoff: { baseMs: 10, capMs: 20 } });
    client.start(session);
    await waitFor('online', () => client!.connection.status === 'online');
    return client;
  }

  it('resync() ends the stream and asks the next prepare, and only it, for a full pull', async () => {
    fake = new FakeCluster();
    await fake.listen();
    const { session, prepares } = recordingSession(fake);
    const c = await started(session);
    expect(prepares).toEqual([{ fullPull: false }]);
    c.resync();
    await waitFor('streaming again', streaming(2));
    expect(prepares[1]).toEqual({ fullPull: true });
    fake.cutStreams();
    await waitFor('reconnected', () => prepares.length === 3);
    expect(prepares[2]).toEqual({ fullPull: false });
  });

  it('a full pull stays owed until a prepare asked for it succeeds', async () => {
    fake = new FakeCluster();
    await fake.listen();
    const { session, prepares } = recordingSession(fake, { failFullPulls: 2 });
    const c = await started(session);
    c.resync();
    await waitFor('the full pull done', streaming(2));
    expect(prepares.map((p) => p.fullPull)).toEqual([false, true, true, true]);
    fake.cutStreams();
    await waitFor('reconnected', () => prepares.length === 5);
    expect(prepares[4]).toEqual({ fullPull: false });
  });

  it('a session asking to prepare again reconnects at once, staying online without an error', async () => {
    fake = new FakeCluster();
    await fake.listen();
    const { session, prepares } = recordingSession(fake, { resyncOn: (e) => e.kind === 'job' && e.job.id === 'job-7' });
    const states: string[] = [];
    const c = await started(session);
    await waitFor('streaming', streaming(1));
    fake.put(makeJob(7));
    await waitFor('streaming again', streaming(2));
    states.push(c.connection.status);
    expect(states).toEqual(['online']);
    expect(c.connection.lastError).toBeNull();
    expect(prepares).toEqual([{ fullPull: false }, { fullPull: false }]);
  });
});
