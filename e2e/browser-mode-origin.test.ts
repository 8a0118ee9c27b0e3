/**
 * Browser mode in real Chromium: the host's own page (the built renderer with its web client) uses
 * the AdminApi and its event stream, while pages of other origins — another port on 127.0.0.1,
 * localhost, a foreign site — cannot, not even with `mode: 'no-cors'` and the session cookie the
 * browser attaches. The host runs in this process without a local cluster. The other pages come
 * from a real server on 127.0.0.1 (Chromium treats pages it did not load from a loopback address
 * as public and blocks their calls to 127.0.0.1 itself, which would hide what the host does), and
 * evil.example resolves to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDesktopCore } from '../main/core/desktop-core.ts';
import type { DesktopCore } from '../main/core/ports.ts';
import { FileSecretStore } from '../main/web/file-secret-store.ts';
import { JsonSettingsStore } from '../main/web/json-settings-store.ts';
import { startWebHost, type WebHost } from '../main/web/web-host.ts';
import { buildRenderer } from './browser-mode-host.ts';
import { CHROMIUM_PATH } from './harness/chromium.ts';

const REPO = path.join(import.meta.dirname, '..');
const CLUSTER_URL = 'http://127.0.0.1:1';

let dir: string;
let core: DesktopCore;
let host: WebHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Where an attacker would like the cluster's token to go; counts what reaches it. */
let listener: Server;
let listenerUrl: string;
/** Serves an empty page under any origin that resolves to it: the other pages. */
let elsewhere: Server;
const reachedListener: string[] = [];
const cspReports: string[] = [];

beforeAll(async () => {
  buildRenderer();
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-origin-e2e-'));
  core = createDesktopCore({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    settings: new JsonSettingsStore(path.join(dir, 'settings.json')),
    embeddedCluster: null,
    notifier: null,
  });
  await core.start();
  await core.api.addCluster({ name: 'Victim', url: CLUSTER_URL, token: 'the-stored-token-123' });
  host = await startWebHost({ api: core.api, onEvent: core.onEvent, rendererDir: path.join(REPO, 'out', 'renderer') });
  listener = createServer((req, res) => {
    reachedListener.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.end();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;

  elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--host-resolver-rules=MAP evil.example 127.0.0.1, MAP localhost 127.0.0.1'],
  });
  context = await browser.newContext();
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspReports.push(m.text());
  });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  // Violations the page catches (and so never logs) still fire this event.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  await page.goto(host.openUrl);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await core?.stop();
  await new Promise((resolve) => listener?.close(resolve));
  await new Promise((resolve) => elsewhere?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("the host's own page works: it lists the clusters through the API and follows its event stream", async () => {
  await page.evaluate(`location.hash = '#/clusters'`);
  await page.getByRole('heading', { name: 'Victim' }).waitFor();
  // A change made elsewhere reaches the page through the event stream.
  await core.api.updateCluster('victim', { name: 'Victim renamed' });
  await page.getByRole('heading', { name: 'Victim renamed' }).waitFor();
  const csp = (await page.request.get(`${host.url}/`)).headers()['content-security-policy'];
  expect(csp).toContain("object-src 'none'");
  for (const hash of ['#/dashboard', '#/jobs', '#/settings', '#/clusters']) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.locator('#content').waitFor();
  }
  expect(cspReports).toEqual([]);
});

/**
 * What reached the host from a page, read from Chromium's network log: a no-cors response the
 * page may not read is not reported to Playwright, but its status and the request's real headers
 * (cookie, Origin, Sec-Fetch-Site) are in the DevTools protocol's "extra info" events.
 */
async function watchHostCalls(target: Page, url: string) {
  const cdp = await context.newCDPSession(target);
  const urls = new Map<string, string>();
  const calls = new Map<string, { headers?: Record<string, string>; status?: number }>();
  const entry = (id: string) => calls.get(id) ?? calls.set(id, {}).get(id)!;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => (entry(e.requestId).headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))));
  cdp.on('Network.responseReceivedExtraInfo', (e) => (entry(e.requestId).status = e.statusCode));
  await cdp.send('Network.enable');
  return () => [...calls].filter(([id]) => urls.get(id) === url).map(([, c]) => c);
}

for (const attacker of ['http://127.0.0.1', 'http://localhost', 'http://evil.example']) {
  it(`a page on ${attacker}:<another port> cannot move the cluster (no-cors POST with the cookie, or a CORS call)`, async () => {
    const origin = `${attacker}:${(elsewhere.address() as { port: number }).port}`;
    const evil = await context.newPage();
    await evil.goto(`${origin}/`);
    const target = `${host.url}/admin-api/updateCluster`;
    const calls = await watchHostCalls(evil, target);
    const body = JSON.stringify({ args: ['victim', { url: listenerUrl }] });
    const outcome = await evil.evaluate(
      async ({ target, body }) => {
        const noCors = await fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body })
          .then((r) => r.type)
          .catch((e: unknown) => String(e));
        const cors = await fetch(target, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body })
          .then((r) => `status ${r.status}`)
          .catch(() => 'blocked');
        return { noCors, cors };
      },
      { target, body },
    );
    expect(outcome.cors).toBe('blocked');
    // The no-cors POST reached the host, with the page's Origin, and was refused.
    const posted = calls().find((c) => c.headers?.origin === origin && c.status !== undefined);
    expect(posted, JSON.stringify(calls())).toBeDefined();
    expect(posted!.status).toBe(403);
    if (attacker === 'http://127.0.0.1') {
      // SameSite ignores ports: the browser did attach the session cookie.
      expect(posted!.headers!.cookie).toContain('sigmatiq_session=');
    }
    for (const call of calls()) if (call.status !== undefined) expect([401, 403]).toContain(call.status);
    expect((await core.api.listClusters()).find((c) => c.id === 'victim')?.url).toBe(CLUSTER_URL);
    expect(reachedListener).toEqual([]);
    await evil.close();
  });
}

it("the host's own page still works after the attempts", async () => {
  await page.reload();
  await page.evaluate(`location.hash = '#/clusters'`);
  await page.getByRole('heading', { name: 'Victim renamed' }).waitFor();
  expect(cspReports).toEqual([]);
});
