/**
 * The alert tables: what fires now (acknowledge, silence) and the history with filters (cluster,
 * severity, state, period). Both read the cache's mirror, so they work offline; acknowledge and
 * silence go to the alert's cluster (or stay here for the desktop's own alerts).
 */
import { useEffect, useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { formatAlertValue, type AlertSeverity } from '../../../contract/alerts.ts';
import type { DesktopAlert } from '../../../contract/desktop-alerts.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { formatDuration, formatFullTime, formatRelative } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { alertsStale, useFiringAlerts } from './alerts-data.ts';
import { SilenceDialog } from './silence-dialog.tsx';

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <span className={`badge severity severity-${severity}`}>{severity === 'critical' ? 'Critical' : 'Warning'}</span>;
}

/** The reading in its metric's unit, or the desktop alert's duration. */
function valueOf(a: DesktopAlert): string {
  if (a.metric) return formatAlertValue(a.metric, a.value);
  return a.source === 'desktop' ? formatDuration(a.value) : String(a.value);
}

function scopeOf(a: DesktopAlert): string {
  if (!a.scope || a.scope.kind === 'cluster') return a.source === 'desktop' ? 'this app' : 'cluster';
  return a.scope.kind === 'queue' ? a.scope.queue : a.scope.node;
}

/** Whether a silence holds the alert's notifications back now. */
function silencedNow(a: DesktopAlert): boolean {
  return a.silencedUntil !== undefined && Date.parse(a.silencedUntil) > Date.now();
}

function StatusNote({ a }: { a: DesktopAlert }) {
  const silenced = silencedNow(a);
  const parts: string[] = [];
  if (a.acknowledgedBy) parts.push(`Acknowledged by ${a.acknowledgedBy}`);
  if (silenced) parts.push(`Silenced until ${formatFullTime(a.silencedUntil)}`);
  if (a.source === 'desktop') parts.push('Raised by this app');
  return parts.length > 0 ? <div className="alert-note">{parts.join(' · ')}</div> : null;
}

interface TableProps {
  alerts: readonly DesktopAlert[];
  clusters: readonly ClusterView[];
  history?: boolean;
  focus?: { clusterId: string; alertId: string } | undefined;
}

