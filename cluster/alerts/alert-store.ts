/**
 * The AlertStore: everything alerting keeps in the cluster's datastore, shared by every API and
 * worker node — thresholds, alert rules, channels (secrets included; only the delivery code reads
 * them), the evaluation state (tracked alerts and the notifications waiting to be grouped), the
 * alert history, silences, the delivery log and the user directory. One interface, two
 * implementations (cluster/datastore/pg-alert-store.ts, cluster/datastore/redis-alert-store.ts),
 * opened next to the SharedStore by openDatastore.
 *
 * The evaluation state is one versioned document written with compare-and-set: the evaluation job
 * and an acknowledge on another node both read it, change it and write it back, and whichever
 * comes second re-reads and tries again instead of overwriting the other's change.
 */
import type { AlertDelivery, AlertDeliveryInput } from '../../contract/alert-deliveries.ts';
import type { StoredAlertChannel } from '../../contract/alert-channels.ts';
import type { Alert, AlertInstance, AlertSilence, ClusterAlertRule, QueuedAlertNotification } from '../../contract/alerts.ts';
import type { Thresholds } from '../../contract/thresholds.ts';
import type { StoredUserContact } from '../../contract/user-directory.ts';

/** What one evaluation leaves for the next, plus the notifications waiting for their group. */
export interface AlertState {
  /** Tracked alerts (pending and firing). */
  instances: AlertInstance[];
  /** Notifications queued per channel until their group is due (notification-grouping.ts). */
  queue: QueuedAlertNotification[];
  /** Each channel's last grouped send (ISO time), for the group interval. */
  lastSentAt: Record<string, string>;
  /** When the last evaluation ran (ISO time), or null before the first. */
  evaluatedAt: string | null;
}

/** The state of a cluster that never evaluated. */
export const EMPTY_ALERT_STATE: AlertState = Object.freeze({ instances: [], queue: [], lastSentAt: {}, evaluatedAt: null }) as AlertState;

export interface VersionedAlertState {
  state: AlertState;
  /** Pass back to `writeState`; 0 before the first write. */
  version: number;
}

/** A change to the alert history, written in the same step as the state. */
export interface AlertHistoryWrite {
  /** Alerts to record or update (firing, resolved, acknowledged; pending ones too so they are listed). */
  upsert: Alert[];
  /** Ids of pending alerts that fell back before firing: they leave the list, they never happened. */
  drop: string[];
}

export type AlertListState = 'pending' | 'firing' | 'resolved' | 'all';

export interface AlertListQuery {
  state: AlertListState;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

export interface AlertHistoryPage {
  /** Newest episodes first (by the order they were first recorded). */
  items: Alert[];
  nextCursor: string | null;
}

export interface DeliveryListQuery {
  channelId?: string;
  alertId?: string;
  cursor?: string;
  limit: number;
}

export interface AlertStore {
  /** The cluster's thresholds: DEFAULT_THRESHOLDS until an admin stores others. */
  getThresholds(): Promise<Thresholds>;
  putThresholds(thresholds: Thresholds): Promise<void>;

  /** Every rule, by id; DEFAULT_CLUSTER_ALERT_RULES on a new cluster (a deleted default stays deleted). */
  listRules(): Promise<ClusterAlertRule[]>;
  getRule(id: string): Promise<ClusterAlertRule | null>;
  /** Creates or replaces the rule with this id. */
  putRule(rule: ClusterAlertRule): Promise<void>;
  /** False when there was no such rule. */
  deleteRule(id: string): Promise<boolean>;

  /** Channels with their secrets, by id. Never hand these to the API's answers: publicAlertChannel. */
  listChannels(): Promise<StoredAlertChannel[]>;
  getChannel(id: string): Promise<StoredAlertChannel | null>;
  putChannel(channel: StoredAlertChannel): Promise<void>;
  deleteChannel(id: string): Promise<boolean>;

  /** The evaluation state and its version. */
  readState(): Promise<VersionedAlertState>;
  /**
   * Writes the state (and the history change with it, in one step) if its version is still
   * `version`; returns the new version, or null when someone else wrote first (read and retry).
   */
  writeState(version: number, state: AlertState, history: AlertHistoryWrite): Promise<number | null>;
  /** Alerts as `GET /api/v1/alerts` lists them: newest first, filtered by state. */
  listAlerts(query: AlertListQuery): Promise<AlertHistoryPage>;
  getAlert(id: string): Promise<Alert | null>;
  /** Forgets resolved alerts that resolved before `before` (epoch ms); returns how many. */
  trimAlerts(before: number): Promise<number>;

  listSilences(): Promise<AlertSilence[]>;
  putSilence(silence: AlertSilence): Promise<void>;
  deleteSilence(id: string): Promise<boolean>;
  /** Forgets silences that ended before `before` (epoch ms); returns how many. */
  trimSilences(before: number): Promise<number>;

  /** Appends one delivery attempt; the store assigns its id (increasing). */
  appendDelivery(record: AlertDeliveryInput): Promise<AlertDelivery>;
  /** Newest first; `nextCursor` continues after the page's last record. */
  listDeliveries(query: DeliveryListQuery): Promise<{ items: AlertDelivery[]; nextCursor: string | null }>;
  /** Forgets delivery records older than `before` (epoch ms); returns how many. */
  trimDeliveries(before: number): Promise<number>;

  /** The user directory (secrets included), by user name. */
  listUsers(): Promise<StoredUserContact[]>;
  getUser(user: string): Promise<StoredUserContact | null>;
  putUser(entry: StoredUserContact): Promise<void>;
  deleteUser(user: string): Promise<boolean>;

  close(): Promise<void>;
}
