/**
 * A report's preview: what it stands on, its key figures, the same charts as the PDF and its main
 * table (the first rows; the files have all of them).
 */
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { describeStuckOutcome, PERCENTILE_NOTE, STUCK_OUTCOME_WORDS, STUCK_OUTCOMES, type Report } from '../../../contract/reports.ts';
import { FAILURE_CAUSE_LABELS } from '../../../contract/failures.ts';
import { AXIS_PROPS, ChartFrame, LegendItem, TOOLTIP_PROPS } from '../../components/chart-frame.tsx';
import { formatBytes, formatCount, formatDuration, formatFullTime, formatRatio, formatRelativeChange } from '../../components/format.ts';
import { showDirectionControls } from '../../components/display-text.ts';
import { CapacityPreview } from './capacity-preview.tsx';

// Six job types, six hues that stay apart in both themes (the accent is close to chart-1).
const SERIES = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--crit)', 'var(--good)'];
const TABLE_ROWS = 50;

function Coverage({ report }: { report: Report }) {
  return (
    <div className="report-coverage" aria-label="What this report stands on">
      <p className="muted">
        {report.period.label} · {report.period.timeZone} · {report.clusters.length === 1 ? 'cluster' : 'clusters'} {report.clusters.join(', ') || 'none'}
      </p>
      <ul>
        {report.coverage.map((c) => (
          <li key={c.clusterId} className={c.gaps.length > 0 || !c.historyComplete ? 'coverage-partial' : undefined}>
            <strong>{c.clusterId}</strong>: {formatCount(c.jobs)} jobs in the period; {c.note}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Figures({ items }: { items: [string, string][] }) {
  return (
    <dl className="report-figures">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Table({ label, columns, rows }: { label: string; columns: string[]; rows: (string | number)[][] }) {
  if (rows.length === 0) return <p className="muted">Nothing in this period.</p>;
  return (
    <div className="table-wrap">
      <table className="grid report-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, TABLE_ROWS).map((r, i) => (
            <tr key={i}>
              {r.map((cell, j) => (
                <td key={j} className={typeof cell === 'number' || /^[\d.,%\s]+(ms|s|min|h)?$/.test(String(cell)) ? 'num' : undefined}>
                  {typeof cell === 'number' ? formatCount(cell) : cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > TABLE_ROWS ? <p className="muted">First {TABLE_ROWS} of {formatCount(rows.length)} rows; the files hold all of them.</p> : null}
    </div>
  );
}

const dash = (v: string | null) => v ?? '—';

function Body({ report }: { report: Report }) {
  switch (report.kind) {
    case 'daily-summary': {
      const finished = report.totals.completed + report.totals.failed + report.totals.cancelled;
      return (
        <>
          <Figures items={[['Submitted', formatCount(report.totals.submitted)], ['Completed', formatCount(report.totals.completed)], ['Failed', formatCount(report.totals.failed)], ['Success rate', formatRatio(report.totals.successRate)]]} />
          <ChartFrame
            title="Jobs finished per day"
            summary={`${formatCount(finished)} jobs finished over ${report.days.length} days.`}
            empty={finished === 0 ? 'No job finished in this period.' : null}
            legend={<><LegendItem colour="var(--good)" label="Completed" /><LegendItem colour="var(--crit)" label="Failed" /><LegendItem colour="var(--border-strong)" label="Cancelled" /></>}
          >
            <BarChart data={report.days}>
              <CartesianGrid vertical={false} stroke="var(--grid)" />
              <XAxis dataKey="date" {...AXIS_PROPS} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
              <YAxis allowDecimals={false} {...AXIS_PROPS} width={48} />
              <Tooltip {...TOOLTIP_PROPS} />
              <Bar dataKey="completed" name="Completed" stackId="a" fill="var(--good)" isAnimationActive={false} />
              <Bar dataKey="failed" name="Failed" stackId="a" fill="var(--crit)" isAnimationActive={false} />
              <Bar dataKey="cancelled" name="Cancelled" stackId="a" fill="var(--border-strong)" isAnimationActive={false} />
            </BarChart>
          </ChartFrame>
          <Table
            label="Per day"
            columns={['Date', 'Submitted', 'Completed', 'Failed', 'Cancelled', 'Success', 'Peak hour', 'Wait p95', 'Stuck', 'Alerts']}
            rows={report.days.map((d) => [d.date, d.submitted, d.completed, d.failed, d.cancelled, formatRatio(d.successRate), d.busiestHour === null ? '—' : `${String(d.busiestHour).padStart(2, '0')}:00`, formatDuration(d.waitP95Ms), d.stuck, d.alertsFired ?? '—'])}
          />
          <p className="muted">{PERCENTILE_NOTE}</p>
          <h3 className="report-section">Stuck jobs and what was done</h3>
          {STUCK_OUTCOMES.some((o) => report.stuckOutcomes[o] > 0) ? (
            <Figures items={STUCK_OUTCOMES.filter((o) => report.stuckOutcomes[o] > 0).map((o) => [STUCK_OUTCOME_WORDS[o], formatCount(report.stuckOutcomes[o])])} />
          ) : null}
          <Table
            label="Stuck jobs"
            columns={['Stuck at', 'Job', 'Type', 'User', 'What became of it']}
            rows={report.stuckJobs.map((e) => [formatFullTime(e.stuckAt), e.jobId, e.type, e.user, describeStuckOutcome(e, formatDuration)])}
          />
        </>
      );
    }
    case 'user-usage':
      return (
        <>
          <Figures items={[['Users', formatCount(report.totals.users)], ['Jobs', formatCount(report.totals.jobs)], ['Compute time', formatDuration(report.totals.computeMs)]]} />
          <ChartFrame title="Compute hours by user" summary={`${report.users.length} users used ${formatDuration(report.totals.computeMs)} of compute.`} empty={report.totals.computeMs === 0 ? 'No job finished in this period.' : null}>
            <BarChart data={report.users.slice(0, 12).map((u) => ({ user: showDirectionControls(u.user), hours: u.computeMs / 3_600_000 }))}>
              <CartesianGrid vertical={false} stroke="var(--grid)" />
              <XAxis dataKey="user" {...AXIS_PROPS} interval={0} />
              <YAxis {...AXIS_PROPS} width={48} />
              <Tooltip {...TOOLTIP_PROPS} formatter={(v) => `${Number(v).toFixed(1)} h`} />
              <Bar dataKey="hours" name="Compute hours" fill="var(--accent)" isAnimationActive={false} />
            </BarChart>
          </ChartFrame>
          <Table
            label="Per user"
            columns={['User', 'Jobs', 'Completed', 'Failed', 'Open', 'Compute', 'Share', 'Avg wait', 'Failure rate']}
            rows={report.users.map((u) => [showDirectionControls(u.user), u.jobs, u.completed, u.failed, u.open, formatDuration(u.computeMs), formatRatio(u.computeShare), formatDuration(u.avgWaitMs), formatRatio(u.failureRate)])}
          />
        </>
      );
    case 'performance-trends': {
      const dates = report.types[0]?.days.map((d) => d.date) ?? [];
      const data = dates.map((date, i) => Object.fromEntries([['date', date], ...report.types.map((t) => [t.type, t.days[i]?.durationP95Ms === null || t.days[i] === undefined ? null : t.days[i]!.durationP95Ms! / 60_000])]));
      return (
        <>
          <ChartFrame
            title="Run time p95 per day (minutes)"
            summary={`Run time p95 of ${report.types.length} job types per day.`}
            empty={report.types.length === 0 ? 'No job finished in this period.' : null}
            legend={<>{report.types.map((t, i) => <LegendItem key={t.type} colour={SERIES[i % SERIES.length]!} label={t.type} />)}</>}
          >
            <LineChart data={data}>
              <CartesianGrid vertical={false} stroke="var(--grid)" />
              <XAxis dataKey="date" {...AXIS_PROPS} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
              <YAxis {...AXIS_PROPS} width={48} />
              <Tooltip {...TOOLTIP_PROPS} formatter={(v) => `${Number(v).toFixed(1)} min`} />
              {report.types.map((t, i) => <Line key={t.type} dataKey={t.type} stroke={SERIES[i % SERIES.length]} dot={false} strokeWidth={1.6} isAnimationActive={false} connectNulls={false} />)}
            </LineChart>
          </ChartFrame>
          <Table
            label="Per job type"
            columns={['Type', 'Finished', 'Change', 'Run p50', 'Run p95', 'Change', 'Wait p95', 'Change', 'Failures']}
            rows={report.types.map((t) => [t.type, t.period.finished, formatRelativeChange(t.change.throughput), formatDuration(t.period.durationP50Ms), formatDuration(t.period.durationP95Ms), formatRelativeChange(t.change.durationP95), formatDuration(t.period.waitP95Ms), formatRelativeChange(t.change.waitP95), formatRatio(t.period.failureRate)])}
          />
          <p className="muted">{PERCENTILE_NOTE}</p>
          <CapacityPreview capacity={report.capacity} />
        </>
      );
    }
    case 'resource-utilization':
      return (
        <>
          <Table
            label="Per node"
            columns={['Node', 'Samples', 'CPU mean', 'CPU p95', 'CPU high', 'Memory mean', 'Memory p95', 'Disk p95', 'Network p95']}
            rows={report.nodes.map((n) => [`${n.host} (${n.clusterId})`, n.samples, pct(n.cpu.mean), pct(n.cpu.p95), `${Math.round(n.cpu.minutesWarning)} min`, pct(n.memory.mean), pct(n.memory.p95), pct(n.diskIo.p95), pct(n.network.p95)])}
          />
          <Table
            label="Compute, CPU and memory by job type"
            columns={['Type', 'Jobs', 'Compute', 'Mean run', 'CPU time', 'Mean CPU', 'Peak memory (mean / max)']}
            rows={report.byType.map((t) => [
              t.type,
              t.jobs,
              formatDuration(t.computeMs),
              formatDuration(t.meanRunMs),
              t.measured > 0 ? formatDuration(t.cpuMs) : '—',
              t.meanCpuPercent === null ? '—' : `${t.meanCpuPercent.toFixed(0)}%`,
              t.meanPeakRssBytes === null ? '—' : `${formatBytes(t.meanPeakRssBytes)} / ${formatBytes(t.maxPeakRssBytes)}`,
            ])}
          />
        </>
      );
    case 'failure-analysis':
      return (
        <>
          <Figures items={[['Failed jobs', formatCount(report.totals.failed)], ['Patterns', formatCount(report.totals.groups)], ['New', formatCount(report.groups.filter((g) => g.isNew).length)], ['Spiking', formatCount(report.groups.filter((g) => g.spiking).length)]]} />
          <Table
            label="Failure patterns"
            columns={['Pattern', 'Type', 'Cause', 'Count', 'Before', 'Last seen', 'In common']}
            rows={report.groups.map((g) => [`${g.isNew ? 'NEW · ' : ''}${g.spiking ? 'SPIKING · ' : ''}${g.signature}`, g.type, FAILURE_CAUSE_LABELS[g.category], g.count, g.previousCount, formatFullTime(g.lastSeenAt), dash(g.inCommon[0] ?? null)])}
          />
        </>
      );
  }
}

function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)}%`;
}

export function ReportPreview({ report }: { report: Report }) {
  return (
    <div className="report-preview">
      <Coverage report={report} />
      <Body report={report} />
    </div>
  );
}
