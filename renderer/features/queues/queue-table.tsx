/**
 * One cluster's queues: paused or running with the pause/resume button next to it (first, so a
 * narrow window never hides it), counts by state (pending with how many may run now, and whether
 * the backlog grows or drains), editable concurrency with the load model's recommendation and
 * what-if under it, wait time and processing rate with threshold colours. The load in full is in
 * the load panel below (queue-load-panel.tsx): this table has no room for more columns at 1280 px.
 */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { JOB_STATE_LABELS, JOB_STATES, JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import type { QueueMetrics } from '../../../contract/metrics.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { queuesStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { LevelBadge } from '../../components/badges.tsx';
import { formatCountOf, formatDuration, formatMetric } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { ConcurrencyWhatIf } from './concurrency-what-if.tsx';
import { PendingTrend } from './pending-trend.tsx';

/** The queue table of one cluster. */
export function QueueTable({ cluster }: { cluster: ClusterView }) {
  const q = useApiQuery(`queues:${cluster.id}`, (api) => api.getQueues(cluster.id), { refreshOn: queuesStale(cluster.id), minIntervalMs: 1000, pollMs: 10_000, enabled: cluster.status === 'online' });
  if (cluster.status !== 'online') {
    return (
      <Panel title={`Queues · ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Queue state comes live from the cluster; it shows again when the cluster reconnects." />
      </Panel>
    );
  }
  return (
    <Panel title={`Queues · ${cluster.name}`} subtitle="Wait time and processing rate: Good / Warning / Critical">
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={6} label="Loading queues" /> : null}
      {q.data ? (
        <div className="table-wrap">
          <table className="grid queue-grid" aria-label={`Queues of ${cluster.name}`}>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Status</th>
                {JOB_STATES.map((s) => (
                  <th key={s} scope="col" className="align-right">
                    {JOB_STATE_LABELS[s]}
                  </th>
                ))}
                <th scope="col">Concurrency</th>
                <th scope="col">Wait time (p95)</th>
                <th scope="col">Processing rate</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((m) => (
                <QueueRow key={m.type} clusterId={cluster.id} role={cluster.info?.role} m={m} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}

function QueueRow({ clusterId, role, m }: { clusterId: string; role: string | undefined; m: QueueMetrics }) {
  const api = useAdminApi();
  const label = JOB_TYPE_LABELS[m.type];
  return (
    <tr className={m.paused ? 'row-paused' : undefined}>
      <th scope="row" className="row-head">
        {label}
      </th>
      <td>
        <span className="queue-status">
          {m.paused ? <span className="badge state-paused">Paused</span> : <span className="badge level-good">Running</span>}
          <ActionButton
            small
            label={m.paused ? 'Resume' : 'Pause'}
            ariaLabel={`${m.paused ? 'Resume' : 'Pause'} queue ${label}`}
            feedbackTitle={`${m.paused ? 'Resuming' : 'Pausing'} the ${label} queue`}
            confirm={
              m.paused
                ? undefined
                : { title: `Pause the ${label} queue?`, body: 'Running jobs finish; pending jobs wait until the queue is resumed.', confirmLabel: 'Pause queue' }
            }
            run={async () => {
              const r = await api.queueAction(clusterId, m.type, m.paused ? 'resume' : 'pause', {});
              return `${label} queue is ${r.paused ? 'paused' : 'running'}.`;
            }}
          />
        </span>
      </td>
      {JOB_STATES.map((s) => (
        <td key={s} className={`align-right num${m.counts[s] === 0 ? ' muted' : ''}`}>
          {m.counts[s].toLocaleString()}
          {s === 'pending' ? <PendingTrend m={m} /> : null}
          {s === 'pending' && m.readyCount !== m.counts.pending ? <ReadyNote ready={m.readyCount} pending={m.counts.pending} /> : null}
        </td>
      ))}
      <td>
        <ConcurrencyEditor key={m.concurrency} clusterId={clusterId} role={role} m={m} />
      </td>

      <td>
        <span className="metric-inline">
          {formatMetric('waitTimeMs', m.waitTimeP95Ms.value)} {m.waitTimeP95Ms.value !== null ? <LevelBadge level={m.waitTimeP95Ms.level} kind="queue" /> : null}
        </span>
        {m.oldestWaitingMs ? <div className="metric-hint">oldest waiting {formatDuration(m.oldestWaitingMs)}</div> : null}
      </td>
      <td>
        <span className="metric-inline">
          {formatMetric('processingRatePerMin', m.processingRatePerMin.value)}{' '}
          {m.readyCount === 0 || m.paused ? (
            <span className="badge level-idle" title={m.paused ? 'Paused: no jobs are started' : 'Nothing is ready to run, so a low rate is no problem'}>
              {m.paused ? 'Paused' : 'Idle'}
            </span>
          ) : m.processingRatePerMin.value !== null ? (
            <LevelBadge level={m.processingRatePerMin.level} kind="queue" />
          ) : null}
        </span>
      </td>
    </tr>
  );
}

/**
 * Under Pending, when some pending jobs cannot run yet (scheduled for later, or waiting for the
 * jobs they depend on): how many may run now. The processing rate is rated against these only.
 */
function ReadyNote({ ready, pending }: { ready: number; pending: number }) {
  const waiting = Math.max(0, pending - ready);
  return (
    <span className="cell-note" title={`${waiting.toLocaleString()} pending ${waiting === 1 ? 'job is' : 'jobs are'} scheduled for later or waiting for other jobs`}>
      {ready.toLocaleString()} ready
    </span>
  );
}

/** Concurrency as a number field with Save; only shows Save once changed, with what the change would do. */
function ConcurrencyEditor({ clusterId, role, m }: { clusterId: string; role: string | undefined; m: QueueMetrics }) {
  const api = useAdminApi();
  const [value, setValue] = useState(String(m.concurrency));
  const n = Number(value);
  const valid = Number.isInteger(n) && n >= 1 && n <= 1000;
  const changed = valid && n !== m.concurrency;
  return (
    <div className="concurrency-cell">
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!changed) return;
        void runWithFeedback(`Setting ${JOB_TYPE_LABELS[m.type]} concurrency to ${n}`, async () => {
          const r = await api.queueAction(clusterId, m.type, 'set-concurrency', { concurrency: n });
          return `${JOB_TYPE_LABELS[m.type]} now runs up to ${formatCountOf(r.concurrency, 'job')} at once.`;
        });
      }}
    >
      <input
        className="input input-tiny num"
        type="number"
        min={1}
        max={1000}
        value={value}
        aria-label={`Concurrency of ${JOB_TYPE_LABELS[m.type]}`}
        aria-invalid={!valid}
        title={valid ? undefined : 'A whole number from 1 to 1000'}
        onChange={(e) => setValue(e.target.value)}
      />
      {changed ? (
        <button type="submit" className="btn btn-small btn-primary">
          Save
        </button>
      ) : null}
    </form>
    {m.load ? <ConcurrencyWhatIf clusterId={clusterId} m={m} typed={valid ? n : null} role={role} /> : null}
    </div>
  );
}
