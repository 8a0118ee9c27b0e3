/**
 * Test-only: starts the real browser-mode host (`sigmatiq-admin serve`) with its embedded cluster
 * and sample workload in a temporary data folder, after building the renderer it serves; gives
 * the URL, a typed caller of its AdminApi (the same HTTP protocol the UI uses) and a stop function.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_API, type AdminApiMethod } from '../contract/admin-api.ts';
import type { z } from 'zod';

const REPO = path.join(import.meta.dirname, '..');

export interface BrowserModeHost {
  /** The page URL with its session token. */
  openUrl: string;
  origin: string;
  token: string;
  call<M extends AdminApiMethod>(method: M, ...args: z.input<(typeof ADMIN_API)[M]['args']>): Promise<z.output<(typeof ADMIN_API)[M]['result']>>;
  stop(): Promise<void>;
}

/** Builds the renderer into out/renderer (what the host serves). */
export function buildRenderer(): void {
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--mode', 'renderer', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build --mode renderer failed');
}

/** Starts `sigmatiq-admin serve` and waits for its `open:` line. */
export async function startBrowserModeHost(timeoutMs = 200_000): Promise<BrowserModeHost> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-ui-e2e-'));
  // As root the embedded PostgreSQL runs as its own user, which must reach the data folder (mkdtemp makes it 0700).
  chmodSync(dataDir, 0o755);
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, 'bin', 'sigmatiq-admin.js'), 'serve', '--data-dir', dataDir, '--no-build'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sigmatiq-admin serve printed no open: line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /open: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sigmatiq-admin serve exited with ${code}:\n${output}`));
    });
  });
  const url = new URL(openUrl);
  const token = url.searchParams.get('token')!;
  async function call(method: AdminApiMethod, ...args: unknown[]) {
    const res = await fetch(`${url.origin}/admin-api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ args }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (!res.ok) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
    return ADMIN_API[method].result.parse(body.result);
  }
  return {
    openUrl,
    origin: url.origin,
    token,
    call: call as BrowserModeHost['call'],
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
