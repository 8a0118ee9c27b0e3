/**
 * Rules of one cluster: they are stored and evaluated on that cluster (admin token to change them).
 * Each row shows the rule's current value against its threshold from the cluster's readings; the
 * editor previews the same while a rule is typed.
 */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { ALERT_METRIC_INFO, ALERT_METRICS, alertRuleLabel, CreateAlertRuleRequest, formatAlertValue, type AlertMetric, type ClusterAlertRule } from '../../../contract/alerts.ts';
import { fieldErrors, type FieldError } from '../../../contract/api.ts';
import { JOB_TYPE_LABELS, JOB_TYPES } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { SeverityBadge } from './alert-list.tsx';
import { previewRule, type ClusterReadings, type RulePreviewInput } from './rule-preview.ts';

/** The cluster's readings a preview needs, refreshed while the page is open. */
function useReadings(cluster: ClusterView): ClusterReadings {
  const online = cluster.status === 'online';
  const summary = useApiQuery(`alerts:readings:summary:${cluster.id}`, (api) => api.getSummary([cluster.id]), { pollMs: 10_000, enabled: online });
  const workers = useApiQuery(`workers:${cluster.id}`, (api) => api.getWorkers(cluster.id), { pollMs: 10_000, enabled: online });
  const resources = useApiQuery(`alerts:readings:resources:${cluster.id}`, (api) => api.getResources(cluster.id, '15m'), { pollMs: 15_000, enabled: online });
  return { summary: summary.data?.clusters[0]?.summary ?? null, workers: workers.data ?? [], resources: resources.data ?? [] };
}

function PreviewLine({ rule, readings, clusterName }: { rule: RulePreviewInput; readings: ClusterReadings; clusterName: string }) {
  const p = previewRule(rule, readings);
  if (p.value === null) return <span className="alert-note">no reading on {clusterName} yet</span>;
  return (
    <span>
      {formatAlertValue(rule.metric, p.value)} <span className="alert-note">({p.where})</span> — {p.fires ? <strong>would fire</strong> : 'clear'}
    </span>
  );
}

