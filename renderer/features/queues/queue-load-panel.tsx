/**
 * One cluster's load in detail, one queue at a time: whether its backlog grows or drains and by
 * when it clears, the rates behind that, the wait a job entering now can expect, and the backlog
 * chart with the forecast for the next hour. It opens on the queue most in need of attention.
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
import { drainWords, growthWords, trendOf, utilisationWords, waitWords } from './load-words.ts';
import './load.css';

const ATTENTION: Record<string, number> = { growing: 0, draining: 1, 'insufficient-data': 2, idle: 3 };

/** The queue to open on: growing first, then draining, the larger backlog first. */
export function queueNeedingAttention(queues: readonly QueueMetrics[]): JobType | null {
  const withLoad = queues.filter((q) => q.load);
  const sorted = [...withLoad].sort((a, b) => ATTENTION[a.load!.status]! - ATTENTION[b.load!.status]! || b.load!.backlog - a.load!.backlog);
  return sorted[0]?.type ?? queues[0]?.type ?? null;
}

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="load-figure" role="group" aria-label={label}>
      <div className="load-figure-label">{label}</div>
      <div className="load-figure-value num">{value}</div>
      {hint ? <div className="metric-hint">{hint}</div> : null}
    </div>
  );
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
  const trend = load ? trendOf(load.status) : null;
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
      {load && trend ? (
        <div className="load-figures" role="group" aria-label={`Load of ${label}`}>
          <Figure label="Backlog" value={`${trend.arrow} ${formatCount(load.backlog)}`} hint={drainWords(load, m.paused)} />
          <Figure label="Growth" value={growthWords(load.growthPerMin)} hint={`last 15 min · ${growthWords(load.growthPerMinHour)} over 1 h`} />
          <Figure
            label="Arrivals / finished"
            value={`${load.arrivalPerMin === null ? '—' : rate(load.arrivalPerMin)} / ${load.completionPerMin === null ? '—' : rate(load.completionPerMin)}`}
            hint="jobs per minute, last 15 min"
          />
          <Figure label="Predicted wait" value={waitWords(load.predictedWaitMs)} hint={`p95 ${waitWords(load.predictedWaitP95Ms)} · for a job entering now`} />
          <Figure label="Utilisation" value={utilisationWords(load.utilisation)} hint={`${load.busy} of ${load.concurrency} running`} />
          <Figure
            label="Run time"
            value={load.meanRunMs === null ? '—' : formatDuration(load.meanRunMs)}
            hint={load.runSamples < 5 ? `only ${load.runSamples} finished: not enough data` : `mean of ${formatCount(load.runSamples)} finished jobs`}
          />
          <Figure
            label="Recommended concurrency"
            value={load.recommendedConcurrency === null ? '—' : String(load.recommendedConcurrency)}
            hint={`for p95 wait ≤ ${waitWords(load.waitTargetMs)} · now ${m.concurrency}`}
          />
        </div>
      ) : (
        <p className="muted">{label}: this cluster does not report its load.</p>
      )}
      <BacklogChart title={`${label} backlog: last hour and next hour`} history={view.data?.history ?? []} forecast={view.data?.forecast ?? null} now={view.data ? nowOf(view.data) : 0} loading={!view.data && !view.error} />
    </Panel>
  );
}

/** The chart's "now": when the cluster answered, or the newest sample when the answer is an older snapshot. */
function nowOf(view: QueueLoadView): number {
  return Math.max(Date.parse(view.at), ...view.history.map((s) => Date.parse(s.at)));
}

function rate(perMin: number): string {
  return perMin >= 10 ? String(Math.round(perMin)) : String(Math.round(perMin * 10) / 10);
}
