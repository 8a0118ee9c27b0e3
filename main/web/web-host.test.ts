import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    const notJson = await call('/admin-api/getSettings', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{oops' });
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
