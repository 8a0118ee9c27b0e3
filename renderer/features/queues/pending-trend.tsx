/** Beside a queue's Pending count: the growth arrow, its words (by when it clears) in the tooltip. */
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { drainWords, trendOf } from './load-words.ts';
import './load.css';

export function PendingTrend({ m }: { m: QueueMetrics }) {
  if (!m.load || m.load.status === 'idle') return null;
  const trend = trendOf(m.load.status);
  const words = `Backlog ${trend.words}: ${drainWords(m.load, m.paused)}`;
  return (
    <span className={`pending-trend tone-${trend.tone}`} title={words} aria-label={words} role="img">
      {trend.arrow}
    </span>
  );
}
