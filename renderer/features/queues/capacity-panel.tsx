/**
 * The Capacity panel: per queue and cluster, the signs that it needs more capacity over the last 7
 * or 30 days — jobs waiting in most hours, waits over the cluster's threshold, timeouts and "limit
 * exceeded" failures increasing — from this app's cache. Rows asking for capacity come first, and
 * their reasons are listed in words under the table.
 */
import { useState } from 'react';
import type { ClusterView } from '../../../contract/admin-api.ts';
import { CAPACITY_PERIOD_DAYS, type CapacitySignals, type FailureTrendSignal, type QueueCapacity } from '../../../contract/capacity.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import './capacity.css';

type PeriodKey = `${(typeof CAPACITY_PERIOD_DAYS)[number]}`;
const PERIODS = CAPACITY_PERIOD_DAYS.map((days) => ({ key: `${days}` as PeriodKey, label: `${days} days` }));

const typeLabel = (type: string) => JOB_TYPE_LABELS[type as JobType] ?? type;
const percent = (share: number) => `${Math.round(share * 100)}%`;
const rate = (n: number) => (n === 0 ? '0' : n < 10 ? (Math.round(n * 10) / 10).toString() : Math.round(n).toString());

/** The note without its "Not enough history:" lead, which the empty state's title already says. */
function withoutLead(note: string): string {
  const rest = note.replace(/^Not enough history:\s*/, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

function signalsOf(q: QueueCapacity) {
  return [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded];
}

/** A signal's value and a short second line; "not enough history" where it has none. */
function Cell({ value, note, flagged, sentence }: { value: string | null; note: string; flagged: boolean; sentence: string }) {
  return (
    <td title={sentence}>
      {value === null ? <span className="muted">Not enough history</span> : <span className={flagged ? 'capacity-flag' : undefined}>{value}</span>}
      <span className="cell-note">{note}</span>
    </td>
  );
}

function TrendCell({ s }: { s: FailureTrendSignal }) {
  if (s.value === null) return <Cell value={null} note="" flagged={false} sentence={s.sentence} />;
  const note = s.total === 0 ? 'none' : `${rate(s.earlierPerDay ?? 0)} a day before${s.increasing ? ' · increasing' : ''}`;
  return <Cell value={`${rate(s.recentPerDay)} a day`} note={note} flagged={s.moreCapacityNeeded} sentence={s.sentence} />;
}

function CapacityTable({ data, cluster }: { data: CapacitySignals; cluster: ClusterView }) {
  const rows = data.queues.filter((q) => q.clusterId === cluster.id).sort((a, b) => Number(b.moreCapacityNeeded) - Number(a.moreCapacityNeeded));
  const reasons = rows.flatMap((q) => signalsOf(q).filter((s) => s.moreCapacityNeeded).map((s) => ({ key: `${q.type}/${s.sentence}`, text: s.sentence })));
  const recent = rows[0]?.timeouts.recentDays ?? 0;
  const recentWords = recent === 1 ? 'day' : `${recent} days`;
  return (
    <>
      <div className="table-wrap">
        <table className="grid capacity-grid" aria-label={`Capacity signals of ${cluster.name}`}>
          <colgroup>
            <col style={{ width: '17%' }} />
            <col style={{ width: '19%' }} />
            <col style={{ width: '15%' }} />
            <col style={{ width: '15%' }} />
            <col style={{ width: '17%' }} />
            <col style={{ width: '17%' }} />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Capacity</th>
              <th scope="col" title="Share of hours in which jobs were ready and waiting nearly all the time">
                Hours waiting
              </th>
              <th scope="col" title="Share of started jobs that waited longer than the cluster's wait threshold">
                Long waits
              </th>
              <th scope="col" title={`Timeouts a day over the last ${recentWords}, against the days before`}>
                Timeouts
              </th>
              <th scope="col" title={`"Limit exceeded" failures a day over the last ${recentWords}, against the days before`}>
                Limit exceeded
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((q) => (
              <tr key={`${q.clusterId}/${q.type}`}>
                <th scope="row">{typeLabel(q.type)}</th>
                <td>
                  {q.moreCapacityNeeded ? (
                    <span className="badge level-warning">More needed</span>
                  ) : signalsOf(q).every((s) => s.value === null) ? (
                    <span className="muted">Not enough history</span>
                  ) : (
                    <span className="badge level-good">Enough</span>
                  )}
                </td>
                <Cell
                  value={q.waiting.value === null ? null : percent(q.waiting.value)}
                  note={q.waiting.value === null ? `${q.waiting.hoursCovered} h of history` : `${q.waiting.hoursWaiting} of ${q.waiting.hoursCovered} h`}
                  flagged={q.waiting.moreCapacityNeeded}
                  sentence={q.waiting.sentence}
                />
                <Cell
                  value={q.waitsOverThreshold.value === null ? null : percent(q.waitsOverThreshold.value)}
                  note={`${q.waitsOverThreshold.over} of ${q.waitsOverThreshold.started} started`}
                  flagged={q.waitsOverThreshold.moreCapacityNeeded}
                  sentence={q.waitsOverThreshold.sentence}
                />
                <TrendCell s={q.timeouts} />
                <TrendCell s={q.limitExceeded} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reasons.length > 0 ? (
        <ul className="capacity-why" aria-label="Why more capacity is needed">
          {reasons.map((r) => (
            <li key={r.key}>{r.text}</li>
          ))}
        </ul>
      ) : (
        <p className="capacity-note">No queue shows a sign of needing more capacity over this period.</p>
      )}
      <p className="capacity-note muted">
        Hours waiting: hours in which jobs were ready and waiting nearly all the time. Long waits: started jobs that waited longer than the cluster&apos;s wait threshold. Timeouts and limit exceeded: failures a day over the last {recentWords}, against the days before. {data.note}
      </p>
    </>
  );
}

/**
 * The Capacity panel of one cluster. It reads the cache, so it shows while the cluster is offline
 * too (with the cluster's thresholds as last heard); the signals move over hours, so a poll every
 * few minutes keeps it current.
 */
export function CapacityPanel({ cluster }: { cluster: ClusterView }) {
  const [period, setPeriod] = useState<PeriodKey>('7');
  const days = Number(period);
  const q = useApiQuery(`capacity:${cluster.id}:${days}`, (api) => api.getCapacitySignals({ days, clusterIds: [cluster.id] }), { pollMs: 300_000 });
  return (
    <Panel
      title={`Capacity · ${cluster.name}`}
      subtitle="Signs that a queue needs more capacity, from the jobs kept in this app"
      actions={<Segmented label="Capacity period" options={PERIODS} value={period} onChange={setPeriod} />}
    >
      {q.error && !q.data ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!q.data && !q.error ? <LoadingRows rows={4} label="Loading capacity signals" /> : null}
      {q.data && !q.data.enoughHistory ? <EmptyState title="Not enough history yet." hint={withoutLead(q.data.note)} /> : null}
      {q.data && q.data.enoughHistory ? <CapacityTable data={q.data} cluster={cluster} /> : null}
    </Panel>
  );
}
