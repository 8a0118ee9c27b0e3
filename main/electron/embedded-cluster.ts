/**
 * The EmbeddedClusterLauncher of the app: runs the cluster's built entry (`out/node/cluster-cli.js
 * serve …`) in an Electron utilityProcess — a Node process Electron manages, which needs no
 * ELECTRON_RUN_AS_NODE (that fuse is off) — on a free loopback port with embedded PostgreSQL under
 * the app's data folder. Ready when it has printed its URL and the admin token it generated.
 * Stopped with SIGTERM (the cluster shuts its PostgreSQL down cleanly), SIGKILL after a grace period.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import type { ForkOptions } from 'electron';
import type { EmbeddedClusterHandle, EmbeddedClusterLauncher } from '../core/ports.ts';

/** The parts of Electron's UtilityProcess the launcher uses. */
export interface ClusterProcess {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkClusterProcess = (modulePath: string, args: string[], options: ForkOptions) => ClusterProcess;

export interface UtilityClusterLauncherOptions {
  /** `utilityProcess.fork` in the app. */
  fork: ForkClusterProcess;
  /** The cluster's built entry, `out/node/cluster-cli.js`. */
  entry: string;
  startTimeoutMs?: number;
  stopGraceMs?: number;
  /** Picks the port (a free loopback port by default). */
  pickPort?: () => Promise<number>;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

/** What the cluster printed that the desktop needs: its API URL and the admin token it generated. */
export interface ClusterAnnouncement {
  url: string | null;
  token: string | null;
}

const URL_PATTERN = /\bhttps?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+\b/;
const TOKEN_PATTERN = /^\s*admin token:\s*(\S+)\s*$/i;

/** Reads one line of `serve` output into the announcement so far. */
export function readAnnouncementLine(line: string, seen: ClusterAnnouncement): ClusterAnnouncement {
  const token = TOKEN_PATTERN.exec(line)?.[1];
  if (token) return { ...seen, token };
  const url = seen.url ?? URL_PATTERN.exec(line)?.[0] ?? null;
  return { ...seen, url };
}

/** A free TCP port on 127.0.0.1 (closed again before the cluster binds it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The `serve` arguments for the embedded cluster. */
export function embeddedServeArgs(options: { dataDir: string; port: number; sampleWorkload: boolean }): string[] {
  return [
    'serve',
    '--datastore',
    `embedded:${path.join(options.dataDir, 'cluster')}`,
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port),
    ...(options.sampleWorkload ? ['--sample-workload'] : []),
  ];
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding?.('utf8');
  stream.on('data', (chunk: string | Buffer) => {
    buffered += chunk.toString();
    let i: number;
    while ((i = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, i).replace(/\r$/, ''));
      buffered = buffered.slice(i + 1);
    }
  });
}

/** Starts the embedded cluster through utilityProcess. */
export class UtilityClusterLauncher implements EmbeddedClusterLauncher {
  constructor(private readonly options: UtilityClusterLauncherOptions) {}

  async start(options: { dataDir: string; sampleWorkload: boolean }): Promise<EmbeddedClusterHandle> {
    const port = await (this.options.pickPort ?? freeLoopbackPort)();
    const child = this.options.fork(this.options.entry, embeddedServeArgs({ ...options, port }), {
      serviceName: 'Sigmatiq local cluster',
      stdio: 'pipe',
      cwd: options.dataDir,
      env: { ...process.env, ...this.options.env, NODE_ENV: 'production' },
    });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      this.options.log?.(`[local cluster] ${line}`);
    };
    // The admin token is printed once; keep it out of the log and the crash tail.
    const redact = (line: string) => (TOKEN_PATTERN.test(line) ? 'admin token: (hidden)' : line);

    let announced: ClusterAnnouncement = { url: null, token: null };
    let exitCode: number | null | undefined;
    let stopRequested = false;
    let resolveGone!: () => void;
    const gone = new Promise<void>((resolve) => (resolveGone = resolve));
    let resolveExited!: (value: { code: number | null; lastOutput: string }) => void;
    // Resolves only when the cluster ends on its own (a crash), as the port promises.
    const exited = new Promise<{ code: number | null; lastOutput: string }>((resolve) => (resolveExited = resolve));

    const ready = new Promise<{ url: string; token: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the local cluster did not start within ${Math.round((this.options.startTimeoutMs ?? 180_000) / 1000)} s:\n${tail.join('\n')}`));
        child.kill();
      }, this.options.startTimeoutMs ?? 180_000);
      const onLine = (line: string) => {
        remember(redact(line));
        announced = readAnnouncementLine(line, announced);
        if (announced.url && announced.token) {
          clearTimeout(timer);
          resolve({ url: announced.url, token: announced.token });
        }
      };
      lines(child.stdout, onLine);
      lines(child.stderr, onLine);
      child.on('exit', (code) => {
        exitCode = code;
        clearTimeout(timer);
        resolveGone();
        if (!stopRequested) resolveExited({ code, lastOutput: tail.join('\n') });
        reject(new Error(`the local cluster stopped before it was ready (exit code ${code}):\n${tail.join('\n')}`));
      });
    });

    const { url, token } = await ready;
    const stopGraceMs = this.options.stopGraceMs ?? 20_000;
    let stopping: Promise<void> | null = null;
    return {
      url,
      token,
      exited,
      stop: () => {
        stopping ??= (async () => {
          stopRequested = true;
          if (exitCode !== undefined) return;
          child.kill();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), stopGraceMs)));
          const outcome = await Promise.race([gone, timeout]);
          clearTimeout(timer);
          if (outcome === 'timeout' && child.pid !== undefined) {
            this.options.log?.('[local cluster] did not stop in time; killing it');
            try {
              process.kill(child.pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
            await gone;
          }
        })();
        return stopping;
      },
    };
  }
}
