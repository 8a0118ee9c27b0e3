/**
 * `sigmatiq-cluster serve`: opens the datastore, creates the engine, starts the API (and, through
 * the workers hook, this node's workers), prints where it listens and — on a first start — the
 * admin token, and shuts everything down in order on request.
 */
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { createApiServer, DEFAULT_API_LIMITS, DEFAULT_CAPABILITIES, type ApiServer } from '../api/api-server.ts';
import { addToken, generateToken, readTokensFile } from '../auth/token-file.ts';
import { TokenStore } from '../auth/token-store.ts';
import type { Datastore, OpenDatastoreOptions } from '../datastore/open-datastore.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import type { AlertApiDeps } from '../api/routes/alert-routes.ts';
import { defaultTokensFile } from './data-paths.ts';
import { removeReadyFile, writeReadyFile, type ReadySignal } from './ready-signal.ts';
import type { ServeFlags } from './serve-flags.ts';
import type { WorkerOptions, WorkersHandle } from './workers-hook.ts';
import { workDirFor } from '../workers/work-dir.ts';

export interface ServeDeps {
  openDatastore(spec: string, options: OpenDatastoreOptions): Promise<Datastore>;
  /** An engine not started yet: `serve` starts it once its close is registered. */
  createEngine(args: { datastore: Datastore; name: string }): JobEngine & { start(): Promise<void>; settings?: { runningJobControl?: boolean; stuckAfterMs?: number } };
  startWorkers(deps: { datastore: Datastore; engine: JobEngine }, options: WorkerOptions, note: (line: string) => void): Promise<WorkersHandle>;
  /** Alerting on this node (cluster/alerts/alerting.ts); without it the alert routes answer 503. */
  startAlerting?(options: { datastore: Datastore; engine: JobEngine; clusterName: string; adminUrl?: string; onError: (error: unknown) => void }): Promise<{ api: AlertApiDeps; close(): Promise<void> }>;
}

export interface ServeIo {
  out(line: string): void;
  err(line: string): void;
}

export interface RunningCluster {
  url: string;
  ready: ReadySignal;
  api: ApiServer;
  /** Stop accepting, end event streams, stop workers, close engine and datastore; idempotent. */
  shutdown(): Promise<void>;
}

/** Make sure the tokens file has a token; on a first start create an admin one and return it. */
function ensureAdminToken(file: string): { token: string; name: string } | null {
  if (readTokensFile(file).tokens.length > 0) return null;
  const { token, record } = addToken(file, 'admin', 'admin');
  return { token, name: record.name };
}

/**
 * The name of the session token an app gets with `--session-token`: the OS user who started the
 * app, so the audit log says who acted ("by desktop-alice") rather than "by session". Token names
 * allow letters, digits and . _ @ + - only, so anything else in a user name becomes "_".
 */
export function sessionTokenName(user: () => string = () => userInfo().username): string {
  let name: string;
  try {
    name = user();
  } catch {
    // No passwd entry for this uid (e.g. a container's arbitrary user): fall back to the environment.
    name = process.env.USER ?? process.env.USERNAME ?? '';
  }
  const safe = name.replace(/[^\w.@+-]/g, '_').slice(0, 80);
  return safe ? `desktop-${safe}` : 'desktop';
}

