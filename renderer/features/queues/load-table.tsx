/**
 * Every queue's load in one table: the growth arrow with by when the backlog clears, the growth
 * rate, the wait a job entering now can expect (mean and 95th percentile), how busy the queue is
 * and the concurrency its wait target needs. A queue's name picks it for the chart below.
 */
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { formatCount } from '../../components/format.ts';
import { drainWords, forecastErrorWords, growthWords, trendOf, utilisationWords, waitWords } from './load-words.ts';

export function LoadTable({ clusterName, queues, chosen, onChoose }: { clusterName: string; queues: readonly QueueMetrics[]; chosen: JobType; onChoose: (type: JobType) => void }) {
  return (
    <div className="table-wrap">
      <table className="grid load-grid" aria-label={`Load of the queues of ${clusterName}`}>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col" className="align-right">
              Ready
            </th>
            <th scope="col">Outlook</th>
            <th scope="col" className="align-right" title="Jobs added minus jobs finished per minute, over the last 15 minutes and the last hour">
              Growth (15 min · 1 h)
            </th>
            <th scope="col" className="align-right" title="For a job of normal priority entering now">
              Predicted wait
            </th>
            <th scope="col" className="align-right">
              Wait p95
            </th>
            <th scope="col" className="align-right" title="Offered load ÷ capacity: above 100% the queue cannot keep up">
              Utilisation
            </th>
            <th scope="col" className="align-right" title="The smallest concurrency that keeps the 95th percentile wait under the target once today's backlog has drained">
              Recommended
            </th>
          </tr>
        </thead>
        <tbody>
          {queues.map((m) => (
            <LoadRow key={m.type} m={m} chosen={m.type === chosen} onChoose={() => onChoose(m.type)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LoadRow({ m, chosen, onChoose }: { m: QueueMetrics; chosen: boolean; onChoose: () => void }) {
  const label = JOB_TYPE_LABELS[m.type];
  const load = m.load;
  const trend = load ? trendOf(load.status) : null;
  return (
    <tr className={chosen ? 'row-selected' : undefined} aria-selected={chosen}>
      <th scope="row" className="row-head">
        <button type="button" className="link-button" aria-pressed={chosen} title={`Chart the backlog of ${label}`} onClick={onChoose}>
          {label}
        </button>
      </th>
      {load && trend ? (
        <>
          <td className="align-right num">{formatCount(load.backlog)}</td>
          <td>
            <span className={`load-trend tone-${trend.tone}`} title={`Backlog ${trend.words}`}>
              <span className="load-arrow" aria-hidden="true">
                {trend.arrow}
              </span>{' '}
              {drainWords(load, m.paused)}
            </span>
          </td>
          <td className="align-right num">
            {growthWords(load.growthPerMin)} · {growthWords(load.growthPerMinHour)}
          </td>
          <td className="align-right num">
            {load.forecastError?.poor ? (
              <span className="poor-record" role="img" aria-label="Poor prediction record" title={forecastErrorWords(load.forecastError)!}>
                ⚠{' '}
              </span>
            ) : null}
            {waitWords(load.predictedWaitMs)}
          </td>
          <td className="align-right num">{waitWords(load.predictedWaitP95Ms)}</td>
          <td className="align-right num">{utilisationWords(load.utilisation)}</td>
          <td className="align-right num" title={`Now ${m.concurrency}; target p95 ≤ ${waitWords(load.waitTargetMs)}`}>
            {load.recommendedConcurrency ?? '—'}
          </td>
        </>
      ) : (
        <td colSpan={7} className="muted">
          This cluster does not report its load.
        </td>
      )}
    </tr>
  );
}
