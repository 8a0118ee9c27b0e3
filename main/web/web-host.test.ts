import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../core/desktop-core.ts';
import type { DesktopCore } from '../core/ports.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { JsonSettingsStore } from './json-settings-store.ts';
import { startWebHost, type WebHost } from './web-host.ts';

let dir: string;
let core: DesktopCore;
let host: WebHost;
const TOKEN = 'test-session-token-0123456789';

/** A raw request (fetch would not let us set the Host header). */
function call(
  pathname: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path: pathname, method: init.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...init.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

const post = (method: string, args: unknown[], token: string | null = TOKEN) =>
  call(`/admin-api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ args }),
  });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-web-'));
  const renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Sigmatiq Admin</title><script src="./assets/app.js"></script>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  core = createDesktopCore({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    settings: new JsonSettingsStore(path.join(dir, 'settings.json')),
    embeddedCluster: null,
    notifier: null,
  });
  await core.start();
  host = await startWebHost({ api: core.api, onEvent: core.onEvent, rendererDir: renderer, sessionToken: TOKEN });
});

afterAll(async () => {
  await host.close();
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode host', () => {
  it('prints an open URL with the token', () => {
    expect(host.openUrl).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });

  it('refuses API calls without or with a wrong token (401)', async () => {
    const none = await post('listClusters', [], null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await post('listClusters', [], 'wrong-token-wrong-token-wrong')).status).toBe(401);
    expect((await call('/admin-api/events')).status).toBe(401);
  });

  it('answers calls with the token: results, 400 for bad arguments, 404 for unknown methods', async () => {
    const ok = await post('getSettings', []);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result).toMatchObject({ retentionDays: 90 });
    const bad = await post('getJob', ['NOT VALID', 'x']);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/Invalid arguments for getJob/);
    expect((await post('nope', [])).status).toBe(404);
    const notJson = await call('/admin-api/getSettings', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await call('/admin-api/getSettings', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    const unknownCluster = await post('getQueues', ['ghost']);
    expect(unknownCluster.status).toBe(404);
    expect(JSON.parse(unknownCluster.body).error).toMatchObject({ code: 'unknown-cluster' });
  });

  it('serves the page only with the token, then by cookie; never files outside the renderer', async () => {
    expect((await call('/')).status).toBe(401);
    const page = await call(`/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sigmatiq Admin');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const asset = await call('/assets/app.js', { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await call('/jobs/failed', { headers: { cookie } })).body).toContain('Sigmatiq Admin');
    expect((await call('/../secret.txt', { headers: { cookie } })).body).not.toContain('outside');
    expect((await call('/%2e%2e/secret.txt', { headers: { cookie } })).body).not.toContain('outside');
    expect((await call('/assets/missing.js', { headers: { cookie } })).status).toBe(404);
  });

  it('refuses requests for another Host (DNS rebinding)', async () => {
    const r = await call(`/?token=${TOKEN}`, { headers: { host: 'evil.example.com' } });
    expect(r.status).toBe(403);
  });

  it('streams AdminEvents over SSE with ?token=', async () => {
    const res = await fetch(`${host.url}/admin-api/events?token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await post('updateSettings', [{ theme: 'dark' }]);
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('settings-changed')) text += decoder.decode((await reader.read()).value);
    const line = text.split('\n').find((l) => l.startsWith('data: '))!;
    expect(JSON.parse(line.slice(6))).toMatchObject({ kind: 'settings-changed', settings: { theme: 'dark' } });
    await reader.cancel();
  });
});

describe('browser-mode host: only its own page may call it', () => {
  /** The page's cookie, as the browser attaches it to any request to 127.0.0.1 (SameSite ignores ports). */
  async function pageCookie(): Promise<string> {
    const page = await call(`/?token=${TOKEN}`);
    return String(page.headers['set-cookie']).split(';')[0]!;
  }

  /** What `fetch(host, {mode: 'no-cors', credentials: 'include', headers: {'content-type': 'text/plain'}})` sends from another page. */
  const noCorsPost = (method: string, args: unknown[], cookie: string, browser: Record<string, string>) =>
    call(`/admin-api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-mode': 'no-cors', cookie, ...browser },
      body: JSON.stringify({ args }),
    });

  it('refuses calls from another 127.0.0.1 port, from localhost and from a foreign origin, even with the cookie', async () => {
    const victim = await core.api.addCluster({ name: 'Victim', url: 'http://127.0.0.1:1', token: 'the-stored-token-123' });
    const cookie = await pageCookie();
    const other = host.port === 65535 ? host.port - 1 : host.port + 1;
    const attackers: Record<string, string>[] = [
      { origin: `http://127.0.0.1:${other}`, 'sec-fetch-site': 'same-site' },
      { origin: `http://localhost:${other}`, 'sec-fetch-site': 'cross-site' },
      { origin: `http://localhost:${host.port}`, 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      // A browser without Fetch Metadata still sends Origin on a cross-origin POST.
      { origin: `http://127.0.0.1:${other}` },
      { origin: 'null' },
      // No browser headers at all: the cookie alone is not a session.
      {},
    ];
    for (const browser of attackers) {
      const moved = await noCorsPost('updateCluster', [victim.id, { url: 'http://127.0.0.1:9' }], cookie, browser);
      expect([401, 403], JSON.stringify(browser)).toContain(moved.status);
      expect(JSON.parse(moved.body).error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      const submitted = await noCorsPost('submitJob', [victim.id, { type: 'signal', user: 'mallory', config: {} }], cookie, browser);
      expect([401, 403], JSON.stringify(browser)).toContain(submitted.status);
    }
    const crossSite = await noCorsPost('getSettings', [], cookie, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(JSON.parse(crossSite.body).error.code).toBe('cross-origin');
    expect((await core.api.listClusters()).find((c) => c.id === victim.id)?.url).toBe('http://127.0.0.1:1');
    await core.api.removeCluster(victim.id);
  });

  it("refuses another page's token-bearing calls and event streams too, and non-JSON bodies from anyone", async () => {
    const foreign = { origin: `http://localhost:${host.port}`, 'sec-fetch-site': 'cross-site', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    expect((await call('/admin-api/getSettings', { method: 'POST', headers: foreign, body: '{"args":[]}' })).status).toBe(403);
    expect((await call(`/admin-api/events?token=${TOKEN}`, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    const plain = await call('/admin-api/getSettings', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, body: '{"args":[]}' });
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error.message).toMatch(/application\/json/);
    // The token in the query string is for EventSource only.
    const cookie = await pageCookie();
    const queryOnly = await call(`/admin-api/getSettings?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{"args":[]}' });
    expect(queryOnly.status).toBe(401);
  });

  it('answers its own page: same-origin browser calls, and clients that are not browsers', async () => {
    const own = {
      origin: `http://127.0.0.1:${host.port}`,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      cookie: await pageCookie(),
    };
    expect((await call('/admin-api/getSettings', { method: 'POST', headers: own, body: '{"args":[]}' })).status).toBe(200);
    const viaLocalhost = await call('/admin-api/getSettings', {
      method: 'POST',
      headers: { ...own, host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` },
      body: '{"args":[]}',
    });
    expect(viaLocalhost.status).toBe(200);
    const events = await call(`/admin-api/events?token=${TOKEN}`, { method: 'HEAD', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(events.status).not.toBe(403);
    const viaFetch = await fetch(`${host.url}/admin-api/getSettings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"args":[]}' });
    expect(viaFetch.status).toBe(200);
  });

  it('a cookie that is not valid percent-encoding is no session: 401, not 500', async () => {
    const api = await call('/admin-api/getSettings', { method: 'POST', headers: { cookie: 'sigmatiq_session=%E0%A4%A', 'content-type': 'application/json' }, body: '{"args":[]}' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error.code).toBe('unauthorized');
    expect((await call('/', { headers: { cookie: 'sigmatiq_session=%E0%A4%A' } })).status).toBe(401);
    expect((await call('/assets/app.js', { headers: { cookie: 'sigmatiq_session=%E0%A4%A' } })).status).toBe(401);
  });

  it('answers a body over 2 MiB with 413 and the envelope instead of resetting the connection', async () => {
    const huge = JSON.stringify({ args: ['x'.repeat(3 * 1024 * 1024)] });
    const raw = await call('/admin-api/getSettings', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: huge });
    expect(raw.status).toBe(413);
    expect(JSON.parse(raw.body).error.code).toBe('payload-too-large');
    const viaFetch = await fetch(`${host.url}/admin-api/getSettings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: huge });
    expect(viaFetch.status).toBe(413);
    expect(((await viaFetch.json()) as { error: { code: string } }).error.code).toBe('payload-too-large');
    // Refused for another reason before the body was read: the answer still arrives.
    const foreign = await call('/admin-api/getSettings', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: huge });
    expect(foreign.status).toBe(403);
    // The connection still serves the next call.
    expect((await post('getSettings', [])).status).toBe(200);
  });

  it("sends the page's CSP as a header, matching the meta tag of renderer/index.html", async () => {
    const page = await call(`/?token=${TOKEN}`);
    const csp = String(page.headers['content-security-policy']);
    const directives = (policy: string) => policy.split(';').map((d) => d.trim()).filter(Boolean);
    for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) expect(directives(csp)).toContain(d);
    const html = readFileSync(path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    // Browsers ignore frame-ancestors in a meta tag (and say so in the console).
    expect(directives(meta)).toEqual(directives(csp).filter((d) => !d.startsWith('frame-ancestors')));
  });
});

describe('browser-mode stores', () => {
  it('keeps secrets in a 0600 file and settings out of it', async () => {
    const secrets = new FileSecretStore(path.join(dir, 's2', 'secrets.json'));
    await secrets.set('cluster-token:x', 'abc12345');
    const { statSync, readFileSync } = await import('node:fs');
    expect(statSync(path.join(dir, 's2', 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(await new FileSecretStore(path.join(dir, 's2', 'secrets.json')).get('cluster-token:x')).toBe('abc12345');
    expect(readFileSync(path.join(dir, 'settings.json'), 'utf8')).not.toContain('abc12345');
  });

  it('a settings file that is not JSON is copied aside and reported', async () => {
    const file = path.join(dir, 'bad-settings.json');
    writeFileSync(file, '{"settings": {"theme": "dark",');
    await expect(new JsonSettingsStore(file).read()).rejects.toThrow(/not valid JSON.*copied to bad-settings\.json\.bad-/);
  });
});
