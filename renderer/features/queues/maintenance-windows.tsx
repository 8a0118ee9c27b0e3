/** Maintenance windows of one cluster: when which queues are paused; list, add, remove. */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { CreateMaintenanceWindowRequest, describeZodError } from '../../../contract/api.ts';
import { JOB_TYPE_LABELS, JOB_TYPES, type JobType } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { formatFullTime } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { showDirectionControls } from '../../components/display-text.ts';

const STATUS_WORDS = { upcoming: 'Upcoming', active: 'Active — queues paused', over: 'Over' } as const;

/** The maintenance windows panel. */
export function MaintenanceWindows({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const q = useApiQuery(`windows:${cluster.id}`, (a) => a.listMaintenanceWindows(cluster.id), { pollMs: 30_000, enabled: cluster.status === 'online' });
  const [adding, setAdding] = useState(false);
  if (cluster.status !== 'online') return null;
  return (
    <Panel
      title={`Maintenance windows · ${cluster.name}`}
      subtitle="Queues listed are paused from start to end"
      actions={
        <button type="button" className="btn btn-small" onClick={() => setAdding(true)}>
          Add window
        </button>
      }
    >
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={2} /> : null}
      {q.data && q.data.length === 0 ? <EmptyState title="No maintenance windows." hint="Schedule one for low-usage times: market closed, weekends, holidays." /> : null}
      {q.data && q.data.length > 0 ? (
        <table className="grid" aria-label={`Maintenance windows of ${cluster.name}`}>
          <colgroup>
            <col style={{ width: '24%' }} />
            <col style={{ width: '22%' }} />
            <col style={{ width: '17%' }} />
            <col style={{ width: '17%' }} />
            <col style={{ width: '12%' }} />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Queues</th>
              <th scope="col">Starts</th>
              <th scope="col">Ends</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((w) => (
              <tr key={w.id}>
                <td>{showDirectionControls(w.name)}</td>
                <td title={w.queues.map((t) => JOB_TYPE_LABELS[t]).join(', ')}>{w.queues.map((t) => JOB_TYPE_LABELS[t]).join(', ')}</td>
                <td>{formatFullTime(w.startsAt)}</td>
                <td>{formatFullTime(w.endsAt)}</td>
                <td>{STATUS_WORDS[w.status]}</td>
                <td>
                  <ActionButton
                    small
                    label="Remove"
                    ariaLabel={`Remove maintenance window ${showDirectionControls(w.name)}`}
                    feedbackTitle={`Removing maintenance window ${w.name}`}
                    confirm={{ title: `Remove “${showDirectionControls(w.name)}”?`, body: 'Its queues will no longer be paused at that time.', confirmLabel: 'Remove window' }}
                    run={async () => {
                      await api.deleteMaintenanceWindow(cluster.id, w.id);
                      q.refetch();
                      return 'Removed.';
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {adding ? <AddWindowDialog cluster={cluster} onClose={() => setAdding(false)} onAdded={q.refetch} /> : null}
    </Panel>
  );
}

function AddWindowDialog({ cluster, onClose, onAdded }: { cluster: ClusterView; onClose: () => void; onAdded: () => void }) {
  const api = useAdminApi();
  const [name, setName] = useState('');
  const [queues, setQueues] = useState<JobType[]>([]);
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function save() {
    const iso = (v: string) => (v ? new Date(v).toISOString() : '');
    const parsed = CreateMaintenanceWindowRequest.safeParse({ name, queues, startsAt: iso(startsAt), endsAt: iso(endsAt) });
    if (!parsed.success) {
      setError(describeZodError(parsed.error));
      return;
    }
    const ok = await runWithFeedback(`Adding maintenance window ${name}`, async () => {
      await api.createMaintenanceWindow(cluster.id, parsed.data);
      return 'Added.';
    });
    if (ok) {
      onAdded();
      onClose();
    }
  }
  return (
    <Dialog
      title="Add maintenance window"
      onClose={onClose}
      footer={<DialogActions onClose={onClose} actionLabel="Add window" onAction={() => void save()} />}
    >
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form-grid">
        <label className="field span-2">
          <span className="field-label">Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Weekend datastore upgrade" />
        </label>
        <fieldset className="group span-2">
          <legend>Queues to pause</legend>
          <div className="checks">
            {JOB_TYPES.map((t) => (
              <label key={t} className="check">
                <input type="checkbox" className="checkbox" checked={queues.includes(t)} onChange={(e) => setQueues(e.target.checked ? [...queues, t] : queues.filter((x) => x !== t))} />
                {JOB_TYPE_LABELS[t]}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span className="field-label">Starts</span>
          <input className="input" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Ends</span>
          <input className="input" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </label>
      </div>
    </Dialog>
  );
}
