/**
 * The banner on every screen while anything fires: the worst severity's colour, how many fire
 * (how many critical), the first ones in words, and a link to the Alerts screen. The desktop only
 * combines clusters here: each alert is its cluster's (or the desktop's about that cluster).
 */
import { useCallback } from 'react';
import { useAdminEvents } from '../../api/use-api-query.ts';
import { navigate } from '../../app/router.ts';
import { useClusters } from '../../components/use-clusters.ts';
import { useScope } from '../../components/use-scope.ts';
import { alertHref, alertsHref, summaryOf, useFiringAlerts } from './alerts-data.ts';
import { useWebAlertNotifications } from './web-notifications.tsx';
import './alerts.css';

/**
 * What the shell does for alerts on every screen: the banner, a web notification for a new
 * critical alert in browser mode, and opening an alert when the desktop shell asks (its native
 * notification or the tray was clicked).
 */
export function AlertShell() {
  const firing = useFiringAlerts();
  const clusters = useClusters();
  const name = useCallback((id: string) => clusters.data?.find((c) => c.id === id)?.name ?? id, [clusters.data]);
  useWebAlertNotifications(firing.data?.items, name);
  useAdminEvents((batch) => {
    const focus = batch.findLast((e) => e.kind === 'focus-alert');
    if (focus?.kind === 'focus-alert') navigate(alertHref(focus.clusterId, focus.alertId));
  });
  return <AlertBanner />;
}

export function AlertBanner() {
  const scope = useScope();
  const firing = useFiringAlerts();
  const items = (firing.data?.items ?? []).filter((a) => !scope.clusterIds || scope.clusterIds.includes(a.clusterId));
  const summary = summaryOf(items, undefined);
  if (summary.count === 0 || !summary.worst) return null;
  const names = new Map(scope.clusters.map((c) => [c.id, c.name]));
  const worstFirst = [...items].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  const shown = worstFirst.slice(0, 2);
  return (
    <div className={`banner banner-alert banner-alert-${summary.worst}`} role="alert" aria-live="assertive">
      <strong>
        {summary.count} {summary.count === 1 ? 'alert' : 'alerts'} firing
        {summary.critical > 0 && summary.critical < summary.count ? ` (${summary.critical} critical)` : summary.critical > 0 ? ' (critical)' : ''}
      </strong>
      <span className="banner-alert-list">
        {shown.map((a) => (
          <span key={`${a.clusterId}/${a.id}`} className="banner-alert-item">
            {scope.several || names.size > 1 ? `${names.get(a.clusterId) ?? a.clusterId}: ` : ''}
            {a.message}
          </span>
        ))}
        {summary.count > shown.length ? <span className="banner-detail">and {summary.count - shown.length} more</span> : null}
      </span>
      <a className="banner-alert-link" href={alertsHref()}>
        Open Alerts
      </a>
    </div>
  );
}
