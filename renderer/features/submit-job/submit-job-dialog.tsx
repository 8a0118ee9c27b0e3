/**
 * Submit job: cluster, type, user, priority, optional start time and attempts, and the type's
 * configuration fields — all validated with the contract's schemas before anything is sent.
 */
import { useState } from 'react';
import { fieldErrors, SubmitJobRequest, type FieldError } from '../../../contract/api.ts';
import { JOB_TYPE_INFO, JOB_TYPE_LABELS, JOB_TYPES, type JobType, type Priority } from '../../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../../contract/job-configs.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { ConfigForm, defaultConfig } from '../../components/config-form.tsx';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { PriorityOptions } from '../../components/job-actions.tsx';
import { useClusters } from '../../components/use-clusters.ts';
import { jobHref, navigate } from '../../app/router.ts';
import { runWithFeedback } from '../../store/toast-store.ts';
import { useUiStore } from '../../store/ui-store.ts';

/**
 * How many form fields the errors are on: a list field (symbols) reports each bad item
 * (`symbols.0`, `symbols.2`) and a field can break two rules, yet it is one field to fix.
 */
export function countFields(errors: readonly FieldError[]): number {
  return new Set(errors.map((e) => e.path.split('.').filter((part, i, all) => !all.slice(0, i + 1).some((p) => /^\d+$/.test(p))).join('.'))).size;
}

/** The Submit job dialog. */
export function SubmitJobDialog({ onClose }: { onClose: () => void }) {
  const api = useAdminApi();
  const clusters = useClusters().data ?? [];
  const scope = useUiStore((s) => s.clusterScope);
  const online = clusters.filter((c) => c.status === 'online');
  const [clusterId, setClusterId] = useState(scope !== 'all' ? scope : (online[0]?.id ?? ''));
  const [type, setType] = useState<JobType>('backtest');
  const [user, setUser] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [runAt, setRunAt] = useState('');
  const [attempts, setAttempts] = useState('');
  const [config, setConfig] = useState<Record<string, unknown>>(() => defaultConfig('backtest'));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [pending, setPending] = useState(false);
  const err = (k: string) => errors.filter((e) => e.path === k).map((e) => e.message).join('; ');
  const fieldsToFix = countFields(errors);

  async function submit() {
    const request = SubmitJobRequest.safeParse({
      type,
      user,
      priority,
      config,
      ...(runAt ? { runAt: new Date(runAt).toISOString() } : {}),
      ...(attempts ? { attempts: Number(attempts) } : {}),
    });
    const cfg = JOB_CONFIG_SCHEMAS[type].safeParse(config);
    const problems = [...(request.success ? [] : fieldErrors(request.error)), ...(cfg.success ? [] : fieldErrors(cfg.error))];
    if (!clusterId) problems.push({ path: 'cluster', message: 'no online cluster to submit to' });
    setErrors(problems);
    if (problems.length || !request.success) return;
    setPending(true);
    let created: { id: string } | null = null;
    const ok = await runWithFeedback(`Submitting a ${JOB_TYPE_LABELS[type]} job`, async () => {
      created = await api.submitJob(clusterId, request.data);
      return `Job ${(created as { id: string }).id} is queued.`;
    });
    setPending(false);
    if (ok && created) {
      onClose();
      navigate(jobHref(clusterId, (created as { id: string }).id));
    }
  }

  return (
    <Dialog
      title="Submit job"
      size="large"
      onClose={onClose}
      footer={<DialogActions onClose={onClose} actionLabel="Submit job" pending={pending} onAction={() => void submit()} />}
    >
      {errors.length ? (
        <p className="error-note" role="alert">
          {fieldsToFix === 1 ? 'One field needs fixing' : `${fieldsToFix} fields need fixing`} before the job can be submitted.
        </p>
      ) : null}
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Cluster</span>
          <select className="select" value={clusterId} onChange={(e) => setClusterId(e.target.value)} aria-invalid={Boolean(err('cluster'))}>
            {clusters.map((c) => (
              <option key={c.id} value={c.id} disabled={c.status !== 'online'}>
                {c.name}
                {c.status !== 'online' ? ` (${c.status})` : ''}
              </option>
            ))}
          </select>
          {err('cluster') ? <span className="field-error">{err('cluster')}</span> : null}
        </label>
        <label className="field">
          <span className="field-label">Job type</span>
          <select
            className="select"
            value={type}
            onChange={(e) => {
              const t = e.target.value as JobType;
              setType(t);
              setConfig(defaultConfig(t));
              setErrors([]);
            }}
          >
            {JOB_TYPES.map((t) => (
              <option key={t} value={t}>
                {JOB_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          <span className="field-hint">{JOB_TYPE_INFO[type].description}</span>
        </label>
        <label className="field">
          <span className="field-label">User</span>
          <input className="input" value={user} placeholder="alice" aria-invalid={Boolean(err('user'))} onChange={(e) => setUser(e.target.value)} />
          {err('user') ? <span className="field-error">{err('user')}</span> : null}
        </label>
        <label className="field">
          <span className="field-label">Priority</span>
          <select className="select" value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            <PriorityOptions />
          </select>
        </label>
        <label className="field">
          <span className="field-label">Start no earlier than (optional)</span>
          <input className="input" type="datetime-local" value={runAt} onChange={(e) => setRunAt(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Attempts (optional)</span>
          <input className="input" type="number" min={1} max={20} value={attempts} placeholder="cluster default" aria-invalid={Boolean(err('attempts'))} onChange={(e) => setAttempts(e.target.value)} />
          {err('attempts') ? <span className="field-error">{err('attempts')}</span> : <span className="field-hint">1 means no automatic retry</span>}
        </label>
      </div>
      <fieldset className="group config-group">
        <legend>{JOB_TYPE_LABELS[type]} configuration</legend>
        <ConfigForm key={type} type={type} value={config} onChange={setConfig} errors={errors} />
      </fieldset>
    </Dialog>
  );
}
