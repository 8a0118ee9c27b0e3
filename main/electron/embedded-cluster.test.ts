import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedServeArgs, freeLoopbackPort, readAnnouncementLine, UtilityClusterLauncher, type ForkClusterProcess } from './embedded-cluster.ts';

// Stand-in cluster entries run as real child processes; the adapter maps Electron's
// utilityProcess.fork onto child_process.fork, which has the same shape for what the launcher uses.
let dir: string;
const script = (name: string, body: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
};
const forkAsUtility: ForkClusterProcess = (modulePath, args, options) => {
  const child = fork(modulePath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: options.cwd, env: options.env as NodeJS.ProcessEnv });
  return {
    get pid() {
      return child.pid;
    },
    stdout: child.stdout,
    stderr: child.stderr,
    on: (event, listener) => child.on(event, (code) => listener(code as number)),
    kill: () => child.kill('SIGTERM'),
  };
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-embedded-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded cluster through utilityProcess', () => {
  it('builds serve arguments for embedded PostgreSQL on loopback', () => {
    expect(embeddedServeArgs({ dataDir: '/data', port: 7777, sampleWorkload: true })).toEqual([
      'serve', '--datastore', `embedded:${path.join('/data', 'cluster')}`, '--host', '127.0.0.1', '--port', '7777', '--sample-workload',
    ]);
    expect(embeddedServeArgs({ dataDir: '/data', port: 1, sampleWorkload: false })).not.toContain('--sample-workload');
  });

  it('reads the URL and the admin token from the output', () => {
    let seen = readAnnouncementLine('starting embedded PostgreSQL…', { url: null, token: null });
    seen = readAnnouncementLine('Sigmatiq cluster listening on http://127.0.0.1:54321 (api v1)', seen);
    expect(seen).toEqual({ url: 'http://127.0.0.1:54321', token: null });
    seen = readAnnouncementLine('admin token: stq_abcdef0123456789', seen);
    expect(seen).toEqual({ url: 'http://127.0.0.1:54321', token: 'stq_abcdef0123456789' });
    expect(readAnnouncementLine('see https://example.com:443 for docs', { url: null, token: null }).url).toBe(null);
  });

  it('finds a free loopback port', async () => {
    const port = await freeLoopbackPort();
    expect(port).toBeGreaterThan(0);
  });

  it('starts, reports URL and token, and stops on request without counting it as a crash', async () => {
    const entry = script(
      'ok.cjs',
      `const port = process.argv[process.argv.indexOf('--port') + 1];
       console.log('embedded PostgreSQL ready');
       setTimeout(() => { console.log('listening on http://127.0.0.1:' + port); console.log('admin token: tok-' + port); }, 50);
       process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
       setInterval(() => {}, 1000);`,
    );
    const logged: string[] = [];
    const launcher = new UtilityClusterLauncher({ fork: forkAsUtility, entry, pickPort: async () => 40123, log: (l) => logged.push(l) });
    const handle = await launcher.start({ dataDir: dir, sampleWorkload: true });
    expect(handle.url).toBe('http://127.0.0.1:40123');
    expect(handle.token).toBe('tok-40123');
    expect(logged.join('\n')).not.toContain('tok-40123');
    let crashed = false;
    void handle.exited.then(() => (crashed = true));
    await handle.stop();
    await handle.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(crashed).toBe(false);
  });

  it('rejects with the last output when the cluster dies before it is ready', async () => {
    const entry = script('crash.cjs', `console.error('could not start embedded PostgreSQL: permission denied'); process.exit(3);`);
    const launcher = new UtilityClusterLauncher({ fork: forkAsUtility, entry, pickPort: async () => 40124 });
    await expect(launcher.start({ dataDir: dir, sampleWorkload: false })).rejects.toThrow(/exit code 3[\s\S]*permission denied/);
  });

  it('reports a crash after start through `exited`', async () => {
    const entry = script('later.cjs', `console.log('http://127.0.0.1:1/'); console.log('admin token: t'); setTimeout(() => { console.error('fatal: datastore lost'); process.exit(7); }, 100);`);
    const handle = await new UtilityClusterLauncher({ fork: forkAsUtility, entry, pickPort: async () => 1 }).start({ dataDir: dir, sampleWorkload: false });
    const exit = await handle.exited;
    expect(exit.code).toBe(7);
    expect(exit.lastOutput).toContain('fatal: datastore lost');
    expect(exit.lastOutput).not.toContain('admin token: t');
  });

  it('kills a cluster that ignores SIGTERM after the grace period', async () => {
    const entry = script('stubborn.cjs', `console.log('http://127.0.0.1:2/'); console.log('admin token: t'); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    const handle = await new UtilityClusterLauncher({ fork: forkAsUtility, entry, pickPort: async () => 2, stopGraceMs: 200 }).start({ dataDir: dir, sampleWorkload: false });
    const started = Date.now();
    await handle.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up when the cluster never announces itself', async () => {
    const entry = script('silent.cjs', `setInterval(() => {}, 1000);`);
    await expect(new UtilityClusterLauncher({ fork: forkAsUtility, entry, pickPort: async () => 3, startTimeoutMs: 300 }).start({ dataDir: dir, sampleWorkload: false })).rejects.toThrow(/did not start within/);
  });
});
