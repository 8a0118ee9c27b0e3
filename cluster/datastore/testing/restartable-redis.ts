/**
 * A Redis server of its own for outage tests: stopped and started again on the same port with its
 * data kept (append-only file, written on every command), as an admin's Redis restarting would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../free-port.ts';

export interface RestartableRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop for good and remove its folder. */
  dispose(): Promise<void>;
}

export async function restartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-outage-redis-'));
  let child: ChildProcess | null = null;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--maxmemory-policy', 'noeviction'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let seen = '';
      c.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/Ready to accept connections/.test(seen)) resolve();
      });
      c.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}:\n${seen}`)));
      child = c;
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return resolve();
      c.removeAllListeners('exit');
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
