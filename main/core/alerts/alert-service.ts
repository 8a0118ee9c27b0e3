/**
 * AlertService: keeps the alert mirror equal to what fires on every connected cluster and raises
 * the desktop's own alerts. A cluster's full list (`GET /api/v1/alerts`) is read each time it comes
 * online; in between its `alert.*` events update the mirror one alert at a time. Every change is
 * announced as an `alerts-changed` AdminEvent, which the UI, the tray and the notifier follow.
 */
import { z } from 'zod';
import type { AdminEvent, ClusterView } from '../../../contract/admin-api.ts';
import { ALERT_ROUTES } from '../../../contract/alert-routes.ts';
import { Alert, silenceMatches, type AlertPage, type AlertSilence, type SilenceAlertRequest } from '../../../contract/alerts.ts';
import { DEFAULT_DESKTOP_ALERT_SETTINGS, type DesktopAlert, type DesktopAlertSettings } from '../../../contract/desktop-alerts.ts';
import { AdminError } from '../admin-error.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';
import type { AlertMirror } from './alert-mirror.ts';
import { DesktopAlertWatch, type DesktopAlertChange } from './desktop-alert-watch.ts';

/** Pages of firing alerts read per refresh at most (500 each): a cluster with more is in a storm anyway. */
const MAX_FIRING_PAGES = 10;
/** Recently resolved alerts read per refresh, so what resolved while the desktop was away shows how it ended. */
const RESOLVED_PAGE = 200;

/** An `alert.*` cluster event: what changed and the alert as it is now. */
const AlertEventBody = z.object({ kind: z.string().startsWith('alert.'), alert: Alert });

export interface AlertServiceOptions {
  mirror: AlertMirror;
  emit: (event: AdminEvent) => void;
  /** The cluster's HTTP client while it is configured with a token (throws otherwise). */
  http: (clusterId: string) => ClusterHttp;
  clusters: () => readonly ClusterView[];
  settings: () => DesktopAlertSettings | undefined;
  log?: (line: string) => void;
  now?: () => number;
  /** How often the desktop's own rules are evaluated (ms). */
  evaluateEveryMs?: number;
}

