/** Test helper: run the real `sigmatiq-cluster` CLI (bin/sigmatiq-cluster.js) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { findReadySignal, type ReadySignal } from '../ready-signal.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/sigmatiq-cluster.js');

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the ready signal, rejects when the process exits first or after timeoutMs. */
  ready(timeoutMs?: number): Promise<ReadySignal>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start the CLI with arguments; output is collected. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    listeners.forEach((l) => l());
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    ready(timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const signal = findReadySignal(out);
          if (signal) {
            cleanup();
            resolve(signal);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`the CLI did not get ready in ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          cleanup();
          reject(new Error(`the CLI exited with ${code} before it was ready\nstdout:\n${out}\nstderr:\n${err}`));
        });
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Run the CLI to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
