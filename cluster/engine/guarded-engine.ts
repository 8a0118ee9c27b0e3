/**
 * The engine as the API sees it during a datastore outage: health from the availability probe
 * (answers at once, 503 while down), and every call the API makes bounded by the outage
 * (outage-guard.ts). Submits guard themselves (job-submit.ts): they must either fail having done
 * nothing or succeed, never be cut short half-way.
 */
import type { DatastoreAvailability } from '../datastore/datastore-availability.ts';
import type { JobEngine } from './job-engine.ts';
import { duringOutage } from './outage-guard.ts';

/** The calls bounded by an outage: everything the API asks that reads or writes the datastore. */
const GUARDED = new Set<string>([
  'listJobs',
  'getJob',
  'getLogs',
  'summary',
  'queues',
  'queueAction',
  'queueLoad',
  'jobAction',
  'bulkAction',
  'workers',
  'resources',
  'listSchedules',
  'createSchedule',
  'setSchedulePaused',
  'deleteSchedule',
  'listMaintenanceWindows',
  'createMaintenanceWindow',
  'deleteMaintenanceWindow',
  'history',
  'readEvents',
  'lastEventId',
  'appendAudit',
  'listAudit',
] satisfies (keyof JobEngine)[]);

export function guardEngine<E extends JobEngine>(engine: E, availability: DatastoreAvailability): E {
  const health = async (): Promise<{ reachable: boolean; latencyMs: number | null }> => {
    if (!availability.reachable) return { reachable: false, latencyMs: null };
    const state = await availability.probe();
    return { reachable: state.reachable, latencyMs: state.latencyMs };
  };
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'health') return health;
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && GUARDED.has(prop)) {
        return (...args: unknown[]) => duringOutage(availability, () => method.apply(target, args) as Promise<unknown>);
      }
      return method.bind(target);
    },
  });
}
