/**
 * Reports: choose a kind, a period and the clusters in view; preview it from the cache (offline
 * too); save it as PDF, CSV (a zip of tables) or JSON. Every saved report is kept in the app's
 * reports folder and listed; scheduled reports are made every day at their time.
 */
import { useState } from 'react';
import { REPORT_KINDS, REPORT_TITLES, type ReportKind, type ReportRequest } from '../../../contract/reports.ts';
import { SCHEDULE_PERIODS, type PaperSize, type ReportSchedule, type SchedulePeriod } from '../../../contract/report-api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { downloadBase64 } from '../../components/download.ts';
import { formatBytes, formatFullTime } from '../../components/format.ts';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { ReportPreview } from './report-preview.tsx';
import './reports.css';

const PERIODS = [
  { key: '24h', label: 'Last 24 h' },
  { key: '7d', label: 'Last 7 days' },
  { key: '30d', label: 'Last 30 days' },
  { key: 'days', label: 'Days…' },
] as const;
type PeriodKey = (typeof PERIODS)[number]['key'];

const PERIOD_LABELS: Record<SchedulePeriod, string> = { 'previous-day': 'the day before', 'previous-7-days': 'the 7 days before', 'previous-30-days': 'the 30 days before' };

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function ReportsPage() {
  const api = useAdminApi();
  const scope = useScope();
  const [kind, setKind] = useState<ReportKind>('daily-summary');
  const [period, setPeriod] = useState<PeriodKey>('7d');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today());
  const [paper, setPaper] = useState<PaperSize>('A4');
  const request: ReportRequest =
    period === 'days' ? { kind, from, to, ...(scope.clusterIds ? { clusters: scope.clusterIds } : {}) } : { kind, since: period, ...(scope.clusterIds ? { clusters: scope.clusterIds } : {}) };
  const key = JSON.stringify(request);
  const preview = useApiQuery(`report:${key}`, (a) => a.previewReport(request), { enabled: period !== 'days' || (from !== '' && to !== '' && from <= to) });
  const saved = useApiQuery('saved-reports', (a) => a.listSavedReports(), { pollMs: 30_000 });

  async function save(format: 'pdf' | 'csv' | 'json') {
    const file = await api.exportReport(request, format, paper);
    downloadBase64(file.filename, file.mimeType, file.contentBase64);
    saved.refetch();
    if (file.problem) throw new Error(file.problem);
    return file.savedTo ? `Saved ${file.filename}; a copy is in ${file.savedTo}` : `Saved ${file.filename}`;
  }

  return (
    <div className="page">
      <PageHeader title="Reports" subtitle="Made from the job cache on this machine, so they work offline; each says what it stands on." />
      <Panel title="Make a report">
        <div className="filters report-controls">
          <label className="field-inline">
            <span className="field-label">Report</span>
            <select className="select" aria-label="Report" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
              {REPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {REPORT_TITLES[k]}
                </option>
              ))}
            </select>
          </label>
          <Segmented label="Period" options={PERIODS} value={period} onChange={setPeriod} />
          {period === 'days' ? (
            <label className="field-inline date-range">
              <span className="field-label">Days</span>
              <input className="input" type="date" aria-label="From day" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
              <span aria-hidden="true">–</span>
              <input className="input" type="date" aria-label="To day" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
            </label>
          ) : null}
          <label className="field-inline">
            <span className="field-label">Paper</span>
            <select className="select" aria-label="Paper size" value={paper} onChange={(e) => setPaper(e.target.value as PaperSize)}>
              <option value="A4">A4</option>
              <option value="LETTER">Letter</option>
            </select>
          </label>
          <span className="report-save">
            <ActionButton label="Save PDF" variant="primary" feedbackTitle={`Saving the ${REPORT_TITLES[kind].toLowerCase()} as PDF`} run={() => save('pdf')} disabledReason={preview.data ? null : 'Wait for the preview'} />
            <ActionButton label="Save CSV" feedbackTitle={`Saving the ${REPORT_TITLES[kind].toLowerCase()} as CSV`} run={() => save('csv')} disabledReason={preview.data ? null : 'Wait for the preview'} />
            <ActionButton label="Save JSON" feedbackTitle={`Saving the ${REPORT_TITLES[kind].toLowerCase()} as JSON`} run={() => save('json')} disabledReason={preview.data ? null : 'Wait for the preview'} />
          </span>
        </div>
        <p className="muted">Clusters: {scope.clusterIds ? scope.clusters.map((c) => c.name).join(', ') : 'every cluster in the cache'} (the cluster switcher chooses).</p>
      </Panel>
      <Panel title={`Preview · ${REPORT_TITLES[kind]}`}>
        {preview.error ? <ErrorNote message={preview.error.message} onRetry={preview.refetch} /> : null}
        {!preview.data && !preview.error ? <LoadingRows rows={4} label="Computing the report" /> : null}
        {preview.data ? <ReportPreview report={preview.data} /> : null}
      </Panel>
      <Panel title="Saved reports" subtitle="Every report saved here or made by a schedule, newest first.">
        {saved.error ? <ErrorNote message={saved.error.message} onRetry={saved.refetch} /> : null}
        {saved.data && saved.data.length === 0 ? <EmptyState title="No saved reports yet." hint="Save one above, or add a schedule below." /> : null}
        {saved.data && saved.data.length > 0 ? (
          <div className="table-wrap">
            <table className="grid" aria-label="Saved reports">
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">Made</th>
                  <th scope="col">Size</th>
                  <th scope="col">Note</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {saved.data.map((r) => (
                  <tr key={r.filename}>
                    <td className="cell-ellipsis" title={r.path}>
                      {REPORT_TITLES[r.kind]} · {r.format.toUpperCase()}
                    </td>
                    <td>{formatFullTime(r.createdAt)}</td>
                    <td className="num">{formatBytes(r.bytes)}</td>
                    <td className="cell-ellipsis" title={r.note ?? undefined}>
                      {r.scheduleId ? `Schedule ${r.scheduleId}: ` : ''}
                      {r.note ?? '—'}
                    </td>
                    <td className="cell-actions">
                      <ActionButton
                        small
                        label="Open"
                        ariaLabel={`Open ${r.filename}`}
                        feedbackTitle={`Opening ${r.filename}`}
                        run={async () => {
                          const file = await api.openSavedReport(r.filename);
                          downloadBase64(file.filename, file.mimeType, file.contentBase64);
                          return undefined;
                        }}
                      />
                      <ActionButton
                        small
                        variant="ghost"
                        label="Show in folder"
                        ariaLabel={`Show ${r.filename} in its folder`}
                        feedbackTitle={`Showing ${r.filename}`}
                        run={async () => {
                          const shown = await api.showSavedReport(r.filename);
                          return shown.shown ? undefined : `It is at ${shown.path}`;
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
      <ReportSchedules />
    </div>
  );
}

function ReportSchedules() {
  const api = useAdminApi();
  const q = useApiQuery('report-schedules', (a) => a.getReportSchedules(), { pollMs: 60_000 });
  const [draft, setDraft] = useState<{ kind: ReportKind; at: string; period: SchedulePeriod; format: 'pdf' | 'csv' | 'json'; emailTo: string }>({ kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf', emailTo: '' });
  const emails = draft.emailTo.split(/[,;\s]+/).filter(Boolean);
  const badEmail = emails.find((e) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e));
  const schedules = q.data?.map((s) => s.schedule) ?? [];

  async function replace(next: ReportSchedule[], done: string) {
    await api.setReportSchedules(next);
    q.refetch();
    return done;
  }

  return (
    <Panel title="Scheduled reports" subtitle="Made every day at their time from the cache; a run missed while the app was closed is made at the next start, with a note.">
      {q.error ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={2} /> : null}
      {q.data && q.data.length === 0 ? <EmptyState title="No scheduled reports." hint="For example, the daily summary every morning at 07:00." /> : null}
      {q.data && q.data.length > 0 ? (
        <div className="table-wrap">
          <table className="grid" aria-label="Scheduled reports">
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Every day at</th>
                <th scope="col">Covers</th>
                <th scope="col">Email to</th>
                <th scope="col">Next run</th>
                <th scope="col">Last run</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((s) => (
                <tr key={s.schedule.id}>
                  <td>
                    {REPORT_TITLES[s.schedule.kind]} · {s.schedule.format.toUpperCase()}
                  </td>
                  <td>{s.schedule.at}</td>
                  <td>{PERIOD_LABELS[s.schedule.period]}</td>
                  <td className="cell-ellipsis">{s.schedule.emailTo?.join(', ') || '—'}</td>
                  <td>{s.schedule.enabled ? formatFullTime(s.nextRunAt) : 'Paused'}</td>
                  <td className="cell-ellipsis" title={s.lastResult ?? undefined}>
                    {s.lastRunAt ? `${formatFullTime(s.lastRunAt)}: ${s.lastResult ?? ''}` : 'Not yet'}
                  </td>
                  <td className="cell-actions">
                    <ActionButton
                      small
                      label={s.schedule.enabled ? 'Pause' : 'Resume'}
                      feedbackTitle={`${s.schedule.enabled ? 'Pausing' : 'Resuming'} schedule ${s.schedule.id}`}
                      run={() => replace(schedules.map((x) => (x.id === s.schedule.id ? { ...x, enabled: !x.enabled } : x)), s.schedule.enabled ? 'Paused' : 'Resumed')}
                    />
                    <ActionButton
                      small
                      variant="danger"
                      label="Remove"
                      feedbackTitle={`Removing schedule ${s.schedule.id}`}
                      confirm={{ title: `Remove schedule ${s.schedule.id}?`, body: 'Reports it made stay in the saved reports.', confirmLabel: 'Remove schedule' }}
                      run={() => replace(schedules.filter((x) => x.id !== s.schedule.id), 'Removed')}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="filters report-controls" aria-label="Add a scheduled report">
        <select className="select" aria-label="Scheduled report" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as ReportKind })}>
          {REPORT_KINDS.map((k) => (
            <option key={k} value={k}>
              {REPORT_TITLES[k]}
            </option>
          ))}
        </select>
        <label className="field-inline">
          <span className="field-label">every day at</span>
          <input className="input" type="time" aria-label="Time of day" value={draft.at} onChange={(e) => setDraft({ ...draft, at: e.target.value })} />
        </label>
        <select className="select" aria-label="Covers" value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value as SchedulePeriod })}>
          {SCHEDULE_PERIODS.map((p) => (
            <option key={p} value={p}>
              covering {PERIOD_LABELS[p]}
            </option>
          ))}
        </select>
        <select className="select" aria-label="Format" value={draft.format} onChange={(e) => setDraft({ ...draft, format: e.target.value as 'pdf' | 'csv' | 'json' })}>
          <option value="pdf">PDF</option>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
        <input className="input" aria-label="Email to (optional)" placeholder="email to (optional)" value={draft.emailTo} onChange={(e) => setDraft({ ...draft, emailTo: e.target.value })} />
        <ActionButton
          label="Add schedule"
          feedbackTitle="Adding a scheduled report"
          disabledReason={!/^\d\d:\d\d$/.test(draft.at) ? 'Choose a time of day' : badEmail ? `${badEmail} is not an email address` : null}
          run={() => {
            let id = draft.kind;
            for (let i = 2; schedules.some((s) => s.id === id); i++) id = `${draft.kind}-${i}` as ReportKind;
            const { emailTo: _typed, ...rest } = draft;
            return replace([...schedules, { id, enabled: true, ...rest, ...(emails.length ? { emailTo: emails } : {}) }], `The ${REPORT_TITLES[draft.kind].toLowerCase()} will be made every day at ${draft.at}`);
          }}
        />
      </div>
      <MailServer />
    </Panel>
  );
}

/** The SMTP server scheduled reports are emailed through; the password is write-only. */
function MailServer() {
  const api = useAdminApi();
  const q = useApiQuery('report-mail', (a) => a.getReportMail());
  const [form, setForm] = useState<{ host: string; port: string; secure: boolean; username: string; password: string; from: string } | null>(null);
  const current = form ?? {
    host: q.data?.host ?? '',
    port: String(q.data?.port ?? 587),
    secure: q.data?.secure ?? false,
    username: q.data?.username ?? '',
    password: '',
    from: q.data?.from ?? '',
  };
  const set = (patch: Partial<typeof current>) => setForm({ ...current, ...patch });
  return (
    <details className="report-mail">
      <summary>Email server for scheduled reports{q.data ? `: ${q.data.host}:${q.data.port}` : ' (not set)'}</summary>
      <div className="filters report-controls" aria-label="Email server">
        <input className="input" aria-label="SMTP host" placeholder="smtp.example.com" value={current.host} onChange={(e) => set({ host: e.target.value })} />
        <input className="input input-port" aria-label="SMTP port" inputMode="numeric" value={current.port} onChange={(e) => set({ port: e.target.value })} />
        <label className="field-inline">
          <input type="checkbox" checked={current.secure} onChange={(e) => set({ secure: e.target.checked })} /> TLS from the start (465)
        </label>
        <input className="input" aria-label="SMTP user name" placeholder="user name (optional)" value={current.username} onChange={(e) => set({ username: e.target.value })} />
        <input
          className="input"
          type="password"
          aria-label="SMTP password"
          placeholder={q.data?.passwordSet ? 'password kept (type to replace)' : 'password'}
          value={current.password}
          onChange={(e) => set({ password: e.target.value })}
        />
        <input className="input" aria-label="Sender address" placeholder="reports@example.com" value={current.from} onChange={(e) => set({ from: e.target.value })} />
        <ActionButton
          label="Save email server"
          feedbackTitle="Saving the email server for reports"
          disabledReason={!current.host ? 'Enter the SMTP host' : !/^\d{1,5}$/.test(current.port) ? 'The port is a number' : !current.from.includes('@') ? 'Enter the sender address' : null}
          run={async () => {
            await api.setReportMail({
              host: current.host.trim(),
              port: Number(current.port),
              secure: current.secure,
              from: current.from.trim(),
              ...(current.username.trim() ? { username: current.username.trim() } : {}),
              ...(current.password ? { password: current.password } : {}),
            });
            setForm(null);
            q.refetch();
            return 'Saved; the password is kept with this app\'s secrets';
          }}
        />
      </div>
    </details>
  );
}
