import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UtilityClusterLauncher, type ForkClusterProcess } from './embedded-cluster.ts';

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

describe('embedded cluster through utilityProcess', { timeout: 30_000 }, () => {
  it('runs the cluster entry with the embedded serve arguments browser mode uses', async () => {
    const entry = script('args.cjs', `console.log(JSON.stringify({ event: 'ready', url: 'http://127.0.0.1:1', token: JSON.stringify(process.argv.slice(2)) }));`);
    const dataDir = path.join(dir, 'data-args');
    const handle = await new UtilityClusterLauncher({ fork: forkAsUtility, entry }).start({ dataDir, sampleWorkload: true });
    const args = JSON.parse(handle.token) as string[];
    expect(args.slice(0, 7)).toEqual(['serve', '--datastore', `embedded:${path.join(dataDir, 'cluster')}`, '--host', '127.0.0.1', '--port', '0']);
    expect(args).toContain('--sample-workload');
    expect(args).toContain('--session-token');
    await handle.stop();
  });

  it('starts, reports URL and token, and stops on request without counting it as a crash', async () => {
    const entry = script(
      'ok.cjs',
      `const port = 40123;
       console.log('embedded PostgreSQL ready');
       setTimeout(() => {
         console.log('listening: http://127.0.0.1:' + port);
         console.log('admin token: tok-' + port);
         console.log(JSON.stringify({ event: 'ready', url: 'http://127.0.0.1:40123', token: 'tok-40123', tokenName: 'admin', name: 'Local', datastore: 'embedded', pid: process.pid, version: '0.1.0' }));
       }, 50);
       process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
       setInterval(() => {}, 1000);`,
    );
    const logged: string[] = [];
    const launcher = new UtilityClusterLauncher({ fork: forkAsUtility, entry, log: (l) => logged.push(l) });
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
    const launcher = new UtilityClusterLauncher({ fork: forkAsUtility, entry });
    await expect(launcher.start({ dataDir: dir, sampleWorkload: false })).rejects.toThrow(/exit code 3[\s\S]*permission denied/);
  });

  it('reports a crash after start through `exited`', async () => {
    const entry = script('later.cjs', `console.log('admin token: t'); console.log('{"event":"ready","url":"http://127.0.0.1:1","token":"t"}'); setTimeout(() => { console.error('fatal: datastore lost'); process.exit(7); }, 100);`);
    const handle = await new UtilityClusterLauncher({ fork: forkAsUtility, entry }).start({ dataDir: dir, sampleWorkload: false });
    const exit = await handle.exited;
    expect(exit.code).toBe(7);
    expect(exit.lastOutput).toContain('fatal: datastore lost');
    expect(exit.lastOutput).not.toContain('admin token: t');
  });

  it('kills a cluster that ignores SIGTERM after the grace period', async () => {
    const entry = script('stubborn.cjs', `console.log('{"event":"ready","url":"http://127.0.0.1:2","token":"t"}'); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`);
    const handle = await new UtilityClusterLauncher({ fork: forkAsUtility, entry, stopGraceMs: 200 }).start({ dataDir: dir, sampleWorkload: false });
    const started = Date.now();
    await handle.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a cluster that started without a session token', async () => {
    const entry = script('tokenless.cjs', `console.log('{"event":"ready","url":"http://127.0.0.1:4","token":null}'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`);
    await expect(new UtilityClusterLauncher({ fork: forkAsUtility, entry }).start({ dataDir: dir, sampleWorkload: false })).rejects.toThrow(/without handing out a session token/);
  });

  it('gives up when the cluster never announces itself', async () => {
    const entry = script('silent.cjs', `setInterval(() => {}, 1000);`);
    await expect(new UtilityClusterLauncher({ fork: forkAsUtility, entry, startTimeoutMs: 300 }).start({ dataDir: dir, sampleWorkload: false })).rejects.toThrow(/did not start within/);
  });
});
