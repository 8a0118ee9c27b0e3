/**
 * One cluster's load: every queue's outlook in a table (whether its backlog grows or drains and by
 * when it clears, the wait a job entering now can expect, utilisation, the concurrency its wait
 * target needs), and for one queue the rates behind that and its backlog chart with the forecast
 * for the next hour. It opens on the queue most in need of attention.
 */
import { useState } from 'react';
import type { ClusterView, QueueLoadView } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { queuesStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { formatCount, formatDuration, formatRelative } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { ErrorNote } from '../../components/states.tsx';
import { BacklogChart } from './backlog-chart.tsx';
import { drainWords, forecastErrorWords, trendOf } from './load-words.ts';
import { LoadTable } from './load-table.tsx';
import './load.css';

const ATTENTION: Record<string, number> = { growing: 0, draining: 1, 'insufficient-data': 2, idle: 3 };

/** The queue to open on: growing first, then draining, the larger backlog first. */
export function queueNeedingAttention(queues: readonly QueueMetrics[]): JobType | null {
  const withLoad = queues.filter((q) => q.load);
  const sorted = [...withLoad].sort((a, b) => ATTENTION[a.load!.status]! - ATTENTION[b.load!.status]! || b.load!.backlog - a.load!.backlog);
  return sorted[0]?.type ?? queues[0]?.type ?? null;
}

/** The load panel of one cluster; its queue list is the one the queue table above keeps fresh. */
export function QueueLoadPanel({ cluster }: { cluster: ClusterView }) {
  const listed = useApiQuery(`queues:${cluster.id}`, (api) => api.getQueues(cluster.id), { passive: true });
  if (cluster.status !== 'online' || !listed.data || listed.data.length === 0) return null;
  return <QueueLoadDetail cluster={cluster} queues={listed.data} />;
}

function QueueLoadDetail({ cluster, queues }: { cluster: ClusterView; queues: readonly QueueMetrics[] }) {
  const [chosen, setChosen] = useState<JobType | null>(null);
  const type = chosen ?? queueNeedingAttention(queues);
  const m = queues.find((q) => q.type === type);
  const view = useApiQuery(`queue-load:${cluster.id}:${type ?? ''}`, (api) => api.getQueueLoad(cluster.id, type!, {}), {
    enabled: type !== null,
    refreshOn: queuesStale(cluster.id),
    minIntervalMs: 5000,
    pollMs: 30_000,
  });
  if (!type || !m) return null;
  const load = view.data?.load ?? m.load ?? null;
  const label = JOB_TYPE_LABELS[type];
  return (
    <Panel
      title={`Load · ${cluster.name}`}
      subtitle="Growth, time to drain and predicted waits from the cluster's load model"
      actions={
        <label className="inline-label">
          Queue{' '}
          <select className="select" value={type} onChange={(e) => setChosen(e.target.value as JobType)} aria-label={`Queue whose load ${cluster.name} shows`}>
            {queues.map((q) => (
              <option key={q.type} value={q.type}>
                {JOB_TYPE_LABELS[q.type]}
                {q.load ? ` (${trendOf(q.load.status).words})` : ''}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {view.error && !view.data ? <ErrorNote message={view.error.message} onRetry={view.refetch} /> : null}
      {view.data?.fromCache ? <p className="metric-hint">Cluster unreachable: the load as of {formatRelative(view.data.at)}; no forecast until it reconnects.</p> : null}
      <LoadTable clusterName={cluster.name} queues={queues} chosen={type} onChoose={setChosen} />
      {load ? (
        <p className="load-summary">
          {label}: {formatCount(load.backlog)} ready, {drainWords(load, m.paused).toLowerCase()}; arrivals {rate(load.arrivalPerMin)}/min, finished {rate(load.completionPerMin)}/min over 15 min;{' '}
          {load.meanRunMs === null ? `only ${load.runSamples} finished: run time not known yet` : `mean run time ${formatDuration(load.meanRunMs)} over ${formatCount(load.runSamples)} finished jobs`}
          ; {load.busy} of {m.concurrency} running.
          {forecastErrorWords(load.forecastError) ? <> Its {forecastErrorWords(load.forecastError)}.</> : null}
        </p>
      ) : null}
      <BacklogChart title={`${label} backlog: last hour and next hour`} history={view.data?.history ?? []} forecast={view.data?.forecast ?? null} now={view.data ? nowOf(view.data) : 0} loading={!view.data && !view.error} />
    </Panel>
  );
}

/** The chart's "now": when the cluster answered, or the newest sample when the answer is an older snapshot. */
function nowOf(view: QueueLoadView): number {
  return Math.max(Date.parse(view.at), ...view.history.map((s) => Date.parse(s.at)));
}

function rate(perMin: number | null): string {
  if (perMin === null) return '—';
  return perMin >= 10 ? String(Math.round(perMin)) : String(Math.round(perMin * 10) / 10);
}
