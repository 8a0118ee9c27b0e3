/**
 * The user directory of one cluster: how a note about a job reaches its owner (the job's user)
 * when an operator stops, cancels or retries it with a note — email and SMS through the cluster's
 * first email and SMS channel, Slack through the user's own incoming webhook. The Slack URL is
 * write-only like a channel's secrets: shown as a hint, kept when an edit leaves it empty.
 */
import { useId, useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { fieldErrors, type FieldError } from '../../../contract/api.ts';
import { UserName } from '../../../contract/jobs.ts';
import { UserContactRequest, type UserContact } from '../../../contract/user-directory.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';

export function UserDirectoryPanel({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const q = useApiQuery(`alerts:users:${cluster.id}`, (a) => a.listAlertUsers(cluster.id), { enabled: cluster.status === 'online' });
  const [editing, setEditing] = useState<UserContact | 'new' | null>(null);
  return (
    <Panel
      title={`User directory of ${cluster.name}`}
      subtitle="How a note about a job reaches its owner (the job's user): email and SMS go through this cluster's first email and SMS channel, Slack through the user's own webhook."
      actions={
        <button type="button" className="btn btn-small" onClick={() => setEditing('new')}>
          Add user
        </button>
      }
    >
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={2} /> : null}
      {q.data && q.data.length === 0 ? <EmptyState title="Nobody in the directory yet." hint="Add the users whose jobs get notes, with an email, a phone number or a Slack webhook." /> : null}
      {q.data && q.data.length > 0 ? (
        <div className="table-wrap">
          <table className="grid" aria-label={`User directory of ${cluster.name}`}>
            <colgroup>
              <col style={{ width: '20%' }} />
              <col style={{ width: '28%' }} />
              <col style={{ width: 150 }} />
              <col />
              <col style={{ width: 150 }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col">Slack</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((u) => (
                <tr key={u.user}>
                  <td className="alert-wrap">{u.user}</td>
                  <td className="alert-wrap">{u.email ?? '—'}</td>
                  <td>{u.phone ?? '—'}</td>
                  <td className="alert-wrap">{u.slackWebhookUrlHint ?? '—'}</td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="btn btn-small" aria-label={`Edit user ${u.user}`} onClick={() => setEditing(u)}>
                        Edit
                      </button>
                      <ActionButton
                        small
                        label="Remove"
                        ariaLabel={`Remove user ${u.user}`}
                        feedbackTitle={`Removing ${u.user} from the directory of ${cluster.name}`}
                        confirm={{ title: `Remove ${u.user} from the directory of ${cluster.name}?`, body: 'Notes about their jobs can no longer reach them.', confirmLabel: 'Remove user' }}
                        run={async () => {
                          await api.deleteAlertUser(cluster.id, u.user);
                          q.refetch();
                          return `${u.user} removed.`;
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
      {editing ? <UserDialog key={editing === 'new' ? 'new' : editing.user} cluster={cluster} entry={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={q.refetch} /> : null}
    </Panel>
  );
}

/** Adds a user, or with `entry` edits one (the user name stays; an empty Slack field keeps the stored URL). */
function UserDialog({ cluster, entry, onClose, onSaved }: { cluster: ClusterView; entry: UserContact | null; onClose: () => void; onSaved: () => void }) {
  const api = useAdminApi();
  const id = useId();
  const [user, setUser] = useState(entry?.user ?? '');
  const [email, setEmail] = useState(entry?.email ?? '');
  const [phone, setPhone] = useState(entry?.phone ?? '');
  const [slack, setSlack] = useState('');
  const [removeSlack, setRemoveSlack] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const err = (k: string) => errors.filter((e) => e.path === k).map((e) => e.message).join('; ');

  async function save() {
    const name = UserName.safeParse(user.trim());
    const request = UserContactRequest.safeParse({
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(removeSlack ? { slackWebhookUrl: null } : slack.trim() ? { slackWebhookUrl: slack.trim() } : {}),
    });
    const problems = [...(name.success ? [] : name.error.issues.map((i) => ({ path: 'user', message: i.message }))), ...(request.success ? [] : fieldErrors(request.error))];
    const keepsSlack = Boolean(entry?.slackWebhookUrlHint) && !removeSlack;
    if (!email.trim() && !phone.trim() && !slack.trim() && !keepsSlack) problems.push({ path: 'email', message: 'give at least one way to reach them: an email, a phone number or a Slack webhook' });
    if (!name.success || !request.success || problems.length > 0) {
      setErrors(problems);
      return;
    }
    setErrors([]);
    const ok = await runWithFeedback(`Saving ${name.data} in the directory of ${cluster.name}`, async () => {
      const saved = await api.putAlertUser(cluster.id, name.data, request.data);
      const ways = [saved.email && 'email', saved.phone && 'SMS', saved.slackWebhookUrlHint && 'Slack'].filter(Boolean).join(', ');
      return `Notes about ${saved.user}'s jobs go by ${ways}.`;
    });
    if (ok) {
      onSaved();
      onClose();
    }
  }

  const field = (key: string, label: string, value: string, set: (v: string) => void, placeholder: string, extra: { disabled?: boolean; type?: string } = {}) => (
    <div className="field">
      <label className="field-label" htmlFor={`${id}-${key}`}>
        {label}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        type={extra.type ?? 'text'}
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        disabled={extra.disabled}
        aria-invalid={Boolean(err(key))}
        onChange={(e) => set(e.target.value)}
      />
      {err(key) ? <span className="field-error">{err(key)}</span> : null}
    </div>
  );

  return (
    <Dialog
      title={entry ? `Edit ${entry.user} on ${cluster.name}` : `Add a user on ${cluster.name}`}
      description="At least one way to reach them. The Slack webhook URL is never shown again once saved."
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()}>
            Save user
          </button>
        </>
      }
    >
      <div className="form-grid">
        {field('user', 'User (as jobs name them)', user, setUser, 'ana', { disabled: entry !== null })}
        {field('email', 'Email (optional)', email, setEmail, 'ana@example.com')}
        {field('phone', 'Phone for SMS (optional)', phone, setPhone, '+15551234567')}
        <div className="field">
          {field(
            'slackWebhookUrl',
            'Slack incoming webhook (optional, write-only)',
            slack,
            setSlack,
            entry?.slackWebhookUrlHint ? 'stored — leave empty to keep' : 'https://hooks.slack.com/services/T000/B000/XXXX',
            { disabled: removeSlack, type: 'password' },
          )}
          {entry?.slackWebhookUrlHint && !removeSlack ? <span className="field-hint">Stored: {entry.slackWebhookUrlHint}</span> : null}
          {entry?.slackWebhookUrlHint ? (
            <label className="check">
              <input type="checkbox" checked={removeSlack} onChange={(e) => (setRemoveSlack(e.target.checked), setSlack(''))} />
              Remove the stored Slack webhook
            </label>
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}
