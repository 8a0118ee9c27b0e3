/**
 * Settings' thresholds are a cluster's own: the cluster colours every level it reports (queue
 * metrics, resource gauges, /metrics) with them, so they are read from and saved to the cluster
 * chosen here (an admin token). The app itself only combines clusters, showing the worst of them.
 */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { DEFAULT_THRESHOLDS, METRICS, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { humanize } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { runWithFeedback } from '../../store/toast-store.ts';
import './alerts.css';
import { fromDisplay, thresholdProblems, toDisplay, unitOf } from '../settings/threshold-units.ts';

export const METRIC_LABELS: Record<MetricName, string> = {
  queueLength: 'Queue Length (jobs)',
  waitTimeMs: 'Wait Time (minutes)',
  processingRatePerMin: 'Processing Rate (jobs/min, lower is worse)',
  failureRate: 'Failure Rate (%)',
  cpuPercent: 'CPU (%)',
  memoryPercent: 'Memory (%)',
  diskIoPercent: 'Disk I/O (%)',
  networkPercent: 'Network (%)',
};

export function ClusterThresholdsPanel() {
  const scope = useScope();
  const [chosen, setChosen] = useState<string | null>(null);
  const cluster = scope.clusters.find((c) => c.id === chosen) ?? scope.clusters.find((c) => c.status === 'online') ?? scope.clusters[0] ?? null;
  const picker = cluster ? (
    <label className="field field-inline">
      <span className="field-label">Cluster</span>
      <select className="select" aria-label="Thresholds of cluster" value={cluster.id} onChange={(e) => setChosen(e.target.value)}>
        {scope.clusters.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  ) : null;
  return (
    <Panel
      title={cluster ? `Thresholds of ${cluster.name}` : 'Thresholds'}
      subtitle={
        cluster
          ? `Stored on ${cluster.name}, which decides every level it reports with them; saving needs an admin token. With several clusters in view, the app shows the worst of their levels.`
          : 'Thresholds are kept by each cluster.'
      }
      actions={picker}
    >
      {cluster ? <ThresholdsForm key={cluster.id} cluster={cluster} /> : <EmptyState title="No cluster configured." hint="Add a cluster on the Clusters screen." />}
    </Panel>
  );
}

function ThresholdsForm({ cluster }: { cluster: ClusterView }) {
  const online = cluster.status === 'online';
  const q = useApiQuery(`thresholds:${cluster.id}`, (api) => api.getClusterThresholds(cluster.id), { enabled: online });
  if (!online) return <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Its thresholds live on the cluster; they show and can be changed when it reconnects." />;
  if (q.error && !q.data) return <ErrorNote message={q.error.message} onRetry={q.refetch} />;
  if (!q.data) return <LoadingRows rows={4} />;
  return <ThresholdsTable key={JSON.stringify(q.data)} cluster={cluster} stored={q.data} onSaved={q.refetch} />;
}

function ThresholdsTable({ cluster, stored, onSaved }: { cluster: ClusterView; stored: Thresholds; onSaved: () => void }) {
  const api = useAdminApi();
  const [draft, setDraft] = useState<Thresholds>(stored);
  const [error, setError] = useState<string | null>(null);
  function save() {
    const problems = thresholdProblems(draft, (m) => METRIC_LABELS[m]);
    if (problems.length) {
      setError(`The thresholds were not saved. ${problems.join(' ')}`);
      return;
    }
    setError(null);
    void runWithFeedback(`Saving the thresholds of ${cluster.name}`, async () => {
      await api.updateClusterThresholds(cluster.id, draft);
      onSaved();
      return `Saved on ${cluster.name}: every level it reports uses them within seconds.`;
    });
  }
  return (
    <>
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
      <table className="grid" aria-label="Thresholds">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Warning from</th>
            <th scope="col">Critical beyond</th>
          </tr>
        </thead>
        <tbody>
          {METRICS.map((m) => (
            <tr key={m}>
              <th scope="row" className="row-head">
                {METRIC_LABELS[m]}
              </th>
              {(['warning', 'critical'] as const).map((k) => (
                <td key={k}>
                  <span className="input-with-unit">
                    <input
                      className="input input-threshold num"
                      type="number"
                      min={0}
                      step="any"
                      aria-label={`${humanize(k)} threshold of ${METRIC_LABELS[m]}`}
                      value={toDisplay(m, draft[m][k])}
                      onChange={(e) => setDraft({ ...draft, [m]: { ...draft[m], [k]: fromDisplay(m, Number(e.target.value)) } })}
                    />
                    <span className="muted">{unitOf(m)}</span>
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="panel-foot-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setDraft(DEFAULT_THRESHOLDS)}>
          Reset to defaults
        </button>
        <button type="button" className="btn btn-small btn-primary" onClick={save}>
          Save thresholds on {cluster.name}
        </button>
      </div>
    </>
  );
}
