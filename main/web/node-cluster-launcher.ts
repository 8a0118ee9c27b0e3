/**
 * Browser mode's EmbeddedClusterLauncher: runs `bin/sigmatiq-cluster.js serve` as a child process
 * (embedded PostgreSQL under the data folder, loopback, a free port, a session admin token, the
 * sample workload) and reads where it listens from its ready line on stdout. The desktop app does
 * the same through Electron's utilityProcess.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseReadyLine } from '../core/clusters/ready-line.ts';
import type { EmbeddedClusterHandle, EmbeddedClusterLauncher } from '../core/ports.ts';

/** The cluster CLI, by path: main/ starts the cluster as a process, never imports it. */
export const CLUSTER_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/sigmatiq-cluster.js');

/** The serve arguments for an embedded cluster in `dataDir`. */
export function embeddedServeArgs(dataDir: string, sampleWorkload: boolean, extra: readonly string[] = []): string[] {
  return [
    'serve',
    '--datastore', `embedded:${path.join(dataDir, 'cluster')}`,
    '--host', '127.0.0.1',
    '--port', '0',
    '--tokens', path.join(dataDir, 'cluster-tokens.json'),
    '--session-token',
    '--name', 'Local',
    ...(sampleWorkload ? ['--sample-workload'] : []),
    ...extra,
  ];
}

export interface NodeLauncherOptions {
  /** How long the first start may take (embedded PostgreSQL initialises its data folder). */
  startTimeoutMs?: number;
  /** Extra serve flags (tests: `--workers 1`). */
  extraArgs?: string[];
  log?: (line: string) => void;
}

/** Stop a child: SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 35_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export class NodeClusterLauncher implements EmbeddedClusterLauncher {
  constructor(private readonly options: NodeLauncherOptions = {}) {}

  start(options: { dataDir: string; sampleWorkload: boolean }): Promise<EmbeddedClusterHandle> {
    mkdirSync(options.dataDir, { recursive: true });
    // Its own process group: a Ctrl-C reaches the host, which stops the cluster with one SIGTERM (a
    // second signal would make the cluster exit without stopping PostgreSQL). It ends with the host
    // even when the host is killed outright (bin/exit-with-parent.js).
    const child = spawn(process.execPath, [CLUSTER_BIN, ...embeddedServeArgs(options.dataDir, options.sampleWorkload, this.options.extraArgs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', SIGMATIQ_EXIT_WITH_PARENT: '1' },
    });
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      this.options.log?.(`local cluster: ${line}`);
    };
    const exited = new Promise<{ code: number | null; lastOutput: string }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : null), lastOutput: tail.join('\n') }));
      child.once('error', (error) => {
        remember(`could not run the cluster: ${error.message}`);
        resolve({ code: null, lastOutput: tail.join('\n') });
      });
    });
    createInterface({ input: child.stderr! }).on('line', remember);

    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        void stopChild(child, 5_000);
        reject(new Error(`it did not report ready within ${Math.round((this.options.startTimeoutMs ?? 180_000) / 1000)} s:\n${tail.join('\n')}`));
      }, this.options.startTimeoutMs ?? 180_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const ready = parseReadyLine(line);
        if (!ready) {
          // Never log the admin token line.
          if (!/admin token:/i.test(line)) remember(line);
          return;
        }
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!ready.token) {
          void stopChild(child, 5_000);
          reject(new Error('it started without handing out a session token'));
          return;
        }
        resolve({ url: ready.url, token: ready.token, stop: () => stopChild(child), exited });
      });
      void exited.then(({ code, lastOutput }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(new Error(`it exited with code ${code} before it was ready:\n${lastOutput}`));
      });
    });
  }
}
