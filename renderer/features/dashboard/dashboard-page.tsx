/**
 * The Jobs Queue Dashboard: summary cards, queue metrics, resource gauges, charts over time and
 * the Active / Queue / Completed tables, for the clusters in view, live.
 */
import type { ResourceSample } from '../../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../../contract/thresholds.ts';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { ErrorNote } from '../../components/states.tsx';
import { TIME_RANGE_OPTIONS } from '../../components/time-ranges.ts';
import { useScope } from '../../components/use-scope.ts';
import { useHostLink } from '../../store/host-link-store.ts';
import { useUiStore } from '../../store/ui-store.ts';
import { ActivityCharts } from './activity-charts.tsx';
import { TopFailuresCard } from '../failures/top-failures-card.tsx';
import { DashboardTable } from './dashboard-tables.tsx';
import { liveLabel } from './live-label.ts';
import { QueueHealth } from './queue-health.tsx';
import { ResourceGauges } from './resource-gauges.tsx';
import { SummaryCards } from './summary-cards.tsx';

/** Resource samples of every online cluster in view (offline ones have none to give). */
function useResources(scopeKey: string, clusterIds: string[], range: string) {
  return useApiQuery<ResourceSample[]>(
    `resources:${scopeKey}:${clusterIds.join(',')}:${range}`,
    async (api) => {
      const results = await Promise.allSettled(clusterIds.map((id) => api.getResources(id, range as never)));
      return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    },
    { pollMs: 5000, enabled: clusterIds.length > 0 },
  );
}

/** The dashboard page. */
export function DashboardPage() {
  const scope = useScope();
  const range = useUiStore((s) => s.dashboardRange);
  const setRange = useUiStore((s) => s.setDashboardRange);
  const stale = jobsStale(scope.clusterIds);
  const summary = useApiQuery(`summary:${scope.key}`, (api) => api.getSummary(scope.clusterIds), { refreshOn: stale, minIntervalMs: 500, pollMs: 10_000 });
  // Name the clusters explicitly: an omitted first argument cannot cross JSON (it would arrive as null).
  const activityIds = scope.clusterIds ?? scope.allIds;
  const activity = useApiQuery(`activity:${scope.key}:${activityIds.join(',')}:${range}`, (api) => api.getActivity(activityIds, range), { refreshOn: stale, minIntervalMs: 2000 });
  const online = scope.clusters.filter((c) => c.status === 'online').map((c) => c.id);
  const latestByCluster = useApiQuery(
    `resources-by-cluster:${scope.key}:${online.join(',')}`,
    async (api) => {
      const results = await Promise.allSettled(online.map(async (id) => ({ clusterId: id, samples: await api.getResources(id, '15m') })));
      return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    },
    { pollMs: 5000, enabled: online.length > 0 },
  );
  // Each cluster's own thresholds rate its nodes; one that cannot be read falls back to the defaults.
  const clusterThresholds = useApiQuery(
    `cluster-thresholds:${online.join(',')}`,
    async (api) => {
      const results = await Promise.allSettled(online.map(async (id) => [id, await api.getClusterThresholds(id)] as const));
      return Object.fromEntries(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))) as Record<string, Thresholds>;
    },
    { pollMs: 30_000, enabled: online.length > 0 },
  );
  const history = useResources(scope.key, online, range);
  const hostLink = useHostLink((s) => s.link);
  const subtitle = liveLabel({ updatedAt: summary.updatedAt || null, hostLink, clustersInView: scope.clusters.length, clustersOnline: online.length });

  return (
    <div className="page dashboard">
      <PageHeader title="Dashboard" subtitle={subtitle}>
        <Segmented label="Time range" options={TIME_RANGE_OPTIONS} value={range} onChange={setRange} />
      </PageHeader>
      {summary.error && !summary.data ? <ErrorNote message={summary.error.message} onRetry={summary.refetch} /> : null}
      <SummaryCards summary={summary.data} />
      <div className="dash-row">
        <Panel title="Queue Metrics" subtitle="Good / Warning / Critical">
          <QueueHealth summary={summary.data} />
        </Panel>
        <Panel title="System Resources" subtitle="Normal / High / Action Needed">
          <ResourceGauges samples={online.length ? latestByCluster.data : []} thresholdsOf={(id) => clusterThresholds.data?.[id] ?? DEFAULT_THRESHOLDS} />
        </Panel>
      </div>
      <Panel title="Activity" subtitle={`Last ${range}`}>
        <ActivityCharts range={range} activity={activity.data} resources={online.length ? history.data : []} />
      </Panel>
      <DashboardTable kind="active" scope={scope} />
      <TopFailuresCard scope={scope} />
      <div className="dash-row dash-row-tables">
        <DashboardTable kind="queue" scope={scope} />
        <DashboardTable kind="completed" scope={scope} />
      </div>
    </div>
  );
}
