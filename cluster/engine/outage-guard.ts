/**
 * The engine during a datastore outage: every API call fails within moments with
 * `datastore_unavailable` (503, retry after a few seconds, the datastore named) instead of waiting
 * until the datastore returns. A call is refused at once while the datastore is known to be down,
 * cut short when it goes down meanwhile, and a failure that a probe then explains by the outage
 * is reported as the outage rather than as an internal error.
 */
import { RETRY_AFTER_S, type DatastoreAvailability } from '../datastore/datastore-availability.ts';
import { EngineError } from './job-engine.ts';

export function unavailableError(availability: DatastoreAvailability, what?: string): EngineError {
  const message = what ? `${what}: ${availability.message()}` : availability.message();
  return new EngineError('datastore_unavailable', message, { retryAfterS: RETRY_AFTER_S, datastore: availability.description });
}

/** Fails at once while the datastore is known to be down. */
export function assertReachable(availability: DatastoreAvailability, what?: string): void {
  if (!availability.reachable) throw unavailableError(availability, what);
}

/**
 * Settles like `work`, except that it rejects with `datastore_unavailable` as soon as the
 * datastore is found down before `work` settles, and when `work` fails and a probe finds the
 * datastore down. `work` itself is not stopped: use this only where what it does later is harmless
 * (reads), or where it checks `signal` before it changes anything.
 */
export async function duringOutage<T>(availability: DatastoreAvailability, work: (signal: AbortSignal) => Promise<T>, what?: string): Promise<T> {
  assertReachable(availability, what);
  const abort = new AbortController();
  let off = (): void => undefined;
  const down = new Promise<never>((_, reject) => {
    off = availability.onChange((reachable) => {
      if (reachable) return;
      abort.abort();
      reject(unavailableError(availability, what));
    });
  });
  down.catch(() => undefined);
  try {
    return await Promise.race([work(abort.signal), down]);
  } catch (error) {
    if (error instanceof EngineError) throw error;
    if (!(await availability.probe()).reachable) {
      abort.abort();
      throw unavailableError(availability, what);
    }
    throw error;
  } finally {
    off();
  }
}
