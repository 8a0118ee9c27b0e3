#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into out/native/electron/better_sqlite3.node, leaving the
// Node build in node_modules alone (the tests run on Node 20 with it). The app hands this file to
// better-sqlite3's `nativeBinding` option when `process.versions.electron` is set.
//
// It works on a copy of the package: first tries the prebuilt Electron binary (prebuild-install),
// then compiles with node-gyp against Electron's headers. Both need the network (github.com,
// electronjs.org) unless ELECTRON_HEADERS_DIR points at unpacked headers. On failure it prints one
// line saying why and what to do, and exits 1; the full output is kept in out/native/build.log.
//
//   node bin/build-electron-native.js [--force]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'out', 'native');
const TARGET = path.join(OUT_DIR, 'electron', 'better_sqlite3.node');
const STAMP = path.join(OUT_DIR, 'electron', 'build-info.json');
const LOG = path.join(OUT_DIR, 'build.log');
const WORK = path.join(OUT_DIR, 'work', 'better-sqlite3');

const require = createRequire(import.meta.url);
const readVersion = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf8')).version;

/** What the addon was built for; a mismatch means it must be built again. */
export function wantedBuild() {
  return { electron: readVersion('electron'), betterSqlite3: readVersion('better-sqlite3'), platform: process.platform, arch: process.arch };
}

/** True when out/native already holds an addon built for exactly `wanted`. */
export function isUpToDate(wanted = wantedBuild()) {
  if (!existsSync(TARGET) || !existsSync(STAMP)) return false;
  try {
    const built = JSON.parse(readFileSync(STAMP, 'utf8'));
    return Object.entries(wanted).every(([k, v]) => built[k] === v);
  } catch {
    return false;
  }
}

/** One line that says why a build failed, from its output. */
export function explainFailure(output, wanted) {
  const what = `could not build better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron}`;
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|fetch failed|getaddrinfo|socket hang up|403|404 Not Found|unable to get local issuer/i.test(output)) {
    return `${what}: Electron's headers (and a prebuilt binary) could not be downloaded — run this again with network access, or set ELECTRON_HEADERS_DIR to unpacked headers (details: out/native/build.log)`;
  }
  if (/not found: (make|g\+\+|cc|python)|gyp ERR! find Python|No Xcode|Visual Studio/i.test(output)) {
    return `${what}: no C++ toolchain (Python 3, make and a C++ compiler are needed) — install one and run this again (details: out/native/build.log)`;
  }
  return `${what} — see out/native/build.log`;
}

function run(command, args, cwd, log) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 15 * 60_000, env: { ...process.env, npm_config_loglevel: 'warn' } });
  const text = `$ ${[command, ...args].join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`;
  log.push(text);
  return r.status === 0;
}

export function build({ force = false } = {}) {
  const wanted = wantedBuild();
  if (!force && isUpToDate(wanted)) {
    console.log(`better-sqlite3 for Electron ${wanted.electron}: up to date (${path.relative(ROOT, TARGET)})`);
    return true;
  }
  const log = [];
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const source = path.dirname(require.resolve('better-sqlite3/package.json', { paths: [ROOT] }));
  // A copy without the Node build, so neither tool can mistake it for the right one.
  cpSync(source, WORK, { recursive: true, filter: (src) => !src.startsWith(path.join(source, 'build')) });

  const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })), file);
  const common = [`--target=${wanted.electron}`, `--arch=${wanted.arch}`];
  let ok =
    !process.env.ELECTRON_HEADERS_DIR &&
    run(process.execPath, [bin('prebuild-install', 'bin.js'), '--runtime=electron', ...common, `--platform=${wanted.platform}`, '--verbose'], WORK, log);
  if (!ok) {
    const headers = process.env.ELECTRON_HEADERS_DIR ? [`--nodedir=${process.env.ELECTRON_HEADERS_DIR}`] : ['--dist-url=https://electronjs.org/headers'];
    ok = run(process.execPath, [bin('node-gyp', 'bin/node-gyp.js'), 'rebuild', '--release', '--runtime=electron', ...common, ...headers], WORK, log);
  }
  const built = path.join(WORK, 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(LOG, log.join('\n'));
  if (!ok || !existsSync(built)) {
    rmSync(path.join(OUT_DIR, 'work'), { recursive: true, force: true });
    console.error(`build-electron-native: ${explainFailure(log.join('\n'), wanted)}`);
    return false;
  }
  mkdirSync(path.dirname(TARGET), { recursive: true });
  cpSync(built, TARGET);
  writeFileSync(STAMP, JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2));
  rmSync(path.join(OUT_DIR, 'work'), { recursive: true, force: true });
  console.log(`better-sqlite3 ${wanted.betterSqlite3} built for Electron ${wanted.electron} (${wanted.platform}-${wanted.arch}): ${path.relative(ROOT, TARGET)}`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  try {
    process.exitCode = build({ force: process.argv.includes('--force') }) ? 0 : 1;
  } catch (error) {
    console.error(`build-electron-native: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
