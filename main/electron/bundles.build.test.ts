/**
 * Loads what `npm run build` produced — the Electron main bundle, the preload and the renderer —
 * and checks syntax, entry points and the CSP. Builds first when a bundle is missing or older than
 * the sources. The main bundle runs under plain Node with stand-ins for 'electron' and
 * 'electron-store' (testing/fake-electron*.mjs), since the Electron binary is not available here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API_METHODS } from '../../contract/admin-api.ts';
import { adminChannel } from '../../contract/ipc.ts';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

const ROOT = path.join(import.meta.dirname, '..', '..');
const MAIN_BUNDLE = path.join(ROOT, 'out', 'node', 'electron-main.js');
const PRELOAD_BUNDLE = path.join(ROOT, 'out', 'preload', 'preload.cjs');
const RENDERER_DIR = path.join(ROOT, 'out', 'renderer');
const RENDERER_HTML = path.join(RENDERER_DIR, 'index.html');

function staleOutputs(): string[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(ROOT, 'bin', 'start.js'))}); console.log(JSON.stringify(m.staleOutputs()));`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}

beforeAll(() => {
  const stale = staleOutputs();
  if (stale.length === 0) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`npm run build failed (needed because ${stale.join(', ')} were missing or stale):\n${r.stdout}\n${r.stderr}`);
}, 11 * 60_000);

/**
 * The code an entry runs at load: the entry file and the chunks it imports statically, transitively.
 * Code that several entries share (main/core: the CSP, dispatch …) sits in a shared chunk next to
 * the entries, not in the entry file itself.
 */
function loadedCode(entry: string): string {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // `from "./x.js"` and `import "./x.js"`; dynamic `import("./x.js")` runs later, not at load.
    for (const [, rel] of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*"(\.\/[^"]+)"/g)) visit(path.join(path.dirname(file), rel!));
  };
  visit(entry);
  return [...seen].map((f) => readFileSync(f, 'utf8')).join('\n');
}

