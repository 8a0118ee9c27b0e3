/**
 * Follows what fires on every cluster (the core's alert mirror) for the shell: a critical alert
 * that starts firing raises a native notification (what fired, the value, the queue; a click opens
 * it; Acknowledge and Silence 1 h where the platform shows buttons), and the tray is told what
 * fires after each change. Acknowledged and silenced alerts do not notify; many new ones at once
 * make one notification, not a storm.
 */
import type { AdminApi, AdminEvent, ClusterView } from '../../contract/admin-api.ts';
import type { DesktopAlert } from '../../contract/desktop-alerts.ts';
import type { Notifier } from '../core/ports.ts';

/** Silence offered on a notification. */
export const NOTIFICATION_SILENCE_MS = 60 * 60_000;
/** More new critical alerts than this at once become one notification. */
const GROUP_ABOVE = 3;
/** Changes arriving close together are read once. */
const SETTLE_MS = 300;

/** One firing alert as the tray lists it. */
export interface FiringAlertItem {
  clusterId: string;
  alertId: string;
  severity: DesktopAlert['severity'];
  /** "Production: Queue > 100 jobs (backtest): 140 jobs". */
  label: string;
}

export interface AlertNotificationsOptions {
  api: Pick<AdminApi, 'listAlerts' | 'listClusters' | 'acknowledgeAlert' | 'silenceAlert'>;
  notifier: Notifier;
  /** Told what fires (worst first) after every read. */
  onFiring?: (items: FiringAlertItem[]) => void;
  now?: () => number;
  log?: (line: string) => void;
}

const key = (a: Pick<DesktopAlert, 'clusterId' | 'id'>) => `${a.clusterId}\n${a.id}`;

export class AlertNotifications {
  private known: Set<string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;

  constructor(private readonly o: AlertNotificationsOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Core events: alert changes (and cluster renames) are read soon. */
  onEvent(event: AdminEvent): void {
    if (event.kind !== 'alerts-changed' && event.kind !== 'clusters-changed') return;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, SETTLE_MS);
  }

  /** Read what fires now, notify what is new and critical, tell the tray. */
  refresh(): Promise<void> {
    // One read at a time; a change during a read is picked up by the read after it.
    const next = (this.reading ?? Promise.resolve()).then(() => this.read());
    this.reading = next.finally(() => {
      if (this.reading === next) this.reading = null;
    });
    return next;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async read(): Promise<void> {
    let alerts: DesktopAlert[];
    let clusters: ClusterView[];
    try {
      [alerts, clusters] = await Promise.all([this.o.api.listAlerts({ state: 'firing', limit: 500 }).then((p) => p.items), this.o.api.listClusters()]);
    } catch (error) {
      this.o.log?.(`could not read the firing alerts: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const names = new Map(clusters.map((c) => [c.id, c.name]));
    const name = (a: DesktopAlert) => names.get(a.clusterId) ?? a.clusterId;
    const label = (a: DesktopAlert) => `${name(a)}: ${a.message}`;
    const now = this.now();
    const fresh = alerts.filter(
      (a) =>
        !this.known?.has(key(a)) &&
        a.severity === 'critical' &&
        !a.acknowledgedBy &&
        !(a.silencedUntil && Date.parse(a.silencedUntil) > now) &&
        names.has(a.clusterId),
    );
    this.known = new Set(alerts.map(key));
    this.notify(fresh, name, label);
    const items = alerts
      .map((a) => ({ clusterId: a.clusterId, alertId: a.id, severity: a.severity, label: label(a) }))
      .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
    this.o.onFiring?.(items);
  }

  private notify(fresh: DesktopAlert[], name: (a: DesktopAlert) => string, label: (a: DesktopAlert) => string): void {
    if (fresh.length === 0) return;
    if (fresh.length > GROUP_ABOVE) {
      this.o.notifier.notify({
        title: `${fresh.length} critical alerts firing`,
        body: fresh.slice(0, GROUP_ABOVE).map(label).join('\n') + `\n…and ${fresh.length - GROUP_ABOVE} more`,
        clusterId: fresh[0]!.clusterId,
        alertId: fresh[0]!.id,
        level: 'critical',
      });
      return;
    }
    for (const alert of fresh) {
      this.o.notifier.notify({
        title: `${name(alert)}: ${alert.ruleName ?? 'alert'} firing`,
        body: `${alert.message}\nsince ${new Date(alert.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`,
        clusterId: alert.clusterId,
        alertId: alert.id,
        level: 'critical',
        actions: [
          { label: 'Acknowledge', run: () => void this.act('acknowledge', alert, () => this.o.api.acknowledgeAlert(alert.clusterId, alert.id, {})) },
          {
            label: 'Silence 1 h',
            run: () =>
              void this.act('silence', alert, () => this.o.api.silenceAlert(alert.clusterId, alert.id, { until: new Date(this.now() + NOTIFICATION_SILENCE_MS).toISOString() })),
          },
        ],
      });
    }
  }

  private async act(what: string, alert: DesktopAlert, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.o.log?.(`could not ${what} alert ${alert.id} of ${alert.clusterId}: ${message}`);
      this.o.notifier.notify({ title: `Could not ${what} the alert`, body: message, clusterId: alert.clusterId, alertId: alert.id, level: 'warning' });
    }
  }
}