function AlertTable({ alerts, clusters, history, focus }: TableProps) {
  const api = useAdminApi();
  const [silencing, setSilencing] = useState<DesktopAlert | null>(null);
  const name = (id: string) => clusters.find((c) => c.id === id)?.name ?? id;
  const online = (id: string) => clusters.find((c) => c.id === id)?.status === 'online';
  useEffect(() => {
    if (focus) document.getElementById(`alert-${focus.clusterId}-${focus.alertId}`)?.scrollIntoView({ block: 'center' });
  }, [focus]);
  return (
    <div className="table-wrap">
      <table className="grid" aria-label={history ? 'Alert history' : 'Firing alerts'}>
        <colgroup>
          <col style={{ width: 92 }} />
          <col style={{ width: 130 }} />
          <col />
          <col style={{ width: 96 }} />
          <col style={{ width: 110 }} />
          <col style={{ width: history ? 150 : 118 }} />
          {history ? null : <col style={{ width: 214 }} />}
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Cluster</th>
            <th scope="col">What fired</th>
            <th scope="col">Value</th>
            <th scope="col">Queue / node</th>
            <th scope="col">{history ? 'Started · resolved' : 'Since'}</th>
            {history ? null : <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => {
            const isFocus = focus?.clusterId === a.clusterId && focus.alertId === a.id;
            const offline = a.source === 'cluster' && !online(a.clusterId) ? `${name(a.clusterId)} is not connected: acknowledging and silencing wait until it is back.` : null;
            return (
              <tr key={`${a.clusterId}/${a.id}`} id={`alert-${a.clusterId}-${a.id}`} className={isFocus ? 'alert-row-focus' : undefined}>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td className="alert-wrap">{name(a.clusterId)}</td>
                <td className="alert-message">
                  {a.ruleName && !a.message.startsWith(a.ruleName) ? <div className="alert-rule-name">{a.ruleName}</div> : null}
                  {a.message}
                  <StatusNote a={a} />
                </td>
                <td className="num">{valueOf(a)}</td>
                <td>{scopeOf(a)}</td>
                <td className="alert-wrap" title={formatFullTime(a.startedAt)}>
                  {history ? (
                    <>
                      {formatRelative(a.startedAt)}
                      <div className="alert-note">{a.resolvedAt ? `resolved after ${formatDuration(Date.parse(a.resolvedAt) - Date.parse(a.startedAt))}` : 'still firing'}</div>
                    </>
                  ) : (
                    formatRelative(a.startedAt)
                  )}
                </td>
                {history ? null : (
                  <td>
                    <div className="row-actions">
                      <ActionButton
                        small
                        label={a.acknowledgedBy ? 'Acknowledged' : 'Acknowledge'}
                        ariaLabel={`Acknowledge ${a.message} on ${name(a.clusterId)}`}
                        feedbackTitle={`Acknowledging ${a.ruleName ?? 'the alert'} on ${name(a.clusterId)}`}
                        disabledReason={a.acknowledgedBy ? `Acknowledged by ${a.acknowledgedBy}: it notifies again only if it resolves and fires anew.` : offline}
                        run={async () => {
                          await api.acknowledgeAlert(a.clusterId, a.id, {});
                          return 'Acknowledged: no more repeats until it resolves.';
                        }}
                      />
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Silence ${a.message} on ${name(a.clusterId)}`}
                        disabled={offline !== null}
                        title={offline ?? 'Hold back its notifications for a while'}
                        onClick={() => setSilencing(a)}
                      >
                        Silence…
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {silencing ? <SilenceDialog alert={silencing} clusterName={name(silencing.clusterId)} onClose={() => setSilencing(null)} /> : null}
    </div>
  );
}

/** What fires now on the clusters in view. */
export function FiringAlerts({ clusters, clusterIds, focus }: { clusters: readonly ClusterView[]; clusterIds: string[] | undefined; focus?: { clusterId: string; alertId: string } | undefined }) {
  const q = useFiringAlerts();
  const items = (q.data?.items ?? []).filter((a) => !clusterIds || clusterIds.includes(a.clusterId));
  const sorted = [...items].sort((a, b) => (a.severity === b.severity ? (a.startedAt < b.startedAt ? 1 : -1) : a.severity === 'critical' ? -1 : 1));
  return (
    <Panel title="Firing now" subtitle="Critical first. Each alert is its cluster's; alerts raised by this app (a cluster unreachable, sync behind) say so.">
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={3} /> : null}
      {q.data && sorted.length === 0 ? (
        <EmptyState title="Nothing is firing." hint="Alerts show here when a cluster's rule fires, and when a cluster cannot be reached or its events arrive late." />
      ) : null}
      {sorted.length > 0 ? <AlertTable alerts={sorted} clusters={clusters} focus={focus} /> : null}
    </Panel>
  );
}

const PERIODS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: null } as const;
type Period = keyof typeof PERIODS;
const PAGE = 100;

/** Alerts of the past, with filters; paged from the cache. */
export function AlertHistory({ clusters }: { clusters: readonly ClusterView[] }) {
  const [clusterId, setClusterId] = useState('all');
  const [severity, setSeverity] = useState<'all' | AlertSeverity>('all');
  const [state, setState] = useState<'all' | 'firing' | 'resolved'>('all');
  const [period, setPeriod] = useState<Period>('7d');
  const [limit, setLimit] = useState(PAGE);
  const span = PERIODS[period];
  // The period's start moves with the minute, so the key stays stable while the page is open.
  const since = span === null ? undefined : new Date(Math.floor((Date.now() - span) / 60_000) * 60_000).toISOString();
  const key = `alerts:history:${clusterId}:${severity}:${state}:${since ?? 'all'}:${limit}`;
  const q = useApiQuery(
    key,
    (api) =>
      api.listAlerts({
        state,
        limit,
        ...(clusterId !== 'all' ? { clusterIds: [clusterId] } : {}),
        ...(severity !== 'all' ? { severity } : {}),
        ...(since ? { since } : {}),
      }),
    { refreshOn: alertsStale, minIntervalMs: 1_000 },
  );
  const select = <T extends string>(label: string, value: T, set: (v: T) => void, options: readonly [T, string][]) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <select className="select" value={value} onChange={(e) => (set(e.target.value as T), setLimit(PAGE))}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <Panel title="History" subtitle="Alerts kept on this computer: browsable while a cluster is offline.">
      <div className="alert-filters" role="group" aria-label="Filter alerts">
        {select('Cluster', clusterId, setClusterId, [['all', 'All clusters'], ...clusters.map((c) => [c.id, c.name] as [string, string])])}
        {select('Severity', severity, setSeverity, [['all', 'Any severity'], ['critical', 'Critical'], ['warning', 'Warning']])}
        {select('State', state, setState, [['all', 'Firing and resolved'], ['firing', 'Firing'], ['resolved', 'Resolved']])}
        {select('Period', period, setPeriod, [['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['all', 'Everything kept']])}
      </div>
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={4} /> : null}
      {q.data && q.data.items.length === 0 ? <EmptyState title="No alerts match." hint="Widen the period or clear a filter." /> : null}
      {q.data && q.data.items.length > 0 ? (
        <>
          <AlertTable alerts={q.data.items} clusters={clusters} history />
          <div className="table-foot">
            Showing {q.data.items.length} of {q.data.total}
            {q.data.nextCursor ? (
              <button type="button" className="btn btn-small" onClick={() => setLimit((l) => Math.min(500, l + PAGE))} disabled={limit >= 500}>
                Show more
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </Panel>
  );
}
