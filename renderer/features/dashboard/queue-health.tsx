/**
 * The four queue metrics — Queue Length, Wait Time, Processing Rate, Failure Rate — each
 * coloured Good / Warning / Critical. With several clusters in view they are combined: lengths and
 * rates add up, wait time and failure rate take the worst cluster. The processing rate keeps the
 * worst cluster's level: each cluster rates it only against its own backlog, so idle clusters
 * adding up to a small number are not a problem, and a busy one cannot hide a stalled one.
 */
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import type { Reading } from '../../../contract/metrics.ts';
import { levelOf, worstLevel, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { LevelBadge } from '../../components/badges.tsx';
import { formatMetric } from '../../components/format.ts';

const METRICS: { key: 'queueLength' | 'waitTimeP95Ms' | 'processingRatePerMin' | 'failureRate'; metric: MetricName; label: string; hint: string }[] = [
  { key: 'queueLength', metric: 'queueLength', label: 'Queue Length', hint: 'Jobs waiting' },
  { key: 'waitTimeP95Ms', metric: 'waitTimeMs', label: 'Wait Time', hint: 'p95 before start' },
  { key: 'processingRatePerMin', metric: 'processingRatePerMin', label: 'Processing Rate', hint: 'Jobs finished per minute' },
  { key: 'failureRate', metric: 'failureRate', label: 'Failure Rate', hint: 'Failed ÷ finished' },
];

/** Combines the clusters' readings of one metric. */
export function combine(summary: DashboardSummary, key: (typeof METRICS)[number]['key'], metric: MetricName, thresholds: Thresholds): Reading {
  const readings = summary.clusters.flatMap((c) => (c.summary ? [c.summary[key]] : []));
  if (readings.length === 1) return readings[0]!;
  const values = readings.map((r) => r.value).filter((v): v is number => v !== null);
  if (values.length === 0) return { value: null, level: 'good' };
  const additive = key === 'queueLength' || key === 'processingRatePerMin';
  const value = additive ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
  if (key === 'processingRatePerMin') return { value, level: worstLevel(readings.map((r) => r.level)) };
  return { value, level: levelOf(value, thresholds[metric]) };
}

/** The four queue metric tiles. */
export function QueueHealth({ summary, thresholds }: { summary: DashboardSummary | undefined; thresholds: Thresholds }) {
  return (
    <div className="metric-tiles">
      {METRICS.map((m) => {
        const r = summary ? combine(summary, m.key, m.metric, thresholds) : null;
        return (
          <div key={m.key} className={`metric-tile level-${r ? r.level : 'none'}`} role="group" aria-label={m.label}>
            <div className="metric-head">
              <span className="metric-label">{m.label}</span>
              {r && r.value !== null ? <LevelBadge level={r.level} kind="queue" /> : null}
            </div>
            <div className="metric-value num">{r ? formatMetric(m.metric, r.value) : '…'}</div>
            <div className="metric-hint">{m.hint}</div>
          </div>
        );
      })}
    </div>
  );
}
