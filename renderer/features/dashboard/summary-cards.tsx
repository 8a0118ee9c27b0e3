/** The top row of the dashboard: Total Jobs, Running, Pending, Failed, Success Rate. */
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import { formatCount, formatRatio } from '../../components/format.ts';
import { pendingOutlook } from './pending-outlook.ts';

function Card({ label, value, note, tone, noteTitle }: { label: string; value: string; note?: string; tone?: string; noteTitle?: string }) {
  return (
    <div className={`stat-card${tone ? ` tone-${tone}` : ''}`} role="group" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{value}</div>
      <div className="stat-note" title={noteTitle}>
        {note ?? '\u00a0'}
      </div>
    </div>
  );
}

/** The five summary cards. */
export function SummaryCards({ summary }: { summary: DashboardSummary | undefined }) {
  const c = summary?.counts;
  const v = (n: number | undefined) => (summary ? formatCount(n ?? 0) : '…');
  const outlook = summary ? pendingOutlook(summary) : null;
  return (
    <div className="stat-cards" aria-busy={!summary}>
      <Card label="Total Jobs" value={v(summary?.total)} note={c ? `${formatCount(c.completed)} completed · ${formatCount(c.cancelled)} cancelled` : undefined} />
      <Card label="Running" value={v(c?.running)} note={c && (c.stuck || c.paused) ? `${c.stuck} stuck · ${c.paused} paused` : 'Currently processing'} tone={c?.stuck ? 'warning' : 'accent'} />
      <Card label="Pending" value={v(c?.pending)} note={outlook?.note ?? 'Waiting to start'} noteTitle={outlook?.detail} tone={outlook?.tone === 'critical' ? 'warning' : undefined} />
      <Card label="Failed" value={v(c?.failed)} note="Need attention" tone={c?.failed ? 'critical' : undefined} />
      <Card
        label="Success Rate"
        value={summary ? formatRatio(summary.successRate) : '…'}
        note="Completed ÷ finished"
        tone={summary?.successRate !== null && summary?.successRate !== undefined && summary.successRate < 0.9 ? 'warning' : 'good'}
      />
    </div>
  );
}
