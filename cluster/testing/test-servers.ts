/**
 * Real Redis and PostgreSQL servers for integration tests, started and stopped by the tests
 * themselves (vitest global setup), on free loopback ports in throw-away folders.
 *
 * - Redis: Debian's `redis-server`, with `maxmemory-policy noeviction` as BullMQ requires.
 * - PostgreSQL: Debian's server binaries (an "existing PostgreSQL" as an admin would have one).
 *   PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
 *   (created by the Debian package) through `runuser`.
 * A missing binary is an error that says which Debian package to install — tests never skip silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../datastore/free-port.ts';

export interface TestServer {
  url: string;
  stop(): Promise<void>;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}:\n${seen}`));
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startRedis(): Promise<TestServer> {
  const bin = which('redis-server');
  if (!bin) throw new Error('redis-server not found: install the Debian package `redis-server` (.ci/run does).');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-redis-'));
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForOutput(child, /Ready to accept connections/, 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The newest Debian PostgreSQL server binaries folder, or null when none is installed. */
export function debianPostgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

export async function startPostgres(): Promise<TestServer> {
  const bin = debianPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found: install the Debian package `postgresql` (.ci/run does).');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  if (asRoot) spawnSync('chown', ['postgres', dir]);
  const [initCmd, initArgs] = run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
  const [cmd, args] = run(path.join(bin, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForOutput(child, /ready to accept connections/, 'postgres');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      // A "fast" shutdown through pg_ctl: runuser does not pass signals on to postgres.
      const [stopCmd, stopArgs] = run(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      spawnSync(stopCmd, stopArgs, { stdio: 'ignore' });
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
