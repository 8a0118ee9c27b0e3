/** Test helpers: the processes of a tree, and npx/npm commands run the way a user runs them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

interface ProcInfo {
  pid: number;
  ppid: number;
  args: string;
}

function allProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie has ended; only its parent has not reaped it yet
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(name), ppid: Number(fields[1]), args });
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/** `root` and every process below it that is still running. */
export function processTree(root: number): ProcInfo[] {
  const all = allProcesses();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid));
}

/** Running processes whose command line mentions `text` (e.g. a data folder). */
export function processesMentioning(text: string): ProcInfo[] {
  return allProcesses().filter((p) => p.pid !== process.pid && p.args.includes(text));
}

/** True when `pid` still runs (not a zombie). */
export function running(pid: number): boolean {
  return allProcesses().some((p) => p.pid === pid);
}

/** Polls `check` every 200 ms until it returns true or `boundMs` has passed; returns the last result. */
export async function eventually(check: () => boolean, boundMs: number): Promise<boolean> {
  const end = Date.now() + boundMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface UserCommand {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output, rejects when the command ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `command args…` from the repository root as a user's shell does (PATH lookup of npm/npx),
 * in a process group of its own so a test can send a signal to the group as Ctrl-C does.
 */
export function runAsUser(command: string, args: string[], env: NodeJS.ProcessEnv = {}): UserCommand {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const listeners = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      listeners.forEach((l) => l());
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) done(null, m);
        };
        const done = (error: Error | null, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(m!);
        };
        listeners.add(check);
        void exited.then(() => done(new Error(`${command} ${args.join(' ')} ended before ${pattern}; output:\n${out}`)));
        check();
      });
    },
  };
}
