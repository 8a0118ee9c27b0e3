/** Settings: theme, cache retention, notifications, the local cluster, a cluster's thresholds and the desktop's own alerts. */
import { useState } from 'react';
import { type Settings, SettingsPatch } from '../../../contract/admin-api.ts';
import { describeZodError } from '../../../contract/api.ts';
import { DEFAULT_DESKTOP_ALERT_SETTINGS } from '../../../contract/desktop-alerts.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { settingsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { MovedAsideCaches } from '../cache/cache-health.tsx';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { ErrorNote, LoadingRows } from '../../components/states.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { ClusterThresholdsPanel } from '../alerts/cluster-thresholds.tsx';


/** The Settings page. */
export function SettingsPage() {
  const q = useApiQuery('settings', (api) => api.getSettings(), { refreshOn: settingsStale });
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="Stored on this machine, except thresholds: those are the chosen cluster's." />
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={6} /> : null}
      {q.data ? <SettingsForm key={JSON.stringify(q.data)} settings={q.data} /> : null}
      <MovedAsideCaches />
    </div>
  );
}

function SettingsForm({ settings }: { settings: Settings }) {
  const api = useAdminApi();
  const [draft, setDraft] = useState<Settings>(settings);
  const [error, setError] = useState<string | null>(null);
  const desktopAlerts = draft.desktopAlerts ?? DEFAULT_DESKTOP_ALERT_SETTINGS;

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
      <ClusterThresholdsPanel />
      <Panel title="Alerts" subtitle="Alert rules and channels are each cluster's own: edit them on the Alerts screen, under Rules and Channels.">
        <div className="form-grid">
          <label className="field">
            <span className="field-label">Alert when a cluster cannot be reached or refuses the token for (minutes, 0 = never)</span>
            <input
              className="input"
              type="number"
              min={0}
              max={1440}
              value={desktopAlerts.unreachableMinutes}
              onChange={(e) => setDraft({ ...draft, desktopAlerts: { ...desktopAlerts, unreachableMinutes: Number(e.target.value) } })}
              onBlur={() => save({ desktopAlerts })}
            />
          </label>
          <label className="field">
            <span className="field-label">Alert when a cluster's events reach this app late by (minutes, 0 = never)</span>
            <input
              className="input"
              type="number"
              min={0}
              max={1440}
              value={desktopAlerts.syncBehindMinutes}
              onChange={(e) => setDraft({ ...draft, desktopAlerts: { ...desktopAlerts, syncBehindMinutes: Number(e.target.value) } })}
              onBlur={() => save({ desktopAlerts })}
            />
          </label>
        </div>
        <p className="alert-note">
          This app raises these itself, for each cluster; they show with the clusters' alerts. <a href="#/alerts/rules">Open the rules</a>
        </p>
      </Panel>
    </>
  );
}
