/**
 * A queue's load in its table row: the growth arrow with by when the backlog clears, and under it
 * the wait a job entering now can expect (mean and 95th percentile) and how busy the queue is.
 */
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { drainWords, growthWords, trendOf, utilisationWords, waitWords } from './load-words.ts';
import './load.css';

export function LoadCell({ m }: { m: QueueMetrics }) {
  const load = m.load;
  if (!load) return <span className="muted" title="This cluster does not report its load (an older version)">—</span>;
  const trend = trendOf(load.status);
  const drain = drainWords(load, m.paused);
  const hasWait = load.predictedWaitMs !== null;
  return (
    <div className="load-cell">
      <span className={`load-trend tone-${trend.tone}`} title={`Backlog ${trend.words}: ${growthWords(load.growthPerMin)} over 15 min, ${growthWords(load.growthPerMinHour)} over the hour`}>
        <span className="load-arrow" aria-hidden="true">
          {trend.arrow}
        </span>{' '}
        {drain}
      </span>
      <div className="metric-hint">
        {hasWait ? (
          <span title="Predicted wait for a job of normal priority entering now, and its 95th percentile">
            wait {waitWords(load.predictedWaitMs)} · p95 {waitWords(load.predictedWaitP95Ms)}
          </span>
        ) : null}
        {hasWait && load.utilisation !== null ? ' · ' : null}
        {load.utilisation !== null ? <span title="Offered load ÷ capacity: above 100% the queue cannot keep up">{utilisationWords(load.utilisation)} busy</span> : null}
      </div>
    </div>
  );
}