export function RulesPanel({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const online = cluster.status === 'online';
  const q = useApiQuery(`alerts:rules:${cluster.id}`, (a) => a.listAlertRules(cluster.id), { enabled: online });
  const readings = useReadings(cluster);
  const [editing, setEditing] = useState<ClusterAlertRule | 'new' | null>(null);
  if (!online) {
    return (
      <Panel title={`Rules of ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Rules live on the cluster; they show and can be edited when it reconnects." />
      </Panel>
    );
  }
  return (
    <Panel
      title={`Rules of ${cluster.name}`}
      subtitle={`Stored and evaluated on ${cluster.name}; changing them needs an admin token. Current values come from ${cluster.name}'s readings.`}
      actions={
        <button type="button" className="btn btn-small" onClick={() => setEditing('new')}>
          New rule
        </button>
      }
    >
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={4} /> : null}
      {q.data && q.data.length === 0 ? <EmptyState title="No rules." hint="Add one: e.g. Queue > 100 jobs, Failure rate > 10%." /> : null}
      {q.data && q.data.length > 0 ? (
        <div className="table-wrap">
          <table className="grid" aria-label={`Alert rules of ${cluster.name}`}>
            <colgroup>
              <col />
              <col style={{ width: 92 }} />
              <col style={{ width: 110 }} />
              <col style={{ width: 230 }} />
              <col style={{ width: 80 }} />
              <col style={{ width: 140 }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
                <th scope="col">Fires after</th>
                <th scope="col">Now</th>
                <th scope="col">Enabled</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.name}
                    {r.name !== alertRuleLabel(r) ? <div className="alert-note">{alertRuleLabel(r)}</div> : null}
                  </td>
                  <td>
                    <SeverityBadge severity={r.severity} />
                  </td>
                  <td>{r.forSeconds === 0 ? 'at once' : `${r.forSeconds} s`}</td>
                  <td>
                    <PreviewLine rule={r} readings={readings} clusterName={cluster.name} />
                  </td>
                  <td>{r.enabled ? 'Yes' : 'No'}</td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="btn btn-small" aria-label={`Edit rule ${r.name}`} onClick={() => setEditing(r)}>
                        Edit
                      </button>
                      <ActionButton
                        small
                        label="Delete"
                        ariaLabel={`Delete rule ${r.name}`}
                        feedbackTitle={`Deleting rule ${r.name} on ${cluster.name}`}
                        confirm={{ title: `Delete rule “${r.name}” on ${cluster.name}?`, body: 'Its firing alerts resolve and it stops notifying.', confirmLabel: 'Delete rule' }}
                        run={async () => {
                          await api.deleteAlertRule(cluster.id, r.id);
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
      {editing ? <RuleDialog cluster={cluster} rule={editing === 'new' ? null : editing} readings={readings} onClose={() => setEditing(null)} onSaved={q.refetch} /> : null}
    </Panel>
  );
}

interface RuleForm {
  name: string;
  metric: AlertMetric;
  queue: string;
  node: string;
  op: 'above' | 'below';
  threshold: string;
  clearThreshold: string;
  forSeconds: string;
  severity: 'warning' | 'critical';
  channels: string[];
  repeatMinutes: string;
  enabled: boolean;
}

/** Ratios are typed as percentages: "10" means 10%. */
const typedScale = (metric: AlertMetric) => (ALERT_METRIC_INFO[metric].unit === 'ratio' ? 100 : ALERT_METRIC_INFO[metric].unit === 'ms' ? 1 / 60_000 : 1);
const unitWord = (metric: AlertMetric) => ({ jobs: 'jobs', count: '', ms: 'min', 'jobs/min': 'jobs/min', ratio: '%', percent: '%' })[ALERT_METRIC_INFO[metric].unit];

function formOf(rule: ClusterAlertRule | null): RuleForm {
  const metric = rule?.metric ?? 'queueLength';
  const shown = (v: number | undefined) => (v === undefined ? '' : String(Number((v * typedScale(metric)).toFixed(4))));
  return {
    name: rule?.name ?? '',
    metric,
    queue: rule?.queue ?? '',
    node: rule?.node ?? '',
    op: rule?.op ?? 'above',
    threshold: shown(rule?.threshold ?? 100),
    clearThreshold: shown(rule?.clearThreshold),
    forSeconds: String(rule?.forSeconds ?? 60),
    severity: rule?.severity ?? 'warning',
    channels: rule?.channels ?? [],
    repeatMinutes: String(rule?.repeatMinutes ?? 240),
    enabled: rule?.enabled ?? true,
  };
}

function RuleDialog({ cluster, rule, readings, onClose, onSaved }: { cluster: ClusterView; rule: ClusterAlertRule | null; readings: ClusterReadings; onClose: () => void; onSaved: () => void }) {
  const api = useAdminApi();
  const channels = useApiQuery(`alerts:channels:${cluster.id}`, (a) => a.listAlertChannels(cluster.id));
  const [form, setForm] = useState<RuleForm>(() => formOf(rule));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const scope = ALERT_METRIC_INFO[form.metric].scope;
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const scale = typedScale(form.metric);
  const threshold = num(form.threshold);
  const clear = num(form.clearThreshold);
  const draft = {
    name: form.name.trim() || (threshold !== undefined ? alertRuleLabel({ metric: form.metric, op: form.op, threshold: threshold / scale, queue: form.queue || undefined, node: form.node || undefined }) : ''),
    metric: form.metric,
    ...(scope === 'queue' && form.queue ? { queue: form.queue } : {}),
    ...(scope === 'node' && form.node ? { node: form.node } : {}),
    op: form.op,
    threshold: threshold === undefined ? Number.NaN : threshold / scale,
    ...(clear !== undefined ? { clearThreshold: clear / scale } : {}),
    forSeconds: num(form.forSeconds) ?? 60,
    severity: form.severity,
    channels: form.channels,
    repeatMinutes: num(form.repeatMinutes) ?? 240,
    enabled: form.enabled,
  };
  const err = (k: string) => errors.filter((e) => e.path === k).map((e) => e.message).join('; ');
  const preview = Number.isFinite(draft.threshold) ? previewRule(draft, readings) : null;

  /** Numbers typed in words that the contract would only call "NaN". */
  function typingProblems(): FieldError[] {
    const problems: FieldError[] = [];
    const check = (path: string, text: string, ok: (n: number) => boolean, message: string) => {
      if (text.trim() !== '' && !ok(Number(text))) problems.push({ path, message });
    };
    check('threshold', form.threshold.trim() === '' ? 'x' : form.threshold, Number.isFinite, `a number${unitWord(form.metric) ? ` in ${unitWord(form.metric)}` : ''}, e.g. ${formOf(null).threshold}`);
    check('clearThreshold', form.clearThreshold, Number.isFinite, 'a number, or leave it empty');
    check('forSeconds', form.forSeconds, Number.isInteger, 'a whole number of seconds, e.g. 60 (0 fires at once)');
    check('repeatMinutes', form.repeatMinutes, Number.isInteger, 'a whole number of minutes, e.g. 240 (0 notifies once)');
    return problems;
  }

  async function save() {
    const typed = typingProblems();
    if (typed.length > 0) {
      setErrors(typed);
      return;
    }
    const parsed = CreateAlertRuleRequest.safeParse(draft);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    const ok = await runWithFeedback(`${rule ? 'Saving' : 'Creating'} rule ${draft.name} on ${cluster.name}`, async () => {
      const saved = rule ? await api.updateAlertRule(cluster.id, rule.id, parsed.data) : await api.createAlertRule(cluster.id, parsed.data);
      return `${alertRuleLabel(saved)} is ${saved.enabled ? 'active' : 'switched off'} on ${cluster.name}.`;
    });
    if (ok) {
      onSaved();
      onClose();
    }
  }

  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => setForm({ ...form, [k]: v });
  const field = (key: string, label: string, input: React.ReactNode) => (
    <label className="field">
      <span className="field-label">{label}</span>
      {input}
      {err(key) ? <span className="field-error">{err(key)}</span> : null}
    </label>
  );
  return (
    <Dialog
      title={rule ? `Edit rule on ${cluster.name}` : `New rule on ${cluster.name}`}
      description={`The rule is stored and evaluated on ${cluster.name} (admin token).`}
      onClose={onClose}
      size="large"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="button" className="btn btn-primary" onClick={() => void save()}>
            {rule ? 'Save rule' : 'Create rule'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        {field('name', 'Name', <input className="input" value={form.name} placeholder={draft.name || 'Queue > 100 jobs'} onChange={(e) => set('name', e.target.value)} />)}
        {field(
          'metric',
          'Metric',
          <select className="select" value={form.metric} onChange={(e) => setForm({ ...form, metric: e.target.value as AlertMetric, queue: '', node: '' })}>
            {ALERT_METRICS.map((m) => (
              <option key={m} value={m}>
                {ALERT_METRIC_INFO[m].description}
              </option>
            ))}
          </select>,
        )}
        {scope === 'queue'
          ? field(
              'queue',
              'Queue',
              <select className="select" value={form.queue} onChange={(e) => set('queue', e.target.value)}>
                <option value="">Each queue</option>
                {JOB_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {JOB_TYPE_LABELS[t]}
                  </option>
                ))}
              </select>,
            )
          : null}
        {scope === 'node' ? field('node', 'Node (empty: each node)', <input className="input" value={form.node} placeholder="worker-2" onChange={(e) => set('node', e.target.value)} />) : null}
        {field(
          'op',
          'Fires when the value is',
          <select className="select" value={form.op} onChange={(e) => set('op', e.target.value as 'above' | 'below')}>
            <option value="above">above the threshold</option>
            <option value="below">below the threshold</option>
          </select>,
        )}
        {field('threshold', `Threshold${unitWord(form.metric) ? ` (${unitWord(form.metric)})` : ''}`, <input className="input" inputMode="decimal" value={form.threshold} aria-invalid={Boolean(err('threshold'))} onChange={(e) => set('threshold', e.target.value)} />)}
        {field('clearThreshold', 'Resolves only past (optional)', <input className="input" inputMode="decimal" value={form.clearThreshold} aria-invalid={Boolean(err('clearThreshold'))} onChange={(e) => set('clearThreshold', e.target.value)} />)}
        {field('forSeconds', 'Must hold for (s)', <input className="input" inputMode="numeric" value={form.forSeconds} onChange={(e) => set('forSeconds', e.target.value)} />)}
        {field(
          'severity',
          'Severity',
          <select className="select" value={form.severity} onChange={(e) => set('severity', e.target.value as 'warning' | 'critical')}>
            <option value="warning">Warning</option>
            <option value="critical">Critical (native notification)</option>
          </select>,
        )}
        {field('repeatMinutes', 'Notify again every (min, 0 = once)', <input className="input" inputMode="numeric" value={form.repeatMinutes} onChange={(e) => set('repeatMinutes', e.target.value)} />)}
        <fieldset className="field">
          <legend className="field-label">Channels</legend>
          {(channels.data ?? []).length === 0 ? <span className="alert-note">No channels on {cluster.name} yet: add them on the Channels tab. The banner and this app show alerts anyway.</span> : null}
          {(channels.data ?? []).map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={form.channels.includes(c.id)}
                onChange={(e) => set('channels', e.target.checked ? [...form.channels, c.id] : form.channels.filter((x) => x !== c.id))}
              />
              {c.name} ({c.kind})
            </label>
          ))}
          {err('channels') ? <span className="field-error">{err('channels')}</span> : null}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          Enabled
        </label>
      </div>
      <div className={`rule-preview ${preview?.fires ? 'rule-preview-fires' : preview && preview.value !== null ? 'rule-preview-clear' : ''}`} role="status" aria-label="Preview">
        {preview === null ? (
          'Enter a threshold to see the rule against the current value.'
        ) : preview.value === null ? (
          `No current reading for this metric on ${cluster.name}.`
        ) : (
          <>
            Now on {cluster.name} ({preview.where}): <strong>{formatAlertValue(form.metric, preview.value)}</strong> against {form.op} {formatAlertValue(form.metric, draft.threshold)} —{' '}
            {preview.fires ? `it would fire${draft.forSeconds > 0 ? ` after holding for ${draft.forSeconds} s` : ' at once'}.` : 'clear.'}
          </>
        )}
      </div>
    </Dialog>
  );
}
