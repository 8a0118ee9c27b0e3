/** The command line of `sigmatiq-admin serve`, parsed into options or a usage error. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ClusterUrl } from '../../contract/admin-api.ts';

export const SERVE_USAGE = `usage: sigmatiq-admin serve [options]

Serves the admin UI and its AdminApi on 127.0.0.1 for a browser (browser mode), and prints
"open: http://127.0.0.1:PORT/?token=…" — the address with this session's token.

options:
  --port N               port to listen on (default: a free one)
  --data-dir DIR         where the job cache, settings and the local cluster live
                         (default: ~/.local/share/sigmatiq/admin; as root /var/lib/sigmatiq/admin)
  --no-embedded          do not start the embedded local cluster
  --cluster NAME=URL     add or update a cluster; follow it with its token (repeatable)
  --token-file FILE      the token of the --cluster before it, read from FILE
  --token TOKEN          the same on the command line (other users of this machine can see it
                         in \`ps\`: prefer --token-file or SIGMATIQ_TOKEN)
  --no-build             do not build the UI when out/renderer is missing
  -h, --help             this help

environment:
  SIGMATIQ_TOKEN         the token of the one --cluster given neither --token-file nor --token
`;

/** The environment variable that may carry a --cluster's token. */
export const TOKEN_ENV = 'SIGMATIQ_TOKEN';

export class UsageError extends Error {}

export interface ServeArgs {
  port: number;
  dataDir: string;
  embedded: boolean;
  build: boolean;
  clusters: { name: string; url: string; token: string }[];
}

/** The default data folder (PostgreSQL of the local cluster cannot live under root's 0700 home). */
export function defaultDataDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/sigmatiq/admin';
  const base = process.env.XDG_DATA_HOME || path.join(homedir(), '.local', 'share');
  return path.join(base, 'sigmatiq', 'admin');
}

function checkedToken(token: string, cluster: string, from: string): string {
  if (token.length < 8) throw new UsageError(`the token of --cluster ${cluster} (${from}) looks too short`);
  if (/\s/.test(token)) throw new UsageError(`the token of --cluster ${cluster} (${from}) contains spaces or line breaks: it should hold the token only`);
  return token;
}

function tokenFromFile(file: string, cluster: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`option '--token-file ${file}' of --cluster ${cluster}: cannot read it (${reason})`);
  }
  // Files written with `echo` end in a line break.
  return checkedToken(text.trim(), cluster, `from ${file}`);
}

/**
 * `env` is where SIGMATIQ_TOKEN is read from. Tokens are taken from a file or the environment
 * rather than the command line where possible, because every user of the machine can list other
 * processes' arguments.
 */
export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ServeArgs {
  const out: ServeArgs = { port: 0, dataDir: defaultDataDir(), embedded: true, build: true, clusters: [] };
  /** Clusters still without a token: SIGMATIQ_TOKEN may give it to one of them. */
  const tokenless: { name: string; url: string }[] = [];
  let pending: { name: string; url: string } | null = null;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`option '${flag}' needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // `--flag=value` as well as `--flag value`; --cluster's value itself contains '='.
    const eqAt = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eqAt > 0 ? arg.slice(0, eqAt) : arg;
    const inline = eqAt > 0 ? arg.slice(eqAt + 1) : undefined;
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--port': {
        const n = Number(take());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError("option '--port': a number from 0 to 65535");
        out.port = n;
        break;
      }
      case '--data-dir':
        out.dataDir = path.resolve(take());
        break;
      case '--no-embedded':
        out.embedded = false;
        break;
      case '--no-build':
        out.build = false;
        break;
      case '--cluster': {
        if (pending) tokenless.push(pending);
        const spec = take();
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new UsageError("option '--cluster': NAME=URL, e.g. --cluster prod=https://jobs.example.com:7420");
        const name = spec.slice(0, eq).trim();
        const url = spec.slice(eq + 1).trim();
        const parsed = ClusterUrl.safeParse(url);
        if (!parsed.success) throw new UsageError(`option '--cluster ${name}': ${parsed.error.issues[0]?.message ?? 'not a URL'}`);
        pending = { name, url };
        break;
      }
      case '--token':
      case '--token-file': {
        const value = take();
        if (!pending) throw new UsageError(`option '${flag}' belongs to the --cluster NAME=URL before it`);
        const token = flag === '--token' ? checkedToken(value, pending.name, '--token') : tokenFromFile(value, pending.name);
        out.clusters.push({ ...pending, token });
        pending = null;
        break;
      }
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (pending) tokenless.push(pending);
  if (tokenless.length > 0) {
    const fromEnv = env[TOKEN_ENV];
    const [first, second] = tokenless;
    if (!fromEnv) {
      throw new UsageError(`--cluster ${first!.name}=${first!.url} needs its token: --token-file FILE after it, or ${TOKEN_ENV} in the environment`);
    }
    if (second) {
      throw new UsageError(`${TOKEN_ENV} gives the token of one --cluster, but ${first!.name} and ${second.name} have none: give them --token-file FILE`);
    }
    out.clusters.push({ ...first!, token: checkedToken(fromEnv, first!.name, TOKEN_ENV) });
  }
  return out;
}
