/**
 * Grouping of notifications per channel, as pure functions, so thirty alerts firing in one
 * evaluation reach a channel as one message, not a storm. Modelled on Alertmanager's group_wait
 * and group_interval: a channel's first queued notification waits `groupWaitMs` for others to
 * join it, and a channel gets at most one message per `groupIntervalMs`; everything queued by then
 * goes out together. The delivery code keeps the queue and each channel's last send in the
 * datastore, calls `takeDueBatches` whenever it runs (and again at `nextDueAt`), and sends each
 * batch as one job; a batch's `key` is stable, so it can serve as that job's id.
 */
import type { AlertNotification, QueuedAlertNotification } from '../../contract/alerts.ts';

export interface GroupingOptions {
  /** How long a channel's first queued notification waits for others to join it. */
  groupWaitMs: number;
  /** The least time between two messages to one channel. */
  groupIntervalMs: number;
}

/** A few seconds to gather what fires together, and at most one message a minute per channel. */
export const DEFAULT_GROUPING: GroupingOptions = { groupWaitMs: 10_000, groupIntervalMs: 60_000 };

/** One message to send: a channel and the notifications it groups (one per alert). */
export interface NotificationBatch {
  /** Stable for the same channel and time, e.g. for a job id that must not run twice. */
  key: string;
  channelId: string;
  notifications: AlertNotification[];
}

export interface DueBatches {
  batches: NotificationBatch[];
  /** What stays queued (channels whose wait or interval has not passed). */
  remaining: QueuedAlertNotification[];
  /** Each channel's last send, with the channels sent to now updated. */
  lastSentAt: Record<string, string>;
  /** When the next batch falls due, if anything stays queued (epoch ms). */
  nextDueAt?: number;
}

/** One queued entry per channel a notification names. */
export function queueNotifications(notifications: readonly AlertNotification[], now: number): QueuedAlertNotification[] {
  const queuedAt = new Date(now).toISOString();
  return notifications.flatMap((notification) => [...new Set(notification.channels)].map((channelId) => ({ channelId, notification, queuedAt })));
}

const KIND_ORDER = { firing: 0, repeat: 1, resolved: 2 } as const;

/**
 * One notification per alert in a batch: the latest word about it. An alert that fired and then
 * repeated before the batch went out is reported as firing (the receiver has not heard of it yet).
 */
function collapse(entries: readonly QueuedAlertNotification[]): AlertNotification[] {
  const byAlert = new Map<string, AlertNotification>();
  for (const { notification } of entries) {
    const before = byAlert.get(notification.alert.id);
    const latest = before === undefined || Date.parse(notification.at) >= Date.parse(before.at) ? notification : before;
    const kind = before?.kind === 'firing' && latest.kind === 'repeat' ? 'firing' : latest.kind;
    byAlert.set(notification.alert.id, { ...latest, kind });
  }
  return [...byAlert.values()].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.alert.severity === b.alert.severity ? 0 : a.alert.severity === 'critical' ? -1 : 1) ||
      (a.alert.dedupKey ?? a.alert.id).localeCompare(b.alert.dedupKey ?? b.alert.id),
  );
}

/** The batches due at `now`: per channel, everything queued once its group wait and interval have passed. */
export function takeDueBatches(input: {
  queue: readonly QueuedAlertNotification[];
  lastSentAt: Readonly<Record<string, string>>;
  now: number;
  options?: GroupingOptions;
}): DueBatches {
  const { queue, now } = input;
  const options = input.options ?? DEFAULT_GROUPING;
  const byChannel = new Map<string, QueuedAlertNotification[]>();
  for (const entry of queue) byChannel.set(entry.channelId, [...(byChannel.get(entry.channelId) ?? []), entry]);

  const batches: NotificationBatch[] = [];
  const remaining: QueuedAlertNotification[] = [];
  const lastSentAt: Record<string, string> = { ...input.lastSentAt };
  let nextDueAt: number | undefined;
  for (const channelId of [...byChannel.keys()].sort()) {
    const entries = byChannel.get(channelId)!;
    const oldest = Math.min(...entries.map((e) => Date.parse(e.queuedAt)));
    const last = lastSentAt[channelId];
    const dueAt = Math.max(oldest + options.groupWaitMs, last === undefined ? -Infinity : Date.parse(last) + options.groupIntervalMs);
    if (now >= dueAt) {
      const at = new Date(now).toISOString();
      batches.push({ key: `${channelId}@${at}`, channelId, notifications: collapse(entries) });
      lastSentAt[channelId] = at;
    } else {
      remaining.push(...entries);
      nextDueAt = nextDueAt === undefined ? dueAt : Math.min(nextDueAt, dueAt);
    }
  }
  return { batches, remaining, lastSentAt, ...(nextDueAt !== undefined ? { nextDueAt } : {}) };
}
