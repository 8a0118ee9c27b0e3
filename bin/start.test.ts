import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/start.js is plain JavaScript run by `npm start`; it is tested the way it runs, as a process,
// in --dry-run mode (it decides and prints, but builds and launches nothing).
const ROOT = path.join(import.meta.dirname, '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string | undefined>, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'start.js'), '--dry-run', '--no-build', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DISPLAY: ':99', ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr, lines: (r.stdout + r.stderr).trim().split('\n') };
}

function fakeElectron(name: string, withPathFile: boolean, withBinary: boolean): string {
  const d = path.join(dir, name);
  mkdirSync(path.join(d, 'dist'), { recursive: true });
  writeFileSync(path.join(d, 'package.json'), '{"name":"electron","version":"45.5.0"}');
  if (withPathFile) writeFileSync(path.join(d, 'path.txt'), 'electron');
  if (withBinary) {
    writeFileSync(path.join(d, 'dist', 'electron'), '#!/bin/sh\n');
    chmodSync(path.join(d, 'dist', 'electron'), 0o755);
  }
  return d;
}

describe('npm start', { timeout: 30_000 }, () => {
  it('says in one line that Electron is missing and falls back to browser mode with the embedded cluster', () => {
    const r = start({ SIGMATIQ_ELECTRON_DIR: fakeElectron('no-binary', false, false) });
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      "npm start: cannot run the desktop app: Electron's binary is not installed and cannot be downloaded here (npm ci fetches it on a machine with network) — starting browser mode instead.",
      'npm start: would run: node bin/sigmatiq-admin.js serve --no-build',
    ]);
    expect(r.out).not.toMatch(/^\s+at /m);
  });

  it('notices a binary that vanished, and a missing electron package', () => {
    expect(start({ SIGMATIQ_ELECTRON_DIR: fakeElectron('vanished', true, false) }).lines[0]).toMatch(/Electron's binary is missing .* starting browser mode instead\.$/);
    expect(start({ SIGMATIQ_ELECTRON_DIR: path.join(dir, 'nothing-here') }).lines[0]).toMatch(/electron package is not installed/);
  });

  it('launches Electron on the built main bundle when it can (or says why not)', () => {
    const electronDir = fakeElectron('full', true, true);
    const r = start({ SIGMATIQ_ELECTRON_DIR: electronDir });
    if (process.platform === 'linux' && process.getuid?.() === 0) {
      expect(r.lines[0]).toBe('npm start: cannot run the desktop app: Electron does not run as root with its sandbox on — starting browser mode instead.');
    } else {
      expect(r.out).toContain(`would run: ${path.relative(ROOT, path.join(electronDir, 'dist', 'electron'))} out/node/electron-main.js`);
    }
    if (process.platform === 'linux' && process.getuid?.() !== 0) {
      expect(start({ SIGMATIQ_ELECTRON_DIR: electronDir, DISPLAY: '', WAYLAND_DISPLAY: '' }).lines[0]).toMatch(/there is no display .* browser mode instead\.$/);
    }
  });

  it('goes straight to browser mode when asked', () => {
    expect(start({}, '--browser').lines).toEqual(['npm start: would run: node bin/sigmatiq-admin.js serve --no-build']);
  });

  it("passes serve's options on to browser mode (npm start -- --browser --data-dir DIR)", () => {
    expect(start({}, '--browser', '--data-dir', '/tmp/x', '--port', '8080').lines).toEqual([
      'npm start: would run: node bin/sigmatiq-admin.js serve --no-build --data-dir /tmp/x --port 8080',
    ]);
  });
});
