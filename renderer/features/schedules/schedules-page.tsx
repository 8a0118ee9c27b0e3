/** Schedules: jobs submitted on a cron schedule, with their next run; create, pause/resume, delete. */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { CreateScheduleRequest, fieldErrors, type FieldError } from '../../../contract/api.ts';
import { JOB_TYPE_LABELS, JOB_TYPES, PRIORITIES, PRIORITY_LABELS, type JobType, type Priority } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { PriorityBadge } from '../../components/badges.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { formatFullTime, formatRelative } from '../../components/format.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { runWithFeedback } from '../../store/toast-store.ts';
import { showDirectionControls } from '../../components/display-text.ts';

/** The Schedules page. */
export function SchedulesPage() {
  const scope = useScope();
  return (
    <div className="page">
      <PageHeader title="Schedules" subtitle="Jobs the cluster submits by itself on a cron schedule — batch work for off-peak hours." />
      {scope.clusters.map((c) => (
        <ClusterSchedules key={c.id} cluster={c} />
      ))}
    </div>
  );
}

function ClusterSchedules({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const online = cluster.status === 'online';
  const q = useApiQuery(`schedules:${cluster.id}`, (a) => a.listSchedules(cluster.id), { pollMs: 30_000, enabled: online });
  const [creating, setCreating] = useState(false);
  if (!online) {
    return (
      <Panel title={`Schedules · ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Schedules live on the cluster and show when it reconnects." />
      </Panel>
    );
  }
  return (
    <Panel
      title={`Schedules · ${cluster.name}`}
      actions={
        <button type="button" className="btn btn-small" onClick={() => setCreating(true)}>
          New schedule
        </button>
      }
    >
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={3} /> : null}
      {q.data && q.data.length === 0 ? <EmptyState title="No scheduled jobs." hint="Create one for recurring work such as nightly signals or a daily report." /> : null}
      {q.data && q.data.length > 0 ? (
        <div className="table-wrap">
          <table className="grid" aria-label={`Schedules of ${cluster.name}`}>
            <colgroup>
              <col style={{ width: '20%' }} />
              <col style={{ width: '14%' }} />
              <col style={{ width: '10%' }} />
              <col style={{ width: '9%' }} />
              <col style={{ width: '14%' }} />
              <col style={{ width: '15%' }} />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Job type</th>
                <th scope="col">User</th>
                <th scope="col">Priority</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next run</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((s) => (
                <tr key={s.id}>
                  <td>{showDirectionControls(s.name)}</td>
                  <td>{JOB_TYPE_LABELS[s.type]}</td>
                  <td>{s.user}</td>
                  <td>
                    <PriorityBadge priority={s.priority} />
                  </td>
                  <td className="mono" title={s.timezone ?? 'server time zone'}>
                    {s.cron}
                    {s.timezone ? ` ${s.timezone}` : ''}
                  </td>
                  <td title={formatFullTime(s.nextRunAt)}>{s.paused ? <span className="badge state-paused">Paused</span> : formatRelative(s.nextRunAt)}</td>
                  <td>
                    <div className="row-actions">
                      <ActionButton
                        small
                        label={s.paused ? 'Resume' : 'Pause'}
                        ariaLabel={`${s.paused ? 'Resume' : 'Pause'} schedule ${s.name}`}
                        feedbackTitle={`${s.paused ? 'Resuming' : 'Pausing'} schedule ${s.name}`}
                        run={async () => {
                          const r = await api.setSchedulePaused(cluster.id, s.id, !s.paused);
                          q.refetch();
                          return r.paused ? 'Paused: it will not run until resumed.' : `Resumed: next run ${formatRelative(r.nextRunAt)}.`;
                        }}
                      />
                      <ActionButton
                        small
                        label="Delete"
                        ariaLabel={`Delete schedule ${s.name}`}
                        feedbackTitle={`Deleting schedule ${s.name}`}
                        confirm={{ title: `Delete schedule “${s.name}”?`, body: 'No more jobs will be submitted by it. Jobs it already submitted stay.', confirmLabel: 'Delete schedule' }}
                        run={async () => {
                          await api.deleteSchedule(cluster.id, s.id);
                          q.refetch();
                          return 'Deleted.';
                        }}
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? <CreateScheduleDialog cluster={cluster} onClose={() => setCreating(false)} onCreated={q.refetch} /> : null}
    </Panel>
  );
}

function CreateScheduleDialog({ cluster, onClose, onCreated }: { cluster: ClusterView; onClose: () => void; onCreated: () => void }) {
  const api = useAdminApi();
  const [form, setForm] = useState({ name: '', type: 'signal' as JobType, user: '', priority: 'normal' as Priority, cron: '0 22 * * 1-5', timezone: '' });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const err = (k: string) => errors.filter((e) => e.path === k).map((e) => e.message).join('; ');
  async function save() {
    const parsed = CreateScheduleRequest.safeParse({ ...form, timezone: form.timezone || undefined, config: {} });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    const ok = await runWithFeedback(`Creating schedule ${form.name}`, async () => {
      const s = await api.createSchedule(cluster.id, parsed.data);
      return `Next run ${formatRelative(s.nextRunAt)}.`;
    });
    if (ok) {
      onCreated();
      onClose();
    }
  }
  const field = (key: keyof typeof form, label: string, input: React.ReactNode) => (
    <label className="field">
      <span className="field-label">{label}</span>
      {input}
      {err(key) ? <span className="field-error">{err(key)}</span> : null}
    </label>
  );
  const text = (key: 'name' | 'user' | 'cron' | 'timezone', placeholder: string) => (
    <input className="input" value={form[key]} placeholder={placeholder} aria-invalid={Boolean(err(key))} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
  );
  return (
    <Dialog
      title="New schedule"
      onClose={onClose}
      description="The job runs with its type's default configuration."
      footer={<DialogActions onClose={onClose} actionLabel="Create schedule" onAction={() => void save()} />}
    >
      <div className="form-grid">
        {field('name', 'Name', text('name', 'Nightly signals'))}
        {field(
          'type',
          'Job type',
          <select className="select" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value as JobType })}>
            {JOB_TYPES.map((t) => (
              <option key={t} value={t}>
                {JOB_TYPE_LABELS[t]}
              </option>
            ))}
          </select>,
        )}
        {field('user', 'User', text('user', 'svc-reports'))}
        {field(
          'priority',
          'Priority',
          <select className="select" value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value as Priority })}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>,
        )}
        {field('cron', 'Cron (minute hour day month weekday)', text('cron', '0 22 * * 1-5'))}
        {field('timezone', 'Time zone', text('timezone', 'UTC'))}
      </div>
    </Dialog>
  );
}
