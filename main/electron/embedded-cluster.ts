/**
 * The EmbeddedClusterLauncher of the app: runs the cluster's built entry (`out/node/cluster-cli.js
 * serve …`) in an Electron utilityProcess — a Node process Electron manages, which needs no
 * ELECTRON_RUN_AS_NODE (that fuse is off) — with the same arguments and ready line as browser
 * mode's launcher (main/web/node-cluster-launcher.ts): embedded PostgreSQL under the app's data
 * folder, loopback, a free port, a session admin token. Ready when the cluster prints its ready
 * JSON line. Stopped with SIGTERM (the cluster shuts its PostgreSQL down cleanly), SIGKILL after a
 * grace period.
 */
import { mkdirSync } from 'node:fs';
import type { ForkOptions } from 'electron';
import type { EmbeddedClusterHandle, EmbeddedClusterLauncher } from '../core/ports.ts';
import { parseReadyLine } from '../core/clusters/ready-line.ts';
import { embeddedServeArgs } from '../web/node-cluster-launcher.ts';
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
  /** Extra serve flags (tests). */
  extraArgs?: string[];
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

/** Lines that carry a token are never logged or kept for crash reports. */
const SECRET_LINE = /admin token:|"token":"/i;

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
    mkdirSync(options.dataDir, { recursive: true });
    const child = this.options.fork(this.options.entry, embeddedServeArgs(options.dataDir, options.sampleWorkload, this.options.extraArgs), {
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
      lines(child.stdout, (line) => {
        const ready = parseReadyLine(line);
        if (!ready) {
          if (!SECRET_LINE.test(line)) remember(line);
          return;
        }
        clearTimeout(timer);
        if (ready.token) resolve({ url: ready.url, token: ready.token });
        else {
          reject(new Error('the local cluster started without handing out a session token'));
          child.kill();
        }
      });
      lines(child.stderr, (line) => {
        if (!SECRET_LINE.test(line)) remember(line);
      });
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
