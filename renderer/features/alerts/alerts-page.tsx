/**
 * The Alerts section: what fires now, the history, and — for one cluster at a time, named on the
 * screen — its silences, its rules and its channels. Alerts come from every cluster (the desktop
 * only combines them); silences, rules and channels are a cluster's own.
 */
import { useState, useSyncExternalStore } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { navigate } from '../../app/router.ts';
import { PageHeader } from '../../components/panel.tsx';
import { EmptyState } from '../../components/states.tsx';
import { Tabs } from '../../components/tabs.tsx';
import { useScope } from '../../components/use-scope.ts';
import { AlertHistory, FiringAlerts } from './alert-list.tsx';
import { ALERT_TABS, alertsHref, parseAlertsRoute, summaryOf, useFiringAlerts, type AlertTab } from './alerts-data.ts';
import { ChannelsPanel } from './channels-panel.tsx';
import { RulesPanel } from './rules-panel.tsx';
import { SilencesPanel } from './silences-panel.tsx';
import { WebNotificationButton } from './web-notifications.tsx';
import './alerts.css';

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

const TAB_LABELS: Record<AlertTab, string> = { firing: 'Firing now', history: 'History', silences: 'Silences', rules: 'Rules', channels: 'Channels' };

const PICKER_LABELS = { silences: 'Silences of cluster', rules: 'Rules of cluster', channels: 'Channels of cluster' } as const;

const PANELS = { silences: SilencesPanel, rules: RulesPanel, channels: ChannelsPanel } as const;

/** Which cluster's rules or channels are shown: the one in view, else the first online one. */
function useChosenCluster(clusters: readonly ClusterView[]): [ClusterView | null, (id: string) => void] {
  const [chosen, setChosen] = useState<string | null>(null);
  const current = clusters.find((c) => c.id === chosen) ?? clusters.find((c) => c.status === 'online') ?? clusters[0] ?? null;
  return [current, setChosen];
}

export function AlertsPage() {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  const route = parseAlertsRoute(hash);
  const scope = useScope();
  const firing = useFiringAlerts();
  const summary = summaryOf(firing.data?.items, scope.clusterIds);
  const [cluster, choose] = useChosenCluster(scope.clusters);
  const tabs = ALERT_TABS.map((t) => ({
    key: t,
    label: t === 'firing' && summary.count > 0 ? `${TAB_LABELS[t]} (${summary.count})` : TAB_LABELS[t],
  }));
  const perCluster = route.tab === 'silences' || route.tab === 'rules' || route.tab === 'channels' ? route.tab : null;
  const ClusterPanel = perCluster ? PANELS[perCluster] : null;
  return (
    <div className="page">
      <PageHeader
        title="Alerts"
        subtitle={summary.count === 0 ? 'Nothing fires on the clusters in view.' : `${summary.count} firing${summary.critical > 0 ? `, ${summary.critical} critical` : ''} — the worst of the clusters in view.`}
      >
        <WebNotificationButton />
      </PageHeader>
      <Tabs label="Alerts" tabs={tabs} selected={route.tab} onSelect={(t) => navigate(alertsHref(t))}>
        {perCluster && ClusterPanel ? (
          scope.clusters.length === 0 || !cluster ? (
            <EmptyState title="No cluster configured." hint="Add a cluster on the Clusters screen." />
          ) : (
            <div className="alerts-stack">
              <div className="cluster-picker">
                <label className="field">
                  <span className="field-label">{PICKER_LABELS[perCluster]}</span>
                  <select className="select" value={cluster.id} onChange={(e) => choose(e.target.value)}>
                    {scope.clusters.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                        {c.status !== 'online' ? ` (${c.status})` : ''}
                      </option>
                    ))}
                  </select>
                </label>
                <span className="alert-note">Each cluster keeps its own {perCluster}; edits here change {cluster.name} only.</span>
              </div>
              <ClusterPanel key={cluster.id} cluster={cluster} />
            </div>
          )
        ) : route.tab === 'history' ? (
          <AlertHistory clusters={scope.clusters} />
        ) : (
          <FiringAlerts clusters={scope.clusters} clusterIds={scope.clusterIds} focus={route.focus} />
        )}
      </Tabs>
    </div>
  );
}
