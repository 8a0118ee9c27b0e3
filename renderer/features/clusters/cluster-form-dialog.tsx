/**
 * Add or edit a cluster, with "Test connection" before saving. The token is write-only (kept in the
 * secret store). Moving a cluster to another URL asks for its token again, or for an explicit tick
 * to send the stored one there: whoever runs the new address receives it.
 */
import { useState } from 'react';
import { ClusterInput, type ClusterView, type ConnectionTestResult } from '../../../contract/admin-api.ts';
import { fieldErrors, type FieldError } from '../../../contract/api.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';

/** Where the token of a new cluster will be kept, as the app reports it; never in settings. */
function tokenHint(description: string | undefined): string {
  return description ? `Kept ${description}; never in settings.` : 'Never kept in settings.';
}

/** Whether two cluster URLs name the same address (`https://h:1` and `https://h:1/` do). */
function sameAddress(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a.trim() === b.trim();
  }
}

/** The add/edit dialog; `cluster` set means edit. */
export function ClusterFormDialog({ cluster, onClose }: { cluster?: ClusterView; onClose: () => void }) {
  const api = useAdminApi();
  // Where a token goes differs by mode (OS keychain, a file only you can read, this session only).
  const storage = useApiQuery('token-storage', (a) => a.getTokenStorage());
  const [form, setForm] = useState({ name: cluster?.name ?? '', url: cluster?.url ?? 'https://', token: '', caCertificate: '', colour: cluster?.colour ?? '#4f7cff', keepToken: false });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [test, setTest] = useState<ConnectionTestResult | { ok: false; message: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const err = (k: string) => errors.filter((e) => e.path === k).map((e) => e.message).join('; ');
  /** An edit that moves the cluster without a new token: the stored one would go to the new URL. */
  const movesStoredToken = cluster !== undefined && !sameAddress(form.url, cluster.url) && !form.token;

  function input() {
    const raw = { name: form.name, url: form.url, colour: form.colour, ...(form.token ? { token: form.token } : {}), ...(form.caCertificate.trim() ? { caCertificate: form.caCertificate } : {}) };
    const parsed = ClusterInput.safeParse(raw);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return null;
    }
    if (!cluster && !form.token) {
      setErrors([{ path: 'token', message: 'a token: create one on the cluster with `npx sigmatiq-cluster token create --role admin`' }]);
      return null;
    }
    setErrors([]);
    return parsed.data;
  }

  async function runTest() {
    const data = input();
    if (!data) return;
    setTesting(true);
    try {
      setTest(await api.testConnection(data));
    } catch (e) {
      setTest({ ok: false, message: errorMessage(e) });
    } finally {
      setTesting(false);
    }
  }

  async function save() {
    const data = input();
    if (!data) return;
    if (movesStoredToken && !form.keepToken) {
      setErrors([{ path: 'token', message: `a new URL needs the token again — or tick "Send the stored token to ${form.url}"` }]);
      return;
    }
    const ok = await runWithFeedback(cluster ? `Saving ${data.name}` : `Adding ${data.name}`, async () => {
      const saved = cluster ? await api.updateCluster(cluster.id, { ...data, ...(movesStoredToken ? { keepToken: true as const } : {}) }) : await api.addCluster(data);
      return `${saved.name}: ${saved.status}.`;
    });
    if (ok) onClose();
  }

  const field = (key: keyof typeof form, label: string, control: React.ReactNode, hint?: string, span = false) => (
    <label className={`field${span ? ' span-2' : ''}`}>
      <span className="field-label">{label}</span>
      {control}
      {err(key) ? <span className="field-error">{err(key)}</span> : hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
  const text = (key: 'name' | 'url' | 'token', type = 'text', placeholder = '') => (
    <input className="input" type={type} value={form[key]} placeholder={placeholder} aria-invalid={Boolean(err(key))} onChange={(e) => setForm({ ...form, [key]: e.target.value })} autoComplete="off" />
  );
  return (
    <Dialog
      title={cluster ? `Edit ${cluster.name}` : 'Add cluster'}
      onClose={onClose}
      footer={
        <DialogActions
          extra={
            <button type="button" className="btn" onClick={() => void runTest()} aria-busy={testing || undefined}>
              {testing ? <span className="spinner" aria-hidden="true" /> : null}
              Test connection
            </button>
          }
          onClose={onClose}
          actionLabel={cluster ? 'Save' : 'Add cluster'}
          onAction={() => void save()}
        />
      }
    >
      <div className="form-grid">
        {field('name', 'Name', text('name', 'text', 'Production'))}
        {field('colour', 'Colour', <input className="input input-colour" type="color" value={form.colour} onChange={(e) => setForm({ ...form, colour: e.target.value })} />)}
        {field('url', 'URL', text('url', 'url', 'https://jobs.example.com:7420'), 'The cluster API, as printed by `sigmatiq-cluster serve`.', true)}
        {field('token', 'Token', text('token', 'password', cluster ? 'unchanged' : ''), cluster ? 'Leave empty to keep the stored token.' : tokenHint(storage.data?.description), true)}
        {movesStoredToken ? (
          <div className="field span-2">
            <label className="check">
              <input type="checkbox" className="checkbox" checked={form.keepToken} onChange={(e) => setForm({ ...form, keepToken: e.target.checked })} />
              Send the stored token to the new address
            </label>
            <span className="field-hint">Whoever runs {form.url} receives the token of {cluster.name}. If you are not sure, leave this off and enter the token.</span>
          </div>
        ) : null}
        {field(
          'caCertificate',
          'CA certificate (PEM, optional)',
          <textarea className="textarea" rows={3} value={form.caCertificate} placeholder="-----BEGIN CERTIFICATE-----" onChange={(e) => setForm({ ...form, caCertificate: e.target.value })} />,
          'Only for clusters with a self-signed TLS certificate.',
          true,
        )}
      </div>
      {test ? (
        <p className={test.ok ? 'test-ok' : 'error-note'} role="status">
          {test.ok ? '✓ ' : ''}
          {test.message}
        </p>
      ) : null}
    </Dialog>
  );
}
