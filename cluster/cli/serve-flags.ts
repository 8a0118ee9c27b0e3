/** `serve`'s flags, usage text and checks (kept apart from serve-command.ts so usage errors load nothing heavy). */
import { parseDatastoreSpec } from '../datastore/datastore-spec.ts';
import { describeFlags, parseFlags, UsageError, type ParsedFlags } from './parse-args.ts';

export const SERVE_FLAGS = {
  datastore: { type: 'string', describe: 'embedded[:DIR], postgres://… or redis://…', default: 'embedded', valueName: 'SPEC' },
  host: { type: 'string', describe: 'address to listen on', default: '127.0.0.1', valueName: 'HOST' },
  port: { type: 'int', describe: 'port to listen on; 0 picks a free one', default: 7420, min: 0, max: 65535 },
  tokens: { type: 'string', describe: 'tokens file (default: DIR/tokens.json for embedded:DIR, else the data folder)', valueName: 'FILE' },
  name: { type: 'string', describe: 'cluster name shown to admins (default: this host name)', valueName: 'NAME' },
  workers: { type: 'int', describe: 'worker slots on this node (--no-workers: API only)', min: 0, max: 1024 },
  'no-workers': { type: 'boolean', describe: 'run the API only, no workers' },
  'sample-workload': { type: 'boolean', describe: 'keep a realistic mix of jobs flowing (demo clusters)' },
  'session-token': { type: 'boolean', describe: 'print a fresh admin token valid only while this process runs (for apps that start the cluster)' },
  'ready-file': { type: 'string', describe: 'write the ready JSON (url, token) to FILE once listening', valueName: 'FILE' },
  'admin-url': { type: 'string', describe: 'the admin app as alert emails, Slack (a button) and SMS link to it: an http(s) URL', valueName: 'URL' },
  'rate-limit': { type: 'int', describe: 'requests per minute per token; 0 = no limit', default: 1200, min: 0, max: 10_000_000 },
  'log-level': { type: 'string', describe: 'fatal, error, warn, info, debug or silent (logs go to stderr)', default: 'warn', valueName: 'LEVEL' },
} as const;

export type ServeFlags = ParsedFlags<typeof SERVE_FLAGS>;

export const SERVE_USAGE = `usage: sigmatiq-cluster serve [options]

Runs the cluster's admin API (and this node's workers) on a datastore. Prints
"listening: URL", on a first start "admin token: TOKEN" (shown once; only its hash
is stored in the tokens file), then one JSON line {"event":"ready","url",...}.

options:
${describeFlags(SERVE_FLAGS)}
`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parse and check serve's flags; throws UsageError for anything wrong (exit code 2). */
export function parseServeFlags(argv: readonly string[]): ServeFlags {
  const flags = parseFlags(argv, SERVE_FLAGS);
  try {
    parseDatastoreSpec(flags.datastore);
  } catch (err) {
    throw new UsageError(`option '--datastore': ${(err as Error).message}`);
  }
  if (!LOG_LEVELS.includes(flags['log-level']!)) throw new UsageError(`option '--log-level': use one of ${LOG_LEVELS.join(', ')}`);
  if (flags['no-workers'] && flags.workers !== undefined) throw new UsageError("give either '--workers N' or '--no-workers', not both");
  if (flags.name !== undefined && !/^[\w .@+-]{1,100}$/.test(flags.name)) {
    throw new UsageError("option '--name': 1–100 letters, digits, spaces and . _ @ + -");
  }
  if (flags['admin-url'] !== undefined) {
    const problem = adminUrlProblem(flags['admin-url']);
    if (problem) throw new UsageError(`option '--admin-url': ${problem}`);
  }
  return flags;
}

/** Why a URL cannot be the admin app's link in alert messages, or null when it can. */
export function adminUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'${value}' is not a URL; give the admin app's address, e.g. https://admin.example.com/`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `use an http(s) URL (got ${url.protocol}): Slack links and buttons accept no other`;
  if (url.username || url.password) return 'leave the user name and password out: the URL is sent in every alert message';
  return null;
}
