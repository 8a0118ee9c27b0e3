/**
 * Worker nodes for integration tests: `bin/sigmatiq-cluster.js worker` as a child process joining
 * a cluster's datastore (the desktop never imports cluster/ — it starts nodes by path). Resolves
 * once the node printed its `worker-ready` line; `kill('SIGKILL')` is a node that dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/sigmatiq-cluster.js');

export class WorkerNodeProcess {
  /** The node id it registered under (a job's `workerId`). */
  nodeId = '';
  readonly output: string[] = [];
  private child: ChildProcess | null = null;

  constructor(private readonly args: string[]) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<this> {
    const child = spawn(process.execPath, [BIN, 'worker', ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stderr! }).on('line', (l) => this.output.push(l));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker node did not get ready in 120 s:\n${this.output.join('\n')}`)), 120_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.output.push(line);
        if (!line.includes('"worker-ready"')) return;
        this.nodeId = (JSON.parse(line) as { nodeId: string }).nodeId;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker node exited with ${code}:\n${this.output.join('\n')}`));
      });
    });
    return this;
  }

  /** SIGTERM (graceful) or SIGKILL (a node that dies); resolves once the process is gone. */
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
