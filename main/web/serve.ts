/**
 * `sigmatiq-admin serve`: browser mode's composition root — the one place that wires the desktop
 * core to a browser. Ports: secrets in a 0600 file, settings in a JSON file, the embedded cluster
 * as a child process, no notifications. SIGTERM/SIGINT/SIGHUP stop the local cluster and close the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDesktopCore } from '../core/desktop-core.ts';
import { REPORT_USAGE, runReport } from './report-command.ts';
import { installLastResort } from '../core/last-resort.ts';
import type { DesktopCore } from '../core/ports.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { JsonSettingsStore } from './json-settings-store.ts';
import { NodeClusterLauncher } from './node-cluster-launcher.ts';
import { parseServeArgs, SERVE_USAGE, UsageError, type ServeArgs } from './serve-args.ts';
import { startWebHost, type WebHost } from './web-host.ts';

/** The project folder (from main/web/ in source, or out/node/ when built). */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RENDERER_DIR = path.join(PROJECT_ROOT, 'out', 'renderer');

export interface ServeIo {
  out(line: string): void;
  err(line: string): void;
}

export interface RunningServe {
  core: DesktopCore;
  host: WebHost;
  stop(): Promise<void>;
}

/** Build the UI when it is missing; false (with a message) when that did not work. */
function ensureRenderer(args: ServeArgs, io: ServeIo): boolean {
  if (existsSync(path.join(RENDERER_DIR, 'index.html'))) return true;
  if (!args.build) {
    io.err(`the admin UI is not built (${RENDERER_DIR} is missing): run 'npm run build', or drop --no-build`);
    return false;
  }
  io.err(`the admin UI is not built yet: running 'npm run build' in ${PROJECT_ROOT} (once; takes a minute)…`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] });
  if (r.status === 0 && existsSync(path.join(RENDERER_DIR, 'index.html'))) return true;
  io.err(`building the UI failed (${r.error?.message ?? `exit code ${r.status}`}): the AdminApi runs, the page says how to build the UI`);
  return false;
}

/** Start browser mode: the core, the clusters from the command line, and the HTTP host. */
export async function startServe(args: ServeArgs, io: ServeIo): Promise<RunningServe> {
  // 0711: others may pass through (the local cluster's PostgreSQL runs as its own user when we are
  // root) but not list; secrets.json itself is 0600.
  mkdirSync(args.dataDir, { recursive: true, mode: 0o711 });
  const log = (line: string) => io.err(`${new Date().toISOString()} ${line}`);
  const core = createDesktopCore({
    dataDir: args.dataDir,
    secrets: new FileSecretStore(path.join(args.dataDir, 'secrets.json')),
    settings: new JsonSettingsStore(path.join(args.dataDir, 'settings.json')),
    embeddedCluster: args.embedded ? new NodeClusterLauncher({ log }) : null,
    notifier: null,
    log,
  });
  await core.start();

  const known = await core.api.listClusters();
  for (const c of args.clusters) {
    const existing = known.find((k) => !k.local && (k.name.toLowerCase() === c.name.toLowerCase() || k.url === c.url));
    const view = existing
      ? await core.api.updateCluster(existing.id, { name: c.name, url: c.url, token: c.token })
      : await core.api.addCluster({ name: c.name, url: c.url, token: c.token });
    io.err(`cluster ${view.name} (${view.id}) at ${view.url}: ${existing ? 'updated' : 'added'}`);
  }

  const rendererBuilt = ensureRenderer(args, io);
  const host = await startWebHost({
    api: core.api,
    onEvent: core.onEvent,
    rendererDir: rendererBuilt ? RENDERER_DIR : null,
    port: args.port,
    log,
  });
  io.out(`sigmatiq-admin: browser mode, data in ${args.dataDir}${args.embedded ? '' : ' (no local cluster)'}`);
  io.out(`open: ${host.openUrl}`);

  let stopping: Promise<void> | null = null;
  return {
    core,
    host,
    stop() {
      stopping ??= (async () => {
        await host.close();
        await core.stop();
      })();
      return stopping;
    },
  };
}

/** `sigmatiq-admin <command>`: resolves with the exit code once serve has stopped. */
export async function main(argv: readonly string[], io: ServeIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || (command !== 'report' && (rest.includes('-h') || rest.includes('--help')))) {
    io.out(`${SERVE_USAGE}\n${REPORT_USAGE}`);
    return 0;
  }
  if (command === 'report') return runReport(rest, { out: (text) => io.out(text.replace(/\n$/, '')), err: io.err });
  if (command !== 'serve') {
    io.err(`sigmatiq-admin: unknown command '${command}'\n\n${SERVE_USAGE}`);
    return 2;
  }
  let args: ServeArgs;
  try {
    args = parseServeArgs(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sigmatiq-admin: ${error.message}\n\n${SERVE_USAGE}`);
      return 2;
    }
    throw error;
  }
  // Listening from the start: a signal while the cache opens or the UI builds is kept and honoured
  // once started. SIGHUP too: a closed terminal. A Ctrl-C reaches the whole process group and
  // `npm start` passes it on as well, so a repeat is the same request, not a reason to skip the
  // orderly stop.
  let signalled: ((signal: NodeJS.Signals) => void) | null = null;
  let first: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) return;
    first = signal;
    signalled?.(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
  let running: RunningServe;
  try {
    running = await startServe(args, io);
  } catch (error) {
    io.err(`sigmatiq-admin: could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  installLastResort({ process, log: io.err, shutdown: () => running.stop(), exit: (code) => process.exit(code), timeoutMs: 45_000 });
  const signal = await new Promise<NodeJS.Signals>((resolve) => (first ? resolve(first) : (signalled = resolve)));
  io.err(`${signal}: stopping the local cluster and closing the cache…`);
  return new Promise((resolve) => {
    const forced = setTimeout(() => {
      io.err('stopping took longer than 45 s: exiting');
      resolve(1);
    }, 45_000);
    forced.unref();
    void running.stop().then(() => {
      clearTimeout(forced);
      io.err('stopped');
      resolve(0);
    });
  });
}

/** Runs `sigmatiq-admin` with this process's arguments and exits with its code. */
export async function runAsProgram(): Promise<never> {
  const code = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exit(code);
}

// The built bundle (out/node/web-serve.js) runs itself; bin/sigmatiq-admin.js calls runAsProgram,
// because npx starts it through symlinks whose paths say nothing about this module.
if (/(^|[\\/])web-serve\.js$/.test(process.argv[1] ?? '') && import.meta.url.endsWith('/web-serve.js')) await runAsProgram();
