// Processes of `npm start` and `npx …` end with whoever started them. npm runs a script through
// `sh -c`: a SIGTERM to npm ends npm and that shell without reaching the node process below, a
// SIGHUP ends npm and leaves the shell, and a SIGKILL of a launcher is never forwarded at all. So a
// process started by npm or by one of our launchers (SIGMATIQ_EXIT_WITH_PARENT=1) watches its parent
// (and, under npm, the npm process above the shell) and, once one has gone, sends itself SIGTERM:
// the same orderly shutdown a service manager asks for.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether this process should end with its parent, and how many generations up to watch. */
export function exitWithParentDepth(env = process.env) {
  if (env.npm_lifecycle_event || env.npm_command) return 2;
  return env.SIGMATIQ_EXIT_WITH_PARENT === '1' ? 1 : 0;
}

/** The parent of `pid`, or null when it cannot be told (the process has gone). */
export function parentOf(pid) {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may contain spaces and parentheses.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return null;
    }
  }
  const r = spawnSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' });
  const ppid = Number(r.stdout?.trim());
  return r.status === 0 && ppid > 0 ? ppid : null;
}

/** True while the process `pid` exists. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Sends `signal` to this process once its parent — or, with `depth` 2, the parent's parent — has
 * gone. Returns the function that stops watching. Ancestors that are init (a service, a container's
 * first process) are not watched.
 */
export function exitWithParent({ depth = exitWithParentDepth(), signal = 'SIGTERM', everyMs = 500 } = {}) {
  const chain = [];
  for (let pid = process.ppid; chain.length < depth && pid > 1; pid = parentOf(pid) ?? 0) chain.push(pid);
  if (chain.length === 0) return () => {};
  const intact = () =>
    process.ppid === chain[0] &&
    chain.every((pid, i) => i === 0 || (process.platform === 'linux' ? parentOf(chain[i - 1]) === pid : alive(pid)));
  const timer = setInterval(() => {
    if (intact()) return;
    clearInterval(timer);
    process.kill(process.pid, signal);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
