/**
 * Alert transitions as cluster events (`alert.firing`, `alert.resolved`, `alert.acknowledged`),
 * appended to the event log through the SharedStore like every other event, so they get ids from
 * the datastore and reach every client of `GET /api/v1/events` in order with job events. Each
 * transition has a dedup key (alert id and event), so an evaluation or an acknowledge that runs
 * again records it once. Pending is no event: nothing has happened yet that a client shows.
 */
import type { Alert } from '../../contract/alerts.ts';
import { ALERT_EVENT_KINDS, type AlertEventKind } from '../../contract/events.ts';
import type { RecordChange, SharedStore } from '../datastore/shared-store.ts';

export interface AlertEventRecord {
  event: string;
  alert: Alert;
}

export interface AlertEventSink {
  /** Records the transitions that are cluster events (others, e.g. pending, are skipped). */
  record(transitions: readonly AlertEventRecord[]): Promise<void>;
}

function isAlertEvent(event: string): event is AlertEventKind {
  return (ALERT_EVENT_KINDS as readonly string[]).includes(event);
}

/** The dedup key of one transition: one event per alert episode and kind. */
export function alertEventKey(kind: AlertEventKind, alertId: string): string {
  return `alert:${alertId}:${kind}`;
}

/** When the transition happened: the alert's own time for it. */
function eventTime(kind: AlertEventKind, alert: Alert): string | undefined {
  return kind === 'alert.firing' ? alert.startedAt : kind === 'alert.resolved' ? alert.resolvedAt : alert.acknowledgedAt;
}

export function storeAlertEvents(store: Pick<SharedStore, 'recordChanges'>, now: () => number = Date.now): AlertEventSink {
  return {
    async record(transitions) {
      const changes: RecordChange[] = [];
      for (const t of transitions) {
        if (!isAlertEvent(t.event)) continue;
        const at = eventTime(t.event, t.alert) ?? new Date(now()).toISOString();
        changes.push({ dedupKey: alertEventKey(t.event, t.alert.id), src: '', at, other: { kind: t.event, at, alert: t.alert } });
      }
      if (changes.length > 0) await store.recordChanges(changes);
    },
  };
}