export class AlertService {
  readonly watch: DesktopAlertWatch;
  private timer: NodeJS.Timeout | null = null;
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(private readonly o: AlertServiceOptions) {
    this.watch = new DesktopAlertWatch((clusterId, ruleId) => o.mirror.firingOfRule(clusterId, ruleId) !== null);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private get settings(): DesktopAlertSettings {
    return this.o.settings() ?? DEFAULT_DESKTOP_ALERT_SETTINGS;
  }

  start(): void {
    for (const c of this.o.clusters()) this.watch.onClusterStatus(c, this.now());
    this.evaluate();
    this.timer = setInterval(() => this.evaluate(), this.o.evaluateEveryMs ?? 15_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Core events: a cluster's status changed (online → read its alerts), or clusters came and went. */
  onAdminEvent(event: AdminEvent): void {
    if (event.kind === 'cluster-status') {
      this.watch.onClusterStatus(event.cluster, this.now());
      if (event.cluster.status === 'online') void this.refresh(event.cluster.id);
      this.evaluate();
    } else if (event.kind === 'clusters-changed') {
      this.watch.keepOnly(new Set(this.o.clusters().map((c) => c.id)));
      this.evaluate();
    }
  }

  /** Every event of a cluster's stream: its lag, and alert events into the mirror. */
  onClusterEvent(clusterId: string, event: { kind: string; at: string }): void {
    this.watch.onClusterEvent(clusterId, event.at, this.now(), this.settings);
    if (!event.kind.startsWith('alert.')) return;
    const parsed = AlertEventBody.safeParse(event);
    if (!parsed.success) {
      this.o.log?.(`cluster ${clusterId}: an ${event.kind.slice(0, 40)} event without an alert the app can read; its alerts are read again`);
      void this.refresh(clusterId);
      return;
    }
    this.guard(`store an alert of ${clusterId}`, () => {
      if (this.o.mirror.upsert(clusterId, [parsed.data.alert], 'cluster')) this.changed(clusterId);
    });
  }

  /**
   * A cache that cannot be written (full disk) must not end a cluster's stream or a timer: the
   * alert is read again with the cluster's full list at the next connect.
   */
  private guard(what: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.o.log?.(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Read what fires on a cluster (and what resolved lately) and bring the mirror in line. */
  refresh(clusterId: string): Promise<void> {
    const running = this.refreshing.get(clusterId);
    if (running) return running;
    const task = this.readCluster(clusterId).finally(() => this.refreshing.delete(clusterId));
    this.refreshing.set(clusterId, task);
    return task;
  }

  private async readCluster(clusterId: string): Promise<void> {
    try {
      const http = this.o.http(clusterId);
      const firing: Alert[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_FIRING_PAGES; page++) {
        const answer: AlertPage = await http.call(ALERT_ROUTES.listAlerts, { query: { state: 'firing', limit: 500, ...(cursor ? { cursor } : {}) } });
        firing.push(...answer.items);
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      const resolved = await http.call(ALERT_ROUTES.listAlerts, { query: { state: 'resolved', limit: RESOLVED_PAGE } });
      if (this.o.mirror.reconcile(clusterId, firing, resolved.items, new Date(this.now()).toISOString())) this.changed(clusterId);
    } catch (error) {
      // Offline, or a cluster without alerting: the mirror keeps what it has; the next connect tries again.
      this.o.log?.(`cluster ${clusterId}: could not read its alerts: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Evaluate the desktop's own rules now and store what starts or ends. */
  evaluate(): void {
    this.guard('evaluate the desktop\'s alert rules', () => {
      for (const change of this.watch.evaluate(this.now(), this.settings)) this.apply(change);
    });
  }

  private apply(change: DesktopAlertChange): void {
    if (change.kind === 'raise') {
      this.o.mirror.upsert(change.clusterId, [change.alert], 'desktop');
    } else {
      const alert = this.o.mirror.firingOfRule(change.clusterId, change.ruleId);
      if (!alert) return;
      const { clusterId: _c, source: _s, ...body } = alert;
      this.o.mirror.upsert(change.clusterId, [{ ...body, state: 'resolved', resolvedAt: change.at }], 'desktop');
    }
    this.changed(change.clusterId);
  }

  /** Acknowledge: a cluster's alert on the cluster (operator token); a desktop alert here. */
  async acknowledge(clusterId: string, alertId: string, note: string | undefined): Promise<DesktopAlert> {
    const alert = this.mirrored(clusterId, alertId);
    if (alert.source === 'desktop') {
      return this.updateLocal(alert, { acknowledgedBy: 'this app', acknowledgedAt: new Date(this.now()).toISOString() });
    }
    const answer = await this.o.http(clusterId).call(ALERT_ROUTES.acknowledgeAlert, { params: { id: alertId }, body: note ? { note } : {} });
    return this.afterAction(alert, answer);
  }

  /** Silence: held back on the cluster until `until`; a desktop alert is silenced here. */
  async silence(clusterId: string, alertId: string, request: SilenceAlertRequest): Promise<DesktopAlert> {
    const alert = this.mirrored(clusterId, alertId);
    if (alert.source === 'desktop') return this.updateLocal(alert, { silencedUntil: request.until });
    const silence = await this.o.http(clusterId).call(ALERT_ROUTES.silenceAlert, { params: { id: alertId }, body: request });
    const { clusterId: _c, source: _s, ...body } = alert;
    return this.afterAction(alert, { ...body, silencedUntil: silence.until });
  }

  /**
   * Ends a silence on the cluster. The mirrored alerts it covered are shown silenced no longer (or
   * until the latest other silence that still covers them): the cluster sends no event for this.
   */
  async endSilence(clusterId: string, silenceId: string): Promise<void> {
    const http = this.o.http(clusterId);
    await http.call(ALERT_ROUTES.deleteSilence, { params: { id: silenceId } });
    const remaining = (await http.call(ALERT_ROUTES.listSilences)).items;
    const now = this.now();
    const changed: Alert[] = [];
    let cursor: string | null = null;
    do {
      const page = this.o.mirror.list({ clusterIds: [clusterId], state: 'firing', source: 'cluster', limit: 500, ...(cursor ? { cursor } : {}) });
      for (const alert of page.items) {
        if (alert.silencedUntil === undefined) continue;
        const until = latestSilenceOver(remaining, alert, now);
        if (until === alert.silencedUntil) continue;
        const { clusterId: _c, source: _s, silencedUntil: _u, ...body } = alert;
        changed.push(until === undefined ? body : { ...body, silencedUntil: until });
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (changed.length > 0) this.o.mirror.upsert(clusterId, changed, 'cluster');
    this.changed(clusterId);
  }

  private mirrored(clusterId: string, alertId: string): DesktopAlert {
    const alert = this.o.mirror.get(clusterId, alertId);
    if (!alert) throw new AdminError('not-found', `Alert ${alertId} of ${clusterId} is not known to this app: reload the alerts.`, 404);
    return alert;
  }

  private updateLocal(alert: DesktopAlert, patch: Partial<Alert>): DesktopAlert {
    const { clusterId, source, ...body } = alert;
    this.o.mirror.upsert(clusterId, [{ ...body, ...patch }], source);
    this.changed(clusterId);
    return this.o.mirror.get(clusterId, alert.id)!;
  }

  /** The alert as the action left it, written at once (its event brings the same a moment later). */
  private afterAction(alert: DesktopAlert, now: Alert): DesktopAlert {
    this.o.mirror.upsert(alert.clusterId, [now], 'cluster');
    this.changed(alert.clusterId);
    return this.o.mirror.get(alert.clusterId, alert.id) ?? alert;
  }

  private changed(clusterId: string): void {
    this.o.emit({ kind: 'alerts-changed', clusterId });
  }
}

/** The end of the latest silence that covers the alert now, if any. */
function latestSilenceOver(silences: readonly AlertSilence[], alert: Alert, now: number): string | undefined {
  const scope = alert.scope ?? { kind: 'cluster' as const };
  let latest: string | undefined;
  for (const s of silences) {
    if (silenceMatches(s, alert.ruleId, scope, now) && (latest === undefined || Date.parse(s.until) > Date.parse(latest))) latest = s.until;
  }
  return latest;
}
