import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The script is plain JavaScript; its decisions are exercised in a Node subprocess.
const SCRIPT = path.join(import.meta.dirname, 'build-electron-native.js');

function call(expression: string): unknown {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(SCRIPT)}); console.log(JSON.stringify(${expression}));`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe('build-electron-native', () => {
  it('targets the installed Electron and better-sqlite3 versions for this platform', { timeout: 30_000 }, () => {
    const wanted = call('m.wantedBuild()') as Record<string, string>;
    expect(wanted).toMatchObject({ electron: '45.5.0', platform: process.platform, arch: process.arch });
    expect(wanted.betterSqlite3).toMatch(/^12\./);
  });

  it('explains a failure in one line: network, toolchain, or see the log', { timeout: 30_000 }, () => {
    const wanted = "{ electron: '45.5.0', betterSqlite3: '12.9.0' }";
    const network = call(`m.explainFailure('prebuild-install warn install getaddrinfo ENOTFOUND github.com', ${wanted})`) as string;
    expect(network).toBe(
      "could not build better-sqlite3 12.9.0 for Electron 45.5.0: Electron's headers (and a prebuilt binary) could not be downloaded — run this again with network access, or set ELECTRON_HEADERS_DIR to unpacked headers (details: out/native/build.log)",
    );
    // A build log is many lines; the explanation is one, whichever line of the log gave it away.
    expect(call(`m.explainFailure('gyp info it worked\\ngyp ERR! find Python\\ngyp ERR! not ok', ${wanted})`)).toBe(
      'could not build better-sqlite3 12.9.0 for Electron 45.5.0: no C++ toolchain (Python 3, make and a C++ compiler are needed) — install one and run this again (details: out/native/build.log)',
    );
    expect(call(`m.explainFailure('error: something odd\\nmore of the log', ${wanted})`)).toBe('could not build better-sqlite3 12.9.0 for Electron 45.5.0 — see out/native/build.log');
  });
});
