/**
 * The last resort of a cluster process (`serve`, `worker`): an exception or a rejected promise
 * nothing caught is logged with its stack, then the process shuts down in order (the same path as
 * SIGTERM: API, workers, engine, datastore last) and exits with 1 — instead of dying mid-write with
 * nothing said. A second one during that shutdown is logged only; a shutdown that hangs is cut short
 * after `timeoutMs`. (The desktop has its own copy: main/ and cluster/ share no code.)
 */
export interface LastResortDeps {
  process: {
    on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
    off(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  };
  log(line: string): void;
  /** Close what is open; awaited up to `timeoutMs`. */
  shutdown(): Promise<void>;
  exit(code: number): void;
  timeoutMs?: number;
}

/** Install the handlers; returns their removal. */
export function installLastResort(deps: LastResortDeps): () => void {
  const timeoutMs = deps.timeoutMs ?? 20_000;
  let shuttingDown = false;
  const handler = (kind: string) => (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (shuttingDown) {
      deps.log(`${kind} while shutting down (ignored): ${text}`);
      return;
    }
    shuttingDown = true;
    deps.log(`${kind}: ${text}\nshutting down in order`);
    let timer: NodeJS.Timeout | undefined;
    const cutShort = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        deps.log(`the shutdown took longer than ${Math.round(timeoutMs / 1000)} s: exiting`);
        resolve();
      }, timeoutMs);
    });
    const orderly = Promise.resolve()
      .then(() => deps.shutdown())
      .catch((e: unknown) => deps.log(`the shutdown failed: ${e instanceof Error ? e.message : String(e)}`));
    void Promise.race([orderly, cutShort]).finally(() => {
      clearTimeout(timer);
      deps.exit(1);
    });
  };
  const onException = handler('uncaught exception');
  const onRejection = handler('unhandled promise rejection');
  deps.process.on('uncaughtException', onException);
  deps.process.on('unhandledRejection', onRejection);
  return () => {
    deps.process.off('uncaughtException', onException);
    deps.process.off('unhandledRejection', onRejection);
  };
}
