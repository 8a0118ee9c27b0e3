/**
 * What the alert routes need from a datastore alone: the AlertStore, alert events through the
 * SharedStore and the node's threshold cache. `startAlerting` adds sending (Send test, notes to
 * users); an API over an engine in a test gets these so every alert route answers.
 */
import type { AlertApiDeps } from '../api/routes/alert-routes.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { storeAlertEvents } from './alert-events.ts';
import { thresholdCacheFor } from './threshold-cache.ts';

export function alertApiDepsOf(datastore: Pick<Datastore, 'alerts' | 'store'>): AlertApiDeps {
  return { alerts: datastore.alerts, events: storeAlertEvents(datastore.store), thresholds: thresholdCacheFor(datastore.alerts) };
}
