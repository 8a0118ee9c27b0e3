/**
 * The lifeline of a sandboxed job process: no job process outlives its worker node.
 *
 * BullMQ forks one child process per job slot (`bullmq/dist/cjs/classes/main.js`). When the node
 * dies (SIGKILL, power loss of its container), the child is reparented to PID 1 and nothing ends
 * it: BullMQ's child answers an uncaught exception by sending it to the node and exiting only once
 * the send is done, but on a closed channel the send fails, which is itself uncaught — the child
 * loops there, holding a share of a core and the job's memory for good, while another node reruns
 * the job anyway. The lifeline is loaded into the child with `--import` (a data: URL, so it needs
 * no file next to the built bundle) and runs before BullMQ's code and the job's, so it covers a
 * child at every point: forked, loading the job code, running, idle in the pool. It exits the
 * child when the IPC channel to the node closes, when an exception arrives with the channel closed
 * or the node gone (breaking that loop at its first turn), and when the child finds itself
 * reparented (a parent that vanished without the channel saying so).
 *
 * Worker threads (inside Electron) need none of this: a thread dies with its node.
 */

/**
 * Runs inside the job process. Self-contained, and without named inner functions: its source is
 * what the child loads, and a transpiler keeping function names would wrap those in a helper the
 * child does not have.
 */
function lifeline(): void {
  const node = process.ppid;
  process.on('disconnect', () => process.exit(1));
  process.prependListener('uncaughtException', (error) => {
    // That loop never yields to the event loop: the channel's end is never read (`connected`
    // stays true) and no timer runs, but each turn passes here, and the parent pid is a syscall.
    if (!process.connected || process.ppid !== node) process.exit(1);
    // Only this listener (BullMQ's is not there yet): crash as Node would without it.
    if (process.listenerCount('uncaughtException') === 1) {
      try {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      } finally {
        process.exit(1);
      }
    }
  });
  setInterval(() => {
    if (!process.connected || process.ppid !== node) process.exit(1);
  }, 1_000).unref();
}

/** The `execArgv` entries that load the lifeline into a forked job process. */
export function lifelineExecArgv(): string[] {
  return ['--import', `data:text/javascript,${encodeURIComponent(`(${lifeline.toString()})();`)}`];
}
