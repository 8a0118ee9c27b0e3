/**
 * The four queue metrics — Queue Length, Wait Time, Processing Rate, Failure Rate — each
 * coloured Good / Warning / Critical. With several clusters in view each tile shows the combined
 * value, the worst cluster's level and which cluster that is (see combine-readings.ts). A
 * processing rate with nothing ready to run reads "Idle": a low rate is then no problem.
 */
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import type { MetricName } from '../../../contract/thresholds.ts';
import { LevelBadge } from '../../components/badges.tsx';
import { formatDuration, formatMetric } from '../../components/format.ts';
import { useCachedClusters } from '../../components/use-clusters.ts';
import { combine, type CombinedReading, type QueueMetricKey } from './combine-readings.ts';

export { combine } from './combine-readings.ts';

const METRICS: { key: QueueMetricKey; metric: MetricName; label: string; hint: (windowMin: number | null) => string }[] = [
  { key: 'queueLength', metric: 'queueLength', label: 'Queue Length', hint: () => 'Jobs waiting' },
  { key: 'waitTimeP95Ms', metric: 'waitTimeMs', label: 'Wait Time', hint: () => 'p95 of jobs waiting and just started' },
  { key: 'processingRatePerMin', metric: 'processingRatePerMin', label: 'Processing Rate', hint: (w) => `Jobs finished per minute${w ? `, last ${w} min` : ''}` },
  { key: 'failureRate', metric: 'failureRate', label: 'Failure Rate', hint: (w) => `Failed ÷ finished${w ? `, last ${w} min` : ''}` },
];

/** The metrics window in minutes, as the clusters report it (null when unknown or they differ). */
function windowMinutes(summary: DashboardSummary | undefined): number | null {
  const windows = new Set(summary?.clusters.flatMap((c) => c.summary?.queues.map((q) => q.windowMs) ?? []));
  return windows.size === 1 ? Math.round([...windows][0]! / 60_000) : null;
}

/** The line under a tile's value: the oldest waiting job, then the worst cluster. */
export function tileNote(r: CombinedReading, metric: MetricName, clusterName: (id: string) => string): string | null {
  const parts: string[] = [];
  if (r.oldestWaitingMs !== undefined) parts.push(r.oldestWaitingMs === null ? 'none waiting' : `oldest waiting ${formatDuration(r.oldestWaitingMs)}`);
  if (r.worst && !r.idle) parts.push(`worst: ${clusterName(r.worst.clusterId)} ${formatMetric(metric, r.worst.value)}`);
  return parts.length ? parts.join(' · ') : null;
}

/** The four queue metric tiles. */
export function QueueHealth({ summary }: { summary: DashboardSummary | undefined }) {
  const { data: clusters } = useCachedClusters();
  const nameOf = (id: string) => clusters?.find((c) => c.id === id)?.name ?? id;
  const windowMin = windowMinutes(summary);
  return (
    <div className="metric-tiles">
      {METRICS.map((m) => {
        const r = summary ? combine(summary, m.key) : null;
        const note = r ? tileNote(r, m.metric, nameOf) : null;
        const levelClass = !r || r.idle ? 'none' : r.level;
        return (
          <div key={m.key} className={`metric-tile level-${levelClass}`} role="group" aria-label={m.label}>
            <div className="metric-head">
              <span className="metric-label">{m.label}</span>
              {r?.idle ? (
                <span className="badge level-idle" title="Nothing is ready to run, so a low rate is no problem">
                  Idle
                </span>
              ) : r && r.value !== null ? (
                <LevelBadge level={r.level} kind="queue" />
              ) : null}
            </div>
            <div className="metric-value num">{r ? formatMetric(m.metric, r.value) : '…'}</div>
            <div className="metric-hint">{m.hint(windowMin)}</div>
            {note ? (
              <div className="metric-hint metric-note" title={note}>
                {note}
              </div>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
