/**
 * Workers & Resources: each cluster's worker nodes (host, queues, concurrency, running jobs, last
 * heartbeat; lost nodes flagged) and a resource chart per node over the chosen time range.
 */
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import type { ResourceSample } from '../../../contract/metrics.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { AXIS_PROPS, ChartFrame, LegendItem, TOOLTIP_PROPS } from '../../components/chart-frame.tsx';
import { formatBytes, formatCountOf, formatFullTime, formatRelative } from '../../components/format.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { spanOf, TIME_RANGE_OPTIONS, tickFormatter } from '../../components/time-ranges.ts';
import { useScope } from '../../components/use-scope.ts';
import { useUiStore } from '../../store/ui-store.ts';

/** The Workers & Resources page. */
export function WorkersPage() {
  const scope = useScope();
  const range = useUiStore((s) => s.dashboardRange);
  const setRange = useUiStore((s) => s.setDashboardRange);
  return (
    <div className="page">
      <PageHeader title="Workers & Resources" subtitle="Worker nodes send a heartbeat every few seconds; a node without one is flagged lost and its jobs are retried elsewhere.">
        <Segmented label="Time range" options={TIME_RANGE_OPTIONS} value={range} onChange={setRange} />
      </PageHeader>
      {scope.clusters.map((c) => (
        <ClusterWorkers key={c.id} cluster={c} range={range} />
      ))}
    </div>
  );
}

function ClusterWorkers({ cluster, range }: { cluster: ClusterView; range: (typeof TIME_RANGE_OPTIONS)[number]['key'] }) {
  const online = cluster.status === 'online';
  const workers = useApiQuery(`workers:${cluster.id}`, (api) => api.getWorkers(cluster.id), { pollMs: 5000, enabled: online });
  const resources = useApiQuery(`node-resources:${cluster.id}:${range}`, (api) => api.getResources(cluster.id, range), { pollMs: 10_000, enabled: online });
  if (!online) {
    return (
      <Panel title={`Worker nodes · ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Worker and resource data come live from the cluster." />
      </Panel>
    );
  }
  const byNode = new Map<string, ResourceSample[]>();
  for (const s of resources.data ?? []) byNode.set(s.nodeId, [...(byNode.get(s.nodeId) ?? []), s]);
  const lost = workers.data?.filter((w) => w.status === 'lost').length ?? 0;
  return (
    <>
      <Panel title={`Worker nodes · ${cluster.name}`} subtitle={workers.data ? `${formatCountOf(workers.data.length, 'node')}${lost ? ` · ${lost} lost` : ''}` : undefined}>
        {workers.error && !workers.data ? <ErrorNote message={workers.error.message} onRetry={workers.refetch} /> : null}
        {!workers.data && !workers.error ? <LoadingRows rows={3} /> : null}
        {workers.data && workers.data.length === 0 ? <EmptyState title="No worker node is running." hint="Start one with `npx sigmatiq-cluster worker --datastore …`; until then jobs wait in their queues." /> : null}
        {workers.data && workers.data.length > 0 ? (
          <div className="table-wrap">
            <table className="grid" aria-label={`Worker nodes of ${cluster.name}`}>
              <colgroup>
                <col style={{ width: '17%' }} />
                <col style={{ width: '9%' }} />
                <col style={{ width: '22%' }} />
                <col style={{ width: '10%' }} />
                <col style={{ width: '10%' }} />
                <col style={{ width: '10%' }} />
                <col style={{ width: '12%' }} />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">PID</th>
                  <th scope="col">Queues (concurrency)</th>
                  <th scope="col" className="align-right">
                    Running jobs
                  </th>
                  <th scope="col" className="align-right">
                    CPU
                  </th>
                  <th scope="col" className="align-right">
                    Memory
                  </th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {workers.data.map((w) => {
                  const queues = w.queues.map((q) => `${JOB_TYPE_LABELS[q]} (${w.concurrency[q] ?? '—'})`).join(', ');
                  return (
                    <tr key={w.id} className={w.status === 'lost' ? 'row-stuck' : undefined}>
                      <td title={w.id}>{w.host}</td>
                      <td className="num">{w.pid}</td>
                      <td title={queues}>{queues}</td>
                      <td className="align-right num" title={w.runningJobs.join(', ')}>
                        {w.runningJobs.length}
                      </td>
                      <td className="align-right num">{w.cpuPercent === null ? '—' : `${Math.round(w.cpuPercent)}%`}</td>
                      <td className="align-right num">{formatBytes(w.rssBytes)}</td>
                      <td title={formatFullTime(w.lastHeartbeatAt)}>{formatRelative(w.lastHeartbeatAt)}</td>
                      <td>{w.status === 'lost' ? <span className="badge state-failed" title={`No heartbeat since ${formatFullTime(w.lastHeartbeatAt)}`}>Lost</span> : <span className="badge level-good">Online</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
      <Panel title={`Resources per node · ${cluster.name}`} subtitle={`Last ${range}`}>
        {resources.error && !resources.data ? <ErrorNote message={resources.error.message} onRetry={resources.refetch} /> : null}
        {!resources.data && !resources.error ? <LoadingRows rows={3} /> : null}
        {resources.data && byNode.size === 0 ? <EmptyState title={`No resource samples in the last ${range}.`} /> : null}
        <div className="charts charts-2">
          {[...byNode.entries()].map(([nodeId, samples]) => (
            <NodeChart key={nodeId} samples={samples} range={range} />
          ))}
        </div>
      </Panel>
    </>
  );
}

function NodeChart({ samples, range }: { samples: ResourceSample[]; range: (typeof TIME_RANGE_OPTIONS)[number]['key'] }) {
  const tick = tickFormatter(range, spanOf(samples));
  const last = samples[samples.length - 1]!;
  return (
    <ChartFrame
      title={last.host}
      summary={`Latest: CPU ${last.cpuPercent}%, memory ${last.memoryPercent}%, disk I/O ${last.diskIoPercent}%, network ${last.networkPercent}%.`}
      legend={
        <>
          <LegendItem colour="var(--chart-1)" label="CPU" />
          <LegendItem colour="var(--chart-2)" label="Memory" />
          <LegendItem colour="var(--chart-3)" label="Disk I/O" />
          <LegendItem colour="var(--chart-4)" label="Network" />
        </>
      }
    >
      <LineChart data={samples} margin={{ top: 6, right: 6, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke="var(--grid)" />
        <XAxis dataKey="at" tickFormatter={tick} {...AXIS_PROPS} minTickGap={32} />
        <YAxis domain={[0, 100]} unit="%" {...AXIS_PROPS} width={50} />
        <Tooltip {...TOOLTIP_PROPS} labelFormatter={(v) => tick(String(v))} />
        <Line dataKey="cpuPercent" name="CPU" stroke="var(--chart-1)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
        <Line dataKey="memoryPercent" name="Memory" stroke="var(--chart-2)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
        <Line dataKey="diskIoPercent" name="Disk I/O" stroke="var(--chart-3)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
        <Line dataKey="networkPercent" name="Network" stroke="var(--chart-4)" dot={false} strokeWidth={1.6} isAnimationActive={false} />
      </LineChart>
    </ChartFrame>
  );
}
