/**
 * A PostgreSQL server of its own for outage tests: stopped (`pg_ctl stop -m fast`, as an admin's
 * restart or a failover does) and started again on the same data folder and port, its data kept.
 * Debian's server binaries, as the integration setup uses them; as root the server runs as the
 * `postgres` system user.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { debianPostgresBin } from '../../testing/test-servers.ts';
import { freePort } from '../free-port.ts';

export interface RestartablePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop for good and remove its folder. */
  dispose(): Promise<void>;
}

export async function restartablePostgres(): Promise<RestartablePostgres> {
  const bin = debianPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found: install the Debian package `postgresql` (.ci/run does).');
  const asRoot = process.getuid?.() === 0;
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-outage-pg-'));
  chmodSync(dir, 0o777);
  if (asRoot) spawnSync('chown', ['postgres', dir]);
  const dataDir = path.join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} ${args[0]} failed:\n${r.stdout}\n${r.stderr}`);
  };
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = async () => run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(dir, 'server.log'), '-o', options]);
  const stop = async () => run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async dispose() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
