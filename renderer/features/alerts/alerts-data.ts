/**
 * Alert data for the UI: what fires now (the banner, the Alerts screen), when alert data is stale,
 * and the route inside the Alerts section (`#/alerts`, `#/alerts/history`, `#/alerts/silences`,
 * `#/alerts/rules`, `#/alerts/channels`, and `#/alerts/firing/<cluster>/<alert>` to open one alert).
 */
import type { AdminEvent } from '../../../contract/admin-api.ts';
import { firingSummaryOf, type DesktopAlert, type FiringAlertSummary } from '../../../contract/desktop-alerts.ts';
import { useApiQuery } from '../../api/use-api-query.ts';

/** Alert lists: stale when alerts changed, or clusters came, went or changed state. */
export function alertsStale(e: AdminEvent): boolean {
  return e.kind === 'alerts-changed' || e.kind === 'clusters-changed' || e.kind === 'cluster-status';
}

/** Every firing alert of every cluster (the mirror; offline too), shared by the banner and the screen. */
export function useFiringAlerts() {
  return useApiQuery('alerts:firing', (api) => api.listAlerts({ state: 'firing', limit: 500 }), { refreshOn: alertsStale, minIntervalMs: 500 });
}

/** The firing summary of the alerts in view (worst of the clusters). */
export function summaryOf(alerts: readonly DesktopAlert[] | undefined, clusterIds: readonly string[] | undefined): FiringAlertSummary {
  return firingSummaryOf((alerts ?? []).filter((a) => !clusterIds || clusterIds.includes(a.clusterId)));
}

export const ALERT_TABS = ['firing', 'history', 'silences', 'rules', 'channels'] as const;
export type AlertTab = (typeof ALERT_TABS)[number];

export interface AlertsRoute {
  tab: AlertTab;
  /** An alert to show (a notification or the tray was clicked). */
  focus?: { clusterId: string; alertId: string };
}

/** Parses the part of the hash after `#/alerts`. */
export function parseAlertsRoute(hash: string): AlertsRoute {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const tab = ALERT_TABS.find((t) => t === parts[1]) ?? 'firing';
  if (tab === 'firing' && parts[2] && parts[3]) return { tab, focus: { clusterId: parts[2], alertId: parts[3] } };
  return { tab };
}

export function alertsHref(tab: AlertTab = 'firing'): string {
  return tab === 'firing' ? '#/alerts' : `#/alerts/${tab}`;
}

/** The hash that opens one alert. */
export function alertHref(clusterId: string, alertId: string): string {
  return `#/alerts/firing/${encodeURIComponent(clusterId)}/${encodeURIComponent(alertId)}`;
}
