#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then launches the Electron app on its embedded local
// cluster. Where Electron cannot run — its binary is not installed and cannot be downloaded (offline
// machines), no display, or no SQLite addon for Electron — it says so in one line and starts browser
// mode instead (`sigmatiq-admin serve` with the embedded cluster), which prints the URL to open.
// It never ends in a stack trace.
//
// Stopping: SIGINT (Ctrl-C), SIGTERM and SIGHUP are passed on once to what it started, and it ends
// when that has stopped; it also stops it when npm or the shell above has gone (see
// exit-with-parent.js), so nothing outlives `npm start`.
//
//   node bin/start.js [--browser] [--no-build] [--dry-run] [serve options, e.g. --data-dir DIR]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { exitWithParent, exitWithParentDepth } from './exit-with-parent.js';

const ROOT = path.join(import.meta.dirname, '..');
const SOURCE_DIRS = ['contract', 'main', 'preload', 'renderer', 'cluster'];
const SOURCE_FILES = ['vite.config.ts', 'package.json'];
/** The bundles `npm run build` makes and the app needs. */
export const BUILD_OUTPUTS = ['out/node/electron-main.js', 'out/node/cluster-cli.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];
const ELECTRON_MAIN = path.join(ROOT, 'out', 'node', 'electron-main.js');

function newestSource(dir, newest = 0) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) newest = newestSource(file, newest);
    } else if (/\.(tsx?|css|html|json|svg)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
      newest = Math.max(newest, statSync(file).mtimeMs);
    }
  }
  return newest;
}

/** Which bundles are missing or older than the newest source file (empty: nothing to build). */
export function staleOutputs(root = ROOT) {
  let newest = 0;
  for (const d of SOURCE_DIRS) newest = newestSource(path.join(root, d), newest);
  for (const f of SOURCE_FILES) if (existsSync(path.join(root, f))) newest = Math.max(newest, statSync(path.join(root, f)).mtimeMs);
  return BUILD_OUTPUTS.filter((o) => {
    const file = path.join(root, o);
    return !existsSync(file) || statSync(file).mtimeMs < newest;
  });
}

/** The Electron executable `npm ci` installed, or null (with the reason) when there is none. */
export function findElectron(electronDir = process.env.SIGMATIQ_ELECTRON_DIR ?? path.join(ROOT, 'node_modules', 'electron')) {
  if (!existsSync(path.join(electronDir, 'package.json'))) return { binary: null, reason: 'the electron package is not installed (run npm ci)' };
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { binary: null, reason: "Electron's binary is not installed and cannot be downloaded here (npm ci fetches it on a machine with network)" };
  }
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { binary: null, reason: `Electron's binary is missing (${path.relative(ROOT, binary)}); reinstall with npm ci on a machine with network` };
  return { binary, reason: null };
}

/** Why Electron cannot open a window here, or null. */
export function displayProblem(env = process.env, platform = process.platform, uid = process.getuid?.()) {
  if (platform !== 'linux') return null;
  // Chromium's sandbox refuses root, and switching the sandbox off is not an option for this app.
  if (uid === 0) return 'Electron does not run as root with its sandbox on';
  return env.DISPLAY || env.WAYLAND_DISPLAY ? null : 'there is no display ($DISPLAY / $WAYLAND_DISPLAY unset)';
}

function say(line) {
  console.log(`npm start: ${line}`);
}

/** Runs the three builds quietly; on failure prints their messages without stack frames. */
function runBuild() {
  for (const mode of ['renderer', 'node', 'preload']) {
    say(`building ${mode}…`);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--mode', mode, '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .join('\n')
        .trim();
      if (output) console.error(output);
      say(`the ${mode} build failed — fix the errors above and run npm start again`);
      return false;
    }
  }
  return true;
}

const START_FLAGS = new Set(['--browser', '--dry-run']);

/**
 * Passes the first stop signal on to `child` (a Ctrl-C reaches the whole process group, so the
 * child may have it already; it treats a repeat as the same request), and stops the child when our
 * parent has gone. Exits with the child's code once it has stopped.
 */
function forward(child) {
  let asked = false;
  const stop = (signal) => {
    if (asked) return;
    asked = true;
    child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
  // Always watched here, also when run as `node bin/start.js`: it is a launcher for a terminal.
  const unwatch = exitWithParent({ depth: Math.max(1, exitWithParentDepth()) });
  child.on('exit', (code, signal) => {
    unwatch();
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  child.on('error', (error) => {
    say(`could not start ${child.spawnfile}: ${error.message}`);
    process.exitCode = 1;
  });
}

function browserMode(dryRun, serveOptions) {
  const args = [path.join('bin', 'sigmatiq-admin.js'), 'serve', ...serveOptions];
  if (dryRun) return say(`would run: node ${args.join(' ')}`);
  say('browser mode with the embedded local cluster — open the URL it prints');
  // The host, and the cluster it starts, end with their parent even if this process is killed.
  forward(spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, SIGMATIQ_EXIT_WITH_PARENT: '1' } }));
}

export async function main(argv = process.argv.slice(2)) {
  const dryRun = argv.includes('--dry-run');
  // Everything else is for `sigmatiq-admin serve` (browser mode), e.g. --data-dir or --port.
  const serveOptions = argv.filter((a) => !START_FLAGS.has(a));
  if (!argv.includes('--no-build')) {
    const stale = staleOutputs();
    if (stale.length > 0) {
      if (dryRun) say(`would build (${stale.join(', ')} missing or stale)`);
      else if (!runBuild()) return void (process.exitCode = 1);
    }
  }
  if (argv.includes('--browser')) return browserMode(dryRun, serveOptions);

  const electron = findElectron();
  const noDisplay = displayProblem();
  if (!electron.binary || noDisplay) {
    say(`cannot run the desktop app: ${electron.reason ?? noDisplay} — starting browser mode instead.`);
    return browserMode(dryRun, serveOptions);
  }
  const { build: buildNative, isUpToDate } = await import('./build-electron-native.js');
  if (!isUpToDate()) {
    if (dryRun) say('would build better-sqlite3 for Electron (bin/build-electron-native.js)');
    else if (!buildNative()) {
      say('the desktop app needs that SQLite addon — starting browser mode instead.');
      return browserMode(dryRun, serveOptions);
    }
  }
  if (dryRun) return say(`would run: ${path.relative(ROOT, electron.binary)} ${path.relative(ROOT, ELECTRON_MAIN)}`);
  forward(spawn(electron.binary, [ELECTRON_MAIN], { cwd: ROOT, stdio: 'inherit' }));
}

if (process.argv[1] && realpathSync(path.resolve(process.argv[1])) === realpathSync(import.meta.filename)) {
  main().catch((error) => {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
