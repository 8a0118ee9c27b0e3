/**
 * The silences of one cluster that still hold: what each matches (a rule, a queue, a node), until
 * when, who set it and why, with "End silence" (operator token). Silences are made from an alert
 * (Silence…); this is where an admin sees what is being held back and undoes it early. Ended
 * silences stay on the cluster for a day; they are not listed here.
 */
import type { ClusterView } from '../../../contract/admin-api.ts';
import type { AlertSilence, ClusterAlertRule } from '../../../contract/alerts.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { useApiQuery } from '../../api/use-api-query.ts';
import { ActionButton } from '../../components/action-button.tsx';
import { formatFullTime, formatRelative, formatTimeToMinute } from '../../components/format.ts';
import { useNow } from '../../components/job-timing.tsx';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { alertsStale } from './alerts-data.ts';

/** What a silence matches, in words: "Queue > 100 jobs · queue backtest", "any rule · node worker-2". */
export function silenceScopeText(s: AlertSilence, rules: ReadonlyMap<string, string>): string {
  const rule = s.ruleId === undefined ? 'any rule' : (rules.get(s.ruleId) ?? `rule ${s.ruleId} (deleted)`);
  const where = s.queue !== undefined ? `queue ${s.queue}` : s.node !== undefined ? `node ${s.node}` : 'everywhere';
  return `${rule} · ${where}`;
}

/** The silences that still hold at `now`, the one ending first first. */
export function activeSilences(silences: readonly AlertSilence[], now: number): AlertSilence[] {
  return silences.filter((s) => Date.parse(s.until) > now).sort((a, b) => Date.parse(a.until) - Date.parse(b.until));
}

export function SilencesPanel({ cluster }: { cluster: ClusterView }) {
  const api = useAdminApi();
  const online = cluster.status === 'online';
  // A silence that ends leaves the list as it ends, and "in 5 min" counts down.
  const now = useNow();
  // A silence made from an alert changes the alerts: the list follows.
  const q = useApiQuery(`alerts:silences:${cluster.id}`, (a) => a.listAlertSilences(cluster.id), { enabled: online, refreshOn: alertsStale, pollMs: 30_000 });
  const rules = useApiQuery(`alerts:rules:${cluster.id}`, (a) => a.listAlertRules(cluster.id), { enabled: online });
  if (!online) {
    return (
      <Panel title={`Silences of ${cluster.name}`}>
        <EmptyState title={`${cluster.name} is ${cluster.status}.`} hint="Silences live on the cluster; they show when it reconnects." />
      </Panel>
    );
  }
  const ruleNames = new Map((rules.data ?? []).map((r: ClusterAlertRule) => [r.id, r.name]));
  const active = q.data ? activeSilences(q.data, now) : null;
  return (
    <Panel title={`Silences of ${cluster.name}`} subtitle="Notifications of what a silence matches are held back until it ends; the alerts still show here while they fire.">
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={2} /> : null}
      {active && active.length === 0 ? <EmptyState title="Nothing is silenced." hint="Silence a firing alert from Firing now; it shows here until it ends." /> : null}
      {active && active.length > 0 ? (
        <div className="table-wrap">
          <table className="grid" aria-label={`Silences of ${cluster.name}`}>
            <colgroup>
              <col style={{ width: '30%' }} />
              <col style={{ width: 150 }} />
              <col style={{ width: 130 }} />
              <col />
              <col style={{ width: 120 }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Matches</th>
                <th scope="col">Until</th>
                <th scope="col">By</th>
                <th scope="col">Comment</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {active.map((s) => {
                const what = silenceScopeText(s, ruleNames);
                return (
                  <tr key={s.id}>
                    <td className="alert-wrap">{what}</td>
                    <td className="alert-wrap" title={formatFullTime(s.until)}>
                      {formatTimeToMinute(s.until, now)}
                      <div className="muted">{formatRelative(s.until, now)}</div>
                    </td>
                    <td className="alert-wrap" title={`Since ${formatFullTime(s.createdAt)}`}>
                      {s.createdBy}
                    </td>
                    <td className="alert-message">{s.comment ?? ''}</td>
                    <td>
                      <ActionButton
                        small
                        label="End silence"
                        ariaLabel={`End silence of ${what}`}
                        feedbackTitle={`Ending the silence of ${what} on ${cluster.name}`}
                        confirm={{ title: `End this silence on ${cluster.name}?`, body: `${what}: notifications go out again from the next evaluation, in a few seconds.`, confirmLabel: 'End silence' }}
                        run={async () => {
                          await api.endAlertSilence(cluster.id, s.id);
                          q.refetch();
                          return 'Silence ended.';
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
