/** Settings: theme, cache retention, notifications, the local cluster, thresholds and alert rules. */
import { useState } from 'react';
import { type Settings, SettingsPatch } from '../../../contract/admin-api.ts';
import { describeZodError } from '../../../contract/api.ts';
import { DEFAULT_ALERT_RULES, DEFAULT_THRESHOLDS, METRICS, type AlertRule, type MetricName, type Thresholds } from '../../../contract/thresholds.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { settingsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { MovedAsideCaches } from '../cache/cache-health.tsx';
import { humanize } from '../../components/format.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { fromDisplay, ruleLabel, ruleSubject, thresholdProblems, toDisplay, unitOf } from './threshold-units.ts';

const METRIC_LABELS: Record<MetricName, string> = {
  queueLength: 'Queue Length (jobs)',
  waitTimeMs: 'Wait Time (minutes)',
  processingRatePerMin: 'Processing Rate (jobs/min, lower is worse)',
  failureRate: 'Failure Rate (%)',
  cpuPercent: 'CPU (%)',
  memoryPercent: 'Memory (%)',
  diskIoPercent: 'Disk I/O (%)',
  networkPercent: 'Network (%)',
};

/** The Settings page. */
export function SettingsPage() {
  const q = useApiQuery('settings', (api) => api.getSettings(), { refreshOn: settingsStale });
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="Stored on this machine; thresholds colour the dashboard and drive alerts." />
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={6} /> : null}
      {q.data ? <SettingsForm key={JSON.stringify(q.data)} settings={q.data} /> : null}
      <MovedAsideCaches />
    </div>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const api = useAdminApi();
  const [draft, setDraft] = useState<Settings>({ ...settings, thresholds: settings.thresholds ?? DEFAULT_THRESHOLDS, alertRules: settings.alertRules ?? [...DEFAULT_ALERT_RULES] });
  const [error, setError] = useState<string | null>(null);
  const thresholds = draft.thresholds as Thresholds;
  const rules = draft.alertRules as AlertRule[];

  function save(patch: Partial<Settings>) {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) {
      setError(describeZodError(parsed.error));
      return;
    }
    setError(null);
    void runWithFeedback('Saving settings', async () => {
      await api.updateSettings(parsed.data);
      return 'Saved.';
    });
  }

  return (
    <>
      {error ? (
        <p className="error-note" role="alert">
          {error}
        </p>
      ) : null}
      <div className="settings-grid">
        <Panel title="Appearance">
          <div className="field">
            <span className="field-label" id="theme-label">
              Theme
            </span>
            <Segmented
              label="Theme"
              options={[
                { key: 'system', label: 'Follow the system' },
                { key: 'light', label: 'Light' },
                { key: 'dark', label: 'Dark' },
              ]}
              value={draft.theme}
              onChange={(theme) => {
                setDraft({ ...draft, theme });
                save({ theme });
              }}
            />
          </div>
        </Panel>
        <Panel title="Cache and notifications">
          <div className="form-grid">
            <label className="field">
              <span className="field-label">Keep finished jobs (days)</span>
              <input className="input" type="number" min={1} max={3650} value={draft.retentionDays} onChange={(e) => setDraft({ ...draft, retentionDays: Number(e.target.value) })} onBlur={() => save({ retentionDays: draft.retentionDays })} />
            </label>
            <label className="switch">
              <input type="checkbox" role="switch" checked={draft.notificationsEnabled} onChange={(e) => (setDraft({ ...draft, notificationsEnabled: e.target.checked }), save({ notificationsEnabled: e.target.checked }))} />
              <span>Desktop notifications for alerts</span>
            </label>
            <label className="switch">
              <input type="checkbox" role="switch" checked={draft.localClusterEnabled} onChange={(e) => (setDraft({ ...draft, localClusterEnabled: e.target.checked }), save({ localClusterEnabled: e.target.checked }))} />
              <span>Run the local embedded cluster</span>
            </label>
          </div>
        </Panel>
      </div>
      <Panel
        title="Thresholds"
        subtitle="Warning and critical boundaries of each metric"
        actions={
          <>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setDraft({ ...draft, thresholds: DEFAULT_THRESHOLDS })}>
              Reset to defaults
            </button>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => {
                const problems = thresholdProblems(thresholds, (m) => METRIC_LABELS[m]);
                if (problems.length) setError(`The thresholds were not saved. ${problems.join(' ')}`);
                else save({ thresholds });
              }}
            >
              Save thresholds
            </button>
          </>
        }
      >
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
                        value={toDisplay(m, thresholds[m][k])}
                        onChange={(e) => setDraft({ ...draft, thresholds: { ...thresholds, [m]: { ...thresholds[m], [k]: fromDisplay(m, Number(e.target.value)) } } })}
                      />
                      <span className="muted">{unitOf(m)}</span>
                    </span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel
        title="Alert rules"
        subtitle="Raised as a desktop notification, a tray badge and a dashboard banner"
        actions={
          <button type="button" className="btn btn-small btn-primary" onClick={() => save({ alertRules: rules })}>
            Save alert rules
          </button>
        }
      >
        <table className="grid" aria-label="Alert rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Triggers above</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={r.id}>
                <th scope="row" className="row-head">
                  {ruleLabel(r)}
                </th>
                <td>
                  <span className="input-with-unit">
                    <input
                      className="input input-threshold num"
                      type="number"
                      min={0}
                      step="any"
                      aria-label={`Trigger of the ${ruleSubject(r.metric)} rule`}
                      value={toDisplay(r.metric, r.above)}
                      onChange={(e) => {
                        const above = fromDisplay(r.metric, Number(e.target.value));
                        setDraft({ ...draft, alertRules: rules.map((x, j) => (j === i ? { ...x, above, description: ruleLabel({ ...x, above }) } : x)) });
                      }}
                    />
                    <span className="muted">{unitOf(r.metric)}</span>
                  </span>
                </td>
                <td>
                  <input type="checkbox" className="checkbox" aria-label={`Enable the ${ruleSubject(r.metric)} rule`} checked={r.enabled} onChange={(e) => setDraft({ ...draft, alertRules: rules.map((x, j) => (j === i ? { ...x, enabled: e.target.checked } : x)) })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