function runMainBundle(env: Record<string, string>) {
  const userData = mkdtempSync(path.join(tmpdir(), 'sigmatiq-bundle-'));
  try {
    const r = spawnSync(process.execPath, ['--import', path.join(import.meta.dirname, 'testing', 'fake-electron-register.mjs'), MAIN_BUNDLE], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, FAKE_USER_DATA: path.join(userData, 'Sigmatiq Admin Jobs'), ...env },
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    if (!line) throw new Error(`the main bundle did not report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return { status: r.status, stderr: r.stderr, report: JSON.parse(line.slice('REPORT '.length)) };
  } finally {
    rmSync(userData, { recursive: true, force: true });
  }
}

describe('built bundles', { timeout: 60_000 }, () => {
  it('main: valid syntax, an ES module that imports electron, with the security flags in it', () => {
    const check = spawnSync(process.execPath, ['--check', MAIN_BUNDLE], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(readFileSync(MAIN_BUNDLE, 'utf8')).toMatch(/from "electron"/);
    const code = loadedCode(MAIN_BUNDLE);
    for (const flag of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true']) expect(code).toContain(flag);
    expect(code).toContain("script-src 'self'");
  });

  it('main: registers app:// as privileged and quits when another instance holds the lock', () => {
    const { report } = runMainBundle({ FAKE_SINGLE_INSTANCE_LOCK: '0' });
    expect(report.schemes).toEqual([{ scheme: APP_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(report.quit).toBe(true);
    expect(report.handled).toEqual([]);
    expect(report.windows).toEqual([]);
  });

  it('main: serves the renderer over app:// with the CSP header, and explains a missing SQLite addon without a stack trace', () => {
    const { status, report } = runMainBundle({});
    expect(report.handled).toEqual([APP_SCHEME]);
    expect(report.probe).toMatchObject({ status: 200, csp: CONTENT_SECURITY_POLICY, type: 'text/html; charset=utf-8' });
    expect(report.probe.html).toContain('<div id="root">');
    const nativeAddon = path.join(ROOT, 'out', 'native', 'electron', 'better_sqlite3.node');
    if (!existsSync(nativeAddon)) {
      // This machine cannot build the Electron addon: the app says what to run, then exits.
      expect(report.errorBoxes).toEqual([{ title: 'Sigmatiq Admin Jobs cannot open its job cache', content: expect.stringContaining('node bin/build-electron-native.js') }]);
    } else {
      // Built for Electron's ABI, the addon cannot load under Node: the core fails to start, in words.
      expect(report.errorBoxes).toEqual([{ title: 'Sigmatiq Admin Jobs could not start', content: expect.any(String) }]);
      expect(report.ipcChannels.sort()).toEqual(ADMIN_API_METHODS.map(adminChannel).sort());
    }
    expect(report.errorBoxes[0].content).not.toMatch(/\n\s+at /);
    expect(status).toBe(1);
  });

  it('renderer: the first screen loads the shell and its own chunk, without the charts; every chunk is served over app:// as JavaScript with the CSP', async () => {
    const assets = path.join(RENDERER_DIR, 'assets');
    const html = readFileSync(RENDERER_HTML, 'utf8');
    const entry = /<script type="module"[^>]* src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    // What the page runs at load: the entry and the chunks it imports statically (minified: `from"./x.js"`).
    const atLoad = new Set<string>();
    const visit = (file: string) => {
      if (atLoad.has(file)) return;
      atLoad.add(file);
      for (const [, rel] of readFileSync(path.join(assets, file), 'utf8').matchAll(/\bfrom\s*"\.\/([^"]+\.js)"/g)) visit(rel!);
    };
    visit(path.basename(entry!));
    const chunks = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const charts = chunks.filter((f) => f.startsWith('charts-'));
    expect(charts).toHaveLength(1);
    expect(readFileSync(path.join(assets, charts[0]!), 'utf8')).toContain('recharts-wrapper');
    expect([...atLoad].filter((f) => f.startsWith('charts-'))).toEqual([]);
    for (const f of atLoad) expect(readFileSync(path.join(assets, f), 'utf8'), f).not.toContain('recharts-wrapper');
    // The start is one file (vite.start-chunk.ts): no rounds of requests for shared chunks before it runs.
    expect([...atLoad]).toEqual([path.basename(entry!)]);
    expect(html).not.toContain('modulepreload');
    // The Jobs view comes with the entry (no second round of fetches before its first rows); every
    // other screen is a chunk of its own that the entry imports on demand.
    expect([...atLoad].map((f) => readFileSync(path.join(assets, f), 'utf8')).join('\n')).toContain('jobs-scroll');
    const entryCode = readFileSync(path.join(assets, path.basename(entry!)), 'utf8');
    for (const screen of ['dashboard-page', 'job-detail-page', 'queues-page', 'workers-page', 'reports-page', 'alerts-page']) {
      const chunk = chunks.find((f) => f.startsWith(`${screen}-`));
      expect(chunk, screen).toBeDefined();
      expect(atLoad.has(chunk!), screen).toBe(false);
      expect(entryCode, screen).toContain(`./${chunk}`);
    }
    const handle = createAppProtocolHandler({ rootDir: RENDERER_DIR });
    for (const f of chunks) {
      const res = await handle(new Request(`${APP_SCHEME}://${APP_HOST}/assets/${f}`));
      expect(res.status, f).toBe(200);
      expect(res.headers.get('content-type'), f).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('content-security-policy'), f).toBe(CONTENT_SECURITY_POLICY);
      expect((await res.text()).length, f).toBeGreaterThan(0);
    }
  });

  it('preload: CommonJS that requires only electron and exposes exactly the AdminApi', () => {
    const code = readFileSync(PRELOAD_BUNDLE, 'utf8');
    const required: string[] = [];
    const exposed = new Map<string, Record<string, unknown>>();
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: { invoke: async () => ({ ok: true, result: null }), on() {}, removeListener() {} },
    };
    const module = { exports: {} };
    // A sandboxed preload gets a limited `require`; anything beyond 'electron' would fail there.
    vm.runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return fakeElectron;
      },
      console,
    }, { filename: PRELOAD_BUNDLE });
    expect([...new Set(required)]).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['sigmatiq']);
    expect(Object.keys(exposed.get('sigmatiq')!).sort()).toEqual([...ADMIN_API_METHODS, 'onEvent'].sort());
  });

  it("renderer: React's production build, also when built from a test run (NODE_ENV=test)", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'sigmatiq-renderer-'));
    try {
      const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
      const r = spawnSync(process.execPath, [vite, 'build', '--mode', 'renderer', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'test' },
      });
      expect(r.status, r.stderr).toBe(0);
      const scripts = readdirSync(path.join(out, 'assets')).filter((f) => f.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(3);
      for (const file of scripts) {
        const code = readFileSync(path.join(out, 'assets', file), 'utf8');
        // React's development build says this at start; the development JSX transform calls jsxDEV.
        expect(code.includes('Download the React DevTools'), file).toBe(false);
        expect(code.includes('jsxDEV'), file).toBe(false);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('renderer: index.html with a strict CSP and only same-origin module scripts that exist', () => {
    const html = readFileSync(RENDERER_HTML, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-eval');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body!.trim(), 'no inline scripts').toBe('');
      const src = /src="([^"]+)"/.exec(attrs!)?.[1];
      expect(src).toMatch(/^\.\//);
      expect(existsSync(path.join(ROOT, 'out', 'renderer', src!))).toBe(true);
    }
  });
});
