/**
 * Real clusters for integration tests: `bin/sigmatiq-cluster.js serve` as a child process (the
 * desktop never imports cluster/ — it starts it by path), its URL and admin token read from its
 * output. Restartable with the same tokens file, so the token survives a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseReadyLine } from '../clusters/ready-line.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/sigmatiq-cluster.js');

export interface ClusterProcessOptions {
  datastore: string;
  tokensFile: string;
  name?: string;
  port?: number;
  extraArgs?: string[];
}

export class ClusterProcess {
  url = '';
  /** The admin token printed on the first start (kept across restarts by the tokens file). */
  token = '';
  private child: ChildProcess | null = null;
  output: string[] = [];

  constructor(private readonly options: ClusterProcessOptions) {}

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async start(port = this.options.port ?? 0): Promise<this> {
    const args = [
      BIN, 'serve', '--datastore', this.options.datastore, '--host', '127.0.0.1', '--port', String(port),
      '--tokens', this.options.tokensFile, '--name', this.options.name ?? 'test', '--rate-limit', '0',
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stderr! }).on('line', (l) => this.output.push(l));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cluster did not start in 120 s:\n${this.output.join('\n')}`)), 120_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.output.push(line);
        const token = /^admin token: (\S+)/.exec(line)?.[1];
        if (token) this.token = token;
        const ready = parseReadyLine(line);
        if (ready) {
          clearTimeout(timer);
          this.url = ready.url;
          if (ready.token) this.token = ready.token;
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`cluster exited with ${code}:\n${this.output.join('\n')}`));
      });
    });
    return this;
  }

  /** SIGTERM (graceful) or SIGKILL (a crash); resolves once the process is gone. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}
