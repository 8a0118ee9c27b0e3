/**
 * Channels of one cluster (where its alerts are delivered: email, Slack, SMS, webhook), with
 * add, edit, Send test, the user directory that notes to a job's owner go through, and the
 * delivery log. Secrets are write-only: the cluster never answers them back, so the list shows
 * only that a password or secret is set, and an edit that leaves a secret's field empty keeps the
 * stored one.
 */
import { useId, useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { ALERT_CHANNEL_KINDS, CreateAlertChannelRequest, UpdateAlertChannelRequest, type AlertChannel, type AlertChannelKind } from '../../../contract/alert-channels.ts';
import { fieldErrors, type FieldError } from '../../../contract/api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { formatFullTime, formatRelative } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { UserDirectoryPanel } from './user-directory-panel.tsx';

export const CHANNEL_KIND_LABELS: Record<AlertChannelKind, string> = { email: 'Email (SMTP)', slack: 'Slack', sms: 'SMS (Twilio)', webhook: 'Webhook' };

/** Where a channel delivers, without its secrets. */
function targetOf(c: AlertChannel): string {
  switch (c.kind) {
    case 'email':
      return `${c.to.join(', ')} via ${c.host}:${c.port}${c.passwordSet ? ' (password set)' : ''}`;
    case 'slack':
      return c.webhookUrlHint;
    case 'sms':
      return `${c.to.join(', ')} from ${c.from}`;
    case 'webhook':
      return `${c.urlHint}${c.secretSet ? ' (signed)' : ''}`;
  }
}

export function ChannelsPanel({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const online = cluster.status === 'online';
  const q = useApiQuery(`alerts:channels:${cluster.id}`, (a) => a.listAlertChannels(cluster.id), { enabled: online });
  const log = useApiQuery(`alerts:deliveries:${cluster.id}`, (a) => a.listAlertDeliveries(cluster.id, { limit: 50 }), { enabled: online, pollMs: 10_000 });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<AlertChannel | null>(null);
  if (!online) {
    return (
      <Panel title={`Channels of ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Channels live on the cluster; they show when it reconnects." />
      </Panel>
    );
  }
  const names = new Map((q.data ?? []).map((c) => [c.id, c.name]));
  return (
    <div className="alerts-stack">
      <Panel
        title={`Channels of ${cluster.name}`}
        subtitle={`${cluster.name} sends its alerts to these (admin token to change them). Passwords, tokens and webhook URLs are never shown again once saved.`}
        actions={
          <button type="button" className="btn btn-small" onClick={() => setAdding(true)}>
            Add channel
          </button>
        }
      >
        {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
        {!q.data && !q.error ? <LoadingRows rows={2} /> : null}
        {q.data && q.data.length === 0 ? <EmptyState title="No channels yet." hint="Add an email, Slack, SMS or webhook channel, then Send test to check it." /> : null}
        {q.data && q.data.length > 0 ? (
          <div className="table-wrap">
            <table className="grid" aria-label={`Alert channels of ${cluster.name}`}>
              <colgroup>
                <col style={{ width: '24%' }} />
                <col style={{ width: 120 }} />
                <col />
                <col style={{ width: 240 }} />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Delivers to</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {q.data.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{CHANNEL_KIND_LABELS[c.kind]}</td>
                    <td className="alert-message">{targetOf(c)}</td>
                    <td>
                      <div className="row-actions">
                        <ActionButton
                          small
                          label="Send test"
                          ariaLabel={`Send a test to ${c.name}`}
                          feedbackTitle={`Sending a test to ${c.name}`}
                          run={async () => {
                            const r = await api.testAlertChannel(cluster.id, c.id);
                            log.refetch();
                            return r.message;
                          }}
                        />
                        <button type="button" className="btn btn-small" aria-label={`Edit channel ${c.name}`} onClick={() => setEditing(c)}>
                          Edit
                        </button>
                        <ActionButton
                          small
                          label="Delete"
                          ariaLabel={`Delete channel ${c.name}`}
                          feedbackTitle={`Deleting channel ${c.name}`}
                          confirm={{ title: `Delete channel “${c.name}” on ${cluster.name}?`, body: 'Rules that notify it stop sending there.', confirmLabel: 'Delete channel' }}
                          run={async () => {
                            await api.deleteAlertChannel(cluster.id, c.id);
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
        {adding ? <ChannelDialog cluster={cluster} onClose={() => setAdding(false)} onSaved={q.refetch} /> : null}
        {editing ? <ChannelDialog key={editing.id} cluster={cluster} channel={editing} onClose={() => setEditing(null)} onSaved={q.refetch} /> : null}
      </Panel>
      <UserDirectoryPanel cluster={cluster} />
      <Panel title={`Delivery log of ${cluster.name}`} subtitle="Each attempt to send, newest first; failures say why in words.">
        {log.error && !log.data ? <ErrorNote message={log.error.message} onRetry={log.refetch} /> : null}
        {!log.data && !log.error ? <LoadingRows rows={2} /> : null}
        {log.data && log.data.items.length === 0 ? <EmptyState title="Nothing sent yet." hint="Deliveries show here when an alert fires or resolves, and after Send test." /> : null}
        {log.data && log.data.items.length > 0 ? (
          <div className="table-wrap">
            <table className="grid" aria-label={`Delivery log of ${cluster.name}`}>
              <colgroup>
                <col style={{ width: 120 }} />
                <col style={{ width: '22%' }} />
                <col style={{ width: 90 }} />
                <col style={{ width: 70 }} />
                <col style={{ width: 90 }} />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Channel</th>
                  <th scope="col">What</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Result</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((d) => (
                  <tr key={d.id}>
                    <td title={formatFullTime(d.at)}>{formatRelative(d.at)}</td>
                    <td>{d.channelName ?? (d.channelId ? names.get(d.channelId) ?? d.channelId : d.user ? `user ${d.user}` : '—')}</td>
                    <td>{d.kind}</td>
                    <td className="num">{d.attempt}</td>
                    <td>
                      <span className={`badge ${d.result === 'sent' ? 'level-good' : d.result === 'failed' ? 'level-critical' : 'level-warning'}`}>{d.result}</span>
                    </td>
                    <td className="alert-message">{d.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
    </div>
  );
}

type Form = Record<string, string> & { kind: AlertChannelKind };
const list = (s: string | undefined) => (s ?? '').split(/[,\s]+/).filter(Boolean);

/** The request the form makes, before the contract checks it. */
function requestOf(f: Form): unknown {
  const opt = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  switch (f.kind) {
    case 'email':
      return { name: f.name, kind: 'email', host: f.host, port: Number(f.port || 587), ...(f.secure === 'yes' ? { secure: true } : {}), ...(opt(f.username) ? { username: opt(f.username) } : {}), ...(opt(f.password) ? { password: f.password } : {}), from: f.from, to: list(f.to) };
    case 'slack':
      return { name: f.name, kind: 'slack', webhookUrl: f.webhookUrl };
    case 'sms':
      return { name: f.name, kind: 'sms', provider: 'twilio', ...(opt(f.apiBaseUrl) ? { apiBaseUrl: opt(f.apiBaseUrl) } : {}), accountSid: f.accountSid, authToken: f.authToken, from: f.from, to: list(f.to) };
    case 'webhook':
      return { name: f.name, kind: 'webhook', url: f.url, ...(opt(f.secret) ? { secret: f.secret } : {}) };
  }
}

/** The form of a stored channel: what the cluster answers back (secrets' fields start empty). */
function formOf(c: AlertChannel): Form {
  switch (c.kind) {
    case 'email':
      return { kind: 'email', name: c.name, host: c.host, port: String(c.port), secure: c.secure ? 'yes' : '', username: c.username ?? '', from: c.from, to: c.to.join(', ') };
    case 'slack':
      return { kind: 'slack', name: c.name };
    case 'sms':
      return { kind: 'sms', name: c.name, accountSid: c.accountSid, from: c.from, to: c.to.join(', '), apiBaseUrl: c.apiBaseUrl ?? '' };
    case 'webhook':
      return { kind: 'webhook', name: c.name };
  }
}

/** Secrets the cluster keeps when an edit leaves their field empty; `removable` ones can also be removed. */
const SECRET_FIELDS: Record<AlertChannelKind, { key: string; removable: boolean }[]> = {
  email: [{ key: 'password', removable: true }],
  slack: [{ key: 'webhookUrl', removable: false }],
  sms: [{ key: 'authToken', removable: false }],
  webhook: [
    { key: 'url', removable: false },
    { key: 'secret', removable: true },
  ],
};

/** What is stored for a secret, as the channel may say it: "set", a URL hint, or nothing. */
function storedSecret(c: AlertChannel, key: string): string | null {
  if (c.kind === 'email' && key === 'password') return c.passwordSet ? 'set' : null;
  if (c.kind === 'slack' && key === 'webhookUrl') return c.webhookUrlHint;
  if (c.kind === 'sms' && key === 'authToken') return 'set';
  if (c.kind === 'webhook' && key === 'url') return c.urlHint;
  if (c.kind === 'webhook' && key === 'secret') return c.secretSet ? 'set' : null;
  return null;
}

/** The update the form makes: a secret's empty field keeps the stored one; a removed one is null. */
function updateOf(f: Form, removed: ReadonlySet<string>): unknown {
  const request = requestOf(f) as Record<string, unknown>;
  for (const { key } of SECRET_FIELDS[f.kind]) {
    if (removed.has(key)) request[key] = null;
    else if (!f[key]?.trim()) delete request[key];
  }
  return request;
}

const FIELDS: Record<AlertChannelKind, [key: string, label: string, placeholder: string, secret?: boolean][]> = {
  email: [
    ['host', 'SMTP host', 'smtp.example.com'],
    ['port', 'Port', '587'],
    ['username', 'User name (optional)', 'alerts@example.com'],
    ['password', 'Password (optional, write-only)', '', true],
    ['from', 'From', 'Sigmatiq <alerts@example.com>'],
    ['to', 'To (comma-separated)', 'oncall@example.com'],
  ],
  slack: [['webhookUrl', 'Incoming webhook URL (write-only)', 'https://hooks.slack.com/services/T000/B000/XXXX', true]],
  sms: [
    ['accountSid', 'Twilio Account SID', 'AC…'],
    ['authToken', 'Auth token (write-only)', '', true],
    ['from', 'From number', '+15551234567'],
    ['to', 'To numbers (comma-separated)', '+15557654321'],
    ['apiBaseUrl', 'API base URL (optional)', 'https://api.twilio.com'],
  ],
  webhook: [
    ['url', 'URL', 'https://ops.example.com/hooks/sigmatiq'],
    ['secret', 'Signing secret (optional, write-only, 16+ characters)', '', true],
  ],
};

/** Adds a channel, or with `channel` edits that one (its kind stays; secrets left empty stay as stored). */
function ChannelDialog({ cluster, channel, onClose, onSaved }: { cluster: ClusterView; channel?: AlertChannel; onClose: () => void; onSaved: () => void }) {
  const api = useAdminApi();
  const [form, setForm] = useState<Form>(() => (channel ? formOf(channel) : { kind: 'email', name: '', port: '587' }));
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<FieldError[]>([]);
  const err = (k: string) => errors.filter((e) => e.path === k || e.path.startsWith(`${k}.`)).map((e) => e.message).join('; ');
  const secrets = new Map(SECRET_FIELDS[form.kind].map((f) => [f.key, f]));
  const formId = useId();
  async function save() {
    if (channel) {
      const parsed = UpdateAlertChannelRequest.safeParse(updateOf(form, removed));
      if (!parsed.success) {
        setErrors(fieldErrors(parsed.error));
        return;
      }
      const ok = await runWithFeedback(`Saving channel ${form.name} on ${cluster.name}`, async () => {
        const c = await api.updateAlertChannel(cluster.id, channel.id, parsed.data);
        return `${c.name} saved: use Send test to check it.`;
      });
      if (ok) {
        onSaved();
        onClose();
      }
      return;
    }
    const parsed = CreateAlertChannelRequest.safeParse(requestOf(form));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    const ok = await runWithFeedback(`Adding channel ${form.name} on ${cluster.name}`, async () => {
      const c = await api.createAlertChannel(cluster.id, parsed.data);
      return `${c.name} added: use Send test to check it.`;
    });
    if (ok) {
      onSaved();
      onClose();
    }
  }
  return (
    <Dialog
      title={channel ? `Edit channel “${channel.name}” on ${cluster.name}` : `Add a channel on ${cluster.name}`}
      description={
        channel
          ? 'Secrets are never shown again: leave a secret’s field empty to keep the stored one, or type a new one to replace it.'
          : `${cluster.name} sends alerts through it; secrets are stored on the cluster and never shown again.`
      }
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()}>
            {channel ? 'Save channel' : 'Add channel'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Kind</span>
          <select className="select" value={form.kind} disabled={channel !== undefined} title={channel ? 'A channel’s kind cannot change: delete it and add another' : undefined} onChange={(e) => (setForm({ kind: e.target.value as AlertChannelKind, name: form.name ?? '', ...(e.target.value === 'email' ? { port: '587' } : {}) }), setErrors([]))}>
            {ALERT_CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={form.name ?? ''} placeholder="On-call" aria-invalid={Boolean(err('name'))} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          {err('name') ? <span className="field-error">{err('name')}</span> : null}
        </label>
        {FIELDS[form.kind].map(([key, label, placeholder, secret]) => {
          const kept = channel && secrets.has(key) ? storedSecret(channel, key) : null;
          const gone = removed.has(key);
          return (
            <div key={key} className="field">
              <label className="field-label" htmlFor={`${formId}-${key}`}>
                {label}
              </label>
              <input
                id={`${formId}-${key}`}
                className="input"
                type={secret ? 'password' : 'text'}
                autoComplete="off"
                value={form[key] ?? ''}
                placeholder={kept ? 'stored — leave empty to keep' : placeholder}
                disabled={gone}
                aria-invalid={Boolean(err(key))}
                onChange={(e) => setForm({ ...form, [key]: e.target.value })}
              />
              {kept && kept !== 'set' && !gone ? <span className="field-hint">Stored: {kept}</span> : null}
              {kept && secrets.get(key)?.removable ? (
                <label className="check">
                  <input type="checkbox" checked={gone} onChange={(e) => (setRemoved(toggled(removed, key, e.target.checked)), setForm({ ...form, [key]: '' }))} />
                  Remove the stored {key === 'password' ? 'password' : 'signing secret'}
                </label>
              ) : null}
              {err(key) ? <span className="field-error">{err(key)}</span> : null}
            </div>
          );
        })}
        {form.kind === 'email' ? (
          <label className="check">
            <input type="checkbox" checked={form.secure === 'yes'} onChange={(e) => setForm({ ...form, secure: e.target.checked ? 'yes' : '' })} />
            TLS from the start (port 465); otherwise STARTTLS when offered
          </label>
        ) : null}
      </div>
    </Dialog>
  );
}

function toggled(set: ReadonlySet<string>, key: string, on: boolean): ReadonlySet<string> {
  const next = new Set(set);
  if (on) next.add(key);
  else next.delete(key);
  return next;
}
