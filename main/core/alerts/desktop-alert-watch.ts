/**
 * The desktop's own alert rules, about what no cluster can tell of itself: a cluster that cannot
 * be reached (or refuses the token) for longer than a set time, and a cluster whose events reach
 * the desktop late (the sync falls behind). They are raised and resolved here and stored in the
 * alert mirror next to the clusters' alerts, with `source: 'desktop'`.
 */
import type { Alert } from '../../../contract/alerts.ts';
import type { ClusterView, ConnectionStatus } from '../../../contract/admin-api.ts';
import type { DesktopAlertRuleId, DesktopAlertSettings } from '../../../contract/desktop-alerts.ts';

/** Statuses that mean the desktop cannot read the cluster. */
const DOWN: ReadonlySet<ConnectionStatus> = new Set(['offline', 'unauthorized']);
/** Statuses that end a down period ('connecting' between retries does not). */
const UP: ReadonlySet<ConnectionStatus> = new Set(['online', 'degraded']);
/**
 * Events replayed after a reconnect arrive with old times while the sync catches up; the lag must
 * last this long before it counts as falling behind.
 */
export const SYNC_BEHIND_HOLD_MS = 30_000;

export const DESKTOP_RULE_NAMES: Record<DesktopAlertRuleId, string> = {
  'desktop.cluster-unreachable': 'Cluster unreachable',
  'desktop.sync-behind': 'Sync falling behind',
};

interface Watched {
  name: string;
  enabled: boolean;
  status: ConnectionStatus;
  lastError: string | null;
  /** Since when the cluster is down (null while up). */
  downSince: number | null;
  /** The lag of the newest event received, and since when the lag has been over the limit. */
  lagMs: number;
  behindSince: number | null;
}

/** What the watch wants done with the mirror: raise (a new firing alert) or resolve one. */
export type DesktopAlertChange =
  | { kind: 'raise'; clusterId: string; alert: Alert }
  | { kind: 'resolve'; clusterId: string; ruleId: DesktopAlertRuleId; at: string };

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} min`;
}

/**
 * Follows each cluster's connection status and event lag and decides, on each `evaluate`, which
 * of the desktop's alerts start or end. It keeps no alerts itself: `isFiring` asks the mirror, so
 * a restart of the app picks up where the stored alerts stand.
 */
export class DesktopAlertWatch {
  private readonly clusters = new Map<string, Watched>();

  constructor(private readonly isFiring: (clusterId: string, ruleId: DesktopAlertRuleId) => boolean) {}

  /** A cluster's status as the registry reports it (also for the initial list). */
  onClusterStatus(cluster: Pick<ClusterView, 'id' | 'name' | 'enabled' | 'status' | 'lastError'>, now: number): void {
    const w = this.clusters.get(cluster.id) ?? { name: cluster.name, enabled: cluster.enabled, status: cluster.status, lastError: null, downSince: null, lagMs: 0, behindSince: null };
    w.name = cluster.name;
    w.enabled = cluster.enabled;
    w.status = cluster.status;
    w.lastError = cluster.lastError;
    if (DOWN.has(cluster.status)) w.downSince ??= now;
    else if (UP.has(cluster.status) || cluster.status === 'disabled') w.downSince = null;
    if (!UP.has(cluster.status)) {
      w.lagMs = 0;
      w.behindSince = null;
    }
    this.clusters.set(cluster.id, w);
  }

  /** A cluster event arrived: `eventAt` is the cluster's time of the event. */
  onClusterEvent(clusterId: string, eventAt: string, now: number, settings: DesktopAlertSettings): void {
    const w = this.clusters.get(clusterId);
    const at = Date.parse(eventAt);
    if (!w || !Number.isFinite(at)) return;
    w.lagMs = Math.max(0, now - at);
    const limit = settings.syncBehindMinutes * 60_000;
    if (limit > 0 && w.lagMs > limit) w.behindSince ??= now;
    else w.behindSince = null;
  }

  /** Clusters removed from the app: their desktop alerts resolve. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const [clusterId, w] of this.clusters) {
      if (present.has(clusterId)) continue;
      w.enabled = false;
      w.downSince = null;
      w.behindSince = null;
    }
  }

  /** What starts or ends now. */
  evaluate(now: number, settings: DesktopAlertSettings): DesktopAlertChange[] {
    const changes: DesktopAlertChange[] = [];
    const at = new Date(now).toISOString();
    for (const [clusterId, w] of this.clusters) {
      const downLimit = settings.unreachableMinutes * 60_000;
      // Once firing it holds while the cluster stays down (a restart of the app must not resolve it).
      const down = (firing: boolean) => w.enabled && downLimit > 0 && w.downSince !== null && (firing || now - w.downSince >= downLimit);
      this.decide(changes, clusterId, 'desktop.cluster-unreachable', down, at, () => {
        const what = w.status === 'unauthorized' ? 'refuses the token' : 'cannot be reached';
        const since = now - w.downSince!;
        return {
          severity: 'critical',
          value: since,
          message: `${w.name} ${what} for ${minutes(since)}${w.lastError ? `: ${w.lastError}` : ''}`,
        };
      });
      const behind = (firing: boolean) =>
        w.enabled && settings.syncBehindMinutes > 0 && w.behindSince !== null && (firing || now - w.behindSince >= SYNC_BEHIND_HOLD_MS);
      this.decide(changes, clusterId, 'desktop.sync-behind', behind, at, () => ({
        severity: 'warning',
        value: w.lagMs,
        message: `Events of ${w.name} reach this app ${minutes(w.lagMs)} late: jobs shown may be behind the cluster`,
      }));
    }
    return changes;
  }

  private decide(
    changes: DesktopAlertChange[],
    clusterId: string,
    ruleId: DesktopAlertRuleId,
    holds: (firing: boolean) => boolean,
    at: string,
    describe: () => Pick<Alert, 'severity' | 'value' | 'message'>,
  ): void {
    const firing = this.isFiring(clusterId, ruleId);
    if (holds(firing) && !firing) {
      changes.push({
        kind: 'raise',
        clusterId,
        alert: { id: `${ruleId}@${Date.parse(at)}`, ruleId, ruleName: DESKTOP_RULE_NAMES[ruleId], state: 'firing', startedAt: at, ...describe() },
      });
    } else if (firing && !holds(firing)) {
      changes.push({ kind: 'resolve', clusterId, ruleId, at });
    }
  }
}