/** Start a cluster node as `serve` does; the caller wires signals to `shutdown`. */
export async function startServe(flags: ServeFlags, deps: ServeDeps, io: ServeIo, version: string): Promise<RunningCluster> {
  const spec = flags.datastore!;
  const tokensFile = path.resolve(flags.tokens ?? defaultTokensFile(spec));
  const tokens = new TokenStore({ file: tokensFile });
  let sessionToken: string | null = null;
  const sessionName = sessionTokenName();
  if (flags['session-token']) {
    sessionToken = generateToken();
    tokens.addMemoryToken(sessionName, 'admin', sessionToken);
  }

  const datastore = await deps.openDatastore(spec, {
    log: flags['log-level'] === 'debug' || flags['log-level'] === 'trace' ? (line) => io.err(`postgres: ${line.trimEnd()}`) : undefined,
  });
  const closers: Array<() => Promise<void>> = [() => datastore.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        io.err(`shutdown: ${(err as Error).message}`);
      }
    }
  };
  try {
    const clusterName = flags.name ?? hostname();
    const engine = deps.createEngine({ datastore, name: clusterName });
    closers.push(() => engine.close());
    await engine.start();
    const alerting = deps.startAlerting
      ? await deps.startAlerting({
          datastore,
          engine,
          clusterName,
          ...(flags['admin-url'] !== undefined ? { adminUrl: flags['admin-url'] } : {}),
          onError: (e) => io.err(`alerts: ${e instanceof Error ? e.message : String(e)}`),
        })
      : null;
    if (alerting) closers.push(() => alerting.close());
    const logger: FastifyServerOptions['logger'] = flags['log-level'] === 'silent' ? false : { level: flags['log-level'], stream: process.stderr };
    const rate = flags['rate-limit']!;
    const api = await createApiServer({
      engine,
      tokens,
      name: clusterName,
      version,
      logger,
      // This build's worker runtime serves stop/pause on every node; whether a worker is online to
      // do it is checked per action (409 with the reason when none is).
      capabilities: [...DEFAULT_CAPABILITIES, 'running-job-control'],
      stuckAfterMs: engine.settings?.stuckAfterMs,
      // Job files are served from the work folder this node's workers write to.
      outputsRoot: path.join(workDirFor(datastore.description), 'outputs'),
      ...(alerting ? { alerting: alerting.api } : {}),
      limits: { rateLimit: rate === 0 ? false : { max: rate, timeWindowMs: DEFAULT_API_LIMITS.rateLimit ? DEFAULT_API_LIMITS.rateLimit.timeWindowMs : 60_000 } },
    });
    closers.push(() => api.close());
    // The one place `serve` starts this node's job side (workers, monitor, sample workload).
    const workers = await deps.startWorkers(
      { datastore, engine },
      { enabled: !flags['no-workers'], workers: flags.workers ?? null, sampleWorkload: flags['sample-workload'] ?? false },
      (line) => io.err(line),
    );
    // Closers run in reverse: the API stops first (no new work, streams ended), then workers reach
    // a checkpoint, then the engine and last the datastore (embedded PostgreSQL stopped).
    closers.splice(2, 0, () => workers.stop());

    const url = await api.listen(flags.host!, flags.port!);
    // Only now, when it can be printed: a token stored but never shown (a failed start) would
    // leave a first-time admin locked out. With --session-token none is stored.
    const generated = flags['session-token'] ? null : ensureAdminToken(tokensFile);
    if (generated) tokens.reload();
    io.out(`sigmatiq-cluster ${version}: cluster '${clusterName}' on ${datastore.description}`);
    io.out(`listening: ${url}`);
    if (flags.port === 0) io.out(`port: ${new URL(url).port} (chosen for --port 0)`);
    if (sessionToken) {
      io.out(`admin token: ${sessionToken}`);
      io.out(`  a session token: valid only while this process runs; stored tokens are in ${tokensFile}`);
    } else if (generated) {
      io.out(`admin token: ${generated.token}`);
      io.out(`  shown only this once; its hash is kept in ${tokensFile} (restarts with this file accept it)`);
    } else {
      io.out(`tokens: ${tokensFile}`);
    }
    const shown = sessionToken ?? generated?.token ?? null;
    const ready: ReadySignal = {
      event: 'ready',
      url,
      token: shown,
      tokenName: sessionToken ? sessionName : generated ? generated.name : null,
      name: clusterName,
      datastore: datastore.kind,
      pid: process.pid,
      version,
    };
    // The file first, then the line: whoever reacts to the ready line may read the file at once.
    const readyFile = flags['ready-file'] ? path.resolve(flags['ready-file']) : null;
    if (readyFile) {
      writeReadyFile(readyFile, ready);
      closers.push(async () => removeReadyFile(readyFile));
    }
    io.out(JSON.stringify(ready));
    let done: Promise<void> | null = null;
    return {
      url,
      ready,
      api,
      shutdown: () => (done ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
