/**
 * A report as a PDF, in Node without a browser: a title page with the period, the clusters and
 * what the report stands on, then the report's charts (vector) and tables. Numbers are the JSON's,
 * formatted for reading (durations, percentages).
 */
import { describeStuckOutcome, PERCENTILE_NOTE, STUCK_OUTCOME_WORDS, STUCK_OUTCOMES, type DailySummaryReport, type FailureAnalysisReport, type PerformanceTrendsReport, type Report, type ResourceUtilisationReport, type UserUsageReport } from '../../../../contract/reports.ts';
import type { CapacitySignals, FailureTrendSignal, QueueCapacity } from '../../../../contract/capacity.ts';
import { FAILURE_CAUSE_LABELS } from '../../../../contract/failures.ts';
import { barChart, lineChart } from './pdf-charts.ts';
import { formatBytes, formatCount, formatPointChange, formatRelativeChange, formatDurationMs, formatInstant, formatPercent } from './pdf-text.ts';
import { MUTED, PdfWriter, type PaperSize } from './pdf-writer.ts';

function titlePage(w: PdfWriter, report: Report): void {
  w.title(report.title, report.period.label);
  w.paragraph(`Clusters: ${report.clusters.length > 0 ? report.clusters.join(', ') : 'none'}`);
  w.paragraph(`Period: ${formatInstant(report.period.from)} to ${formatInstant(report.period.to)} (${report.period.timeZone})`);
  w.paragraph(`Generated ${formatInstant(report.generatedAt)} from the desktop cache of Sigmatiq Admin Jobs.`, { color: MUTED });
  w.heading('What this report stands on');
  w.table(
    [
      { header: 'Cluster', width: 1.2, cell: (c) => c.clusterId },
      { header: 'Jobs in period', width: 1, align: 'right', cell: (c) => formatCount(c.jobs) },
      { header: 'Cached since', width: 1.5, cell: (c) => formatInstant(c.cachedFrom) },
      { header: 'Last sync', width: 1.5, cell: (c) => formatInstant(c.lastSyncAt) },
      { header: 'History', width: 1, cell: (c) => (c.historyComplete ? 'complete' : 'partial') },
      { header: 'Gaps', width: 0.7, align: 'right', cell: (c) => formatCount(c.gaps.length) },
    ],
    report.coverage,
    { empty: 'No cluster in this report.' },
  );
  for (const c of report.coverage) w.paragraph(`${c.clusterId}: ${c.note}.`, { size: 8.5, color: MUTED });
}

function dailySummaryPdf(w: PdfWriter, r: DailySummaryReport): void {
  w.figures([
    ['Submitted', formatCount(r.totals.submitted)],
    ['Completed', formatCount(r.totals.completed)],
    ['Failed', formatCount(r.totals.failed)],
    ['Success rate', formatPercent(r.totals.successRate)],
  ]);
  const days = r.days.map((d) => d.date.slice(5));
  barChart(w, {
    title: 'Jobs finished per day',
    categories: days,
    stacked: true,
    series: [
      { name: 'Completed', color: '#16a34a', values: r.days.map((d) => d.completed) },
      { name: 'Failed', color: '#dc2626', values: r.days.map((d) => d.failed) },
      { name: 'Cancelled', color: '#9ca3af', values: r.days.map((d) => d.cancelled) },
    ],
    empty: 'no job finished in this period.',
  });
  const hours = Array.from({ length: 24 }, (_, h) => r.days.reduce((s, d) => s + d.submittedByHour[h]!, 0));
  barChart(w, {
    title: 'Jobs submitted by hour of day (whole period)',
    categories: hours.map((_, h) => String(h).padStart(2, '0')),
    series: [{ name: 'Submitted', color: '#2563eb', values: hours }],
    height: 140,
    empty: 'no job was submitted in this period.',
  });
  w.heading('Per day');
  w.table(
    [
      { header: 'Date', width: 1.2, cell: (d) => d.date },
      { header: 'Submitted', width: 1, align: 'right', cell: (d) => formatCount(d.submitted) },
      { header: 'Completed', width: 1, align: 'right', cell: (d) => formatCount(d.completed) },
      { header: 'Failed', width: 0.8, align: 'right', cell: (d) => formatCount(d.failed) },
      { header: 'Cancelled', width: 1, align: 'right', cell: (d) => formatCount(d.cancelled) },
      { header: 'Success', width: 0.9, align: 'right', cell: (d) => formatPercent(d.successRate) },
      { header: 'Peak hour', width: 1, align: 'right', cell: (d) => (d.busiestHour === null ? '—' : `${String(d.busiestHour).padStart(2, '0')}:00`) },
      { header: 'Wait p95', width: 1.2, align: 'right', cell: (d) => formatDurationMs(d.waitP95Ms) },
      { header: 'Stuck', width: 0.7, align: 'right', cell: (d) => formatCount(d.stuck) },
      { header: 'Lost', width: 0.6, align: 'right', cell: (d) => formatCount(d.workerLost) },
      { header: 'Alerts', width: 0.7, align: 'right', cell: (d) => (d.alertsFired === null ? '—' : formatCount(d.alertsFired)) },
    ],
    r.days,
  );
  w.paragraph(PERCENTILE_NOTE, { size: 8.5, color: MUTED });
  w.heading('Longest waits');
  w.table(
    [
      { header: 'Date', width: 1, cell: (x) => x.date },
      { header: 'Job', width: 2.2, cell: (x) => x.jobId },
      { header: 'Cluster', width: 1, cell: (x) => x.clusterId },
      { header: 'Type', width: 1, cell: (x) => x.type },
      { header: 'User', width: 1.2, cell: (x) => x.user },
      { header: 'Wait', width: 1, align: 'right', cell: (x) => formatDurationMs(x.waitMs) },
    ],
    r.days.flatMap((d) => d.longestWaits.slice(0, 3).map((x) => ({ ...x, date: d.date }))),
    { empty: 'No job started in this period.' },
  );
  w.heading('Stuck jobs and what was done');
  const counted = STUCK_OUTCOMES.filter((o) => r.stuckOutcomes[o] > 0);
  if (counted.length > 0) w.figures(counted.map((o) => [STUCK_OUTCOME_WORDS[o], formatCount(r.stuckOutcomes[o])]));
  w.table(
    [
      { header: 'Stuck at', width: 1.2, cell: (e) => formatInstant(e.stuckAt) },
      { header: 'Job', width: 1.5, cell: (e) => e.jobId },
      { header: 'Type', width: 0.8, cell: (e) => e.type },
      { header: 'User', width: 0.9, cell: (e) => e.user },
      { header: 'What became of it', width: 3.4, cell: (e) => describeStuckOutcome(e, formatDurationMs) },
    ],
    r.stuckJobs,
    { empty: 'No job got stuck in this period.' },
  );
}


function userUsagePdf(w: PdfWriter, r: UserUsageReport): void {
  w.figures([
    ['Users', formatCount(r.totals.users)],
    ['Jobs', formatCount(r.totals.jobs)],
    ['Compute time', formatDurationMs(r.totals.computeMs)],
  ]);
  const top = r.users.slice(0, 12);
  barChart(w, {
    title: 'Compute time by user (hours, top 12)',
    categories: top.map((u) => u.user),
    series: [{ name: 'Compute hours', color: '#2563eb', values: top.map((u) => u.computeMs / 3_600_000) }],
    format: (v) => v.toFixed(v < 10 ? 1 : 0),
    empty: 'no job finished in this period.',
  });
  w.heading('Per user');
  w.table(
    [
      { header: 'User', width: 1.6, cell: (u) => u.user },
      { header: 'Jobs', width: 0.8, align: 'right', cell: (u) => formatCount(u.jobs) },
      { header: 'Completed', width: 0.9, align: 'right', cell: (u) => formatCount(u.completed) },
      { header: 'Failed', width: 0.8, align: 'right', cell: (u) => formatCount(u.failed) },
      { header: 'Open', width: 0.7, align: 'right', cell: (u) => formatCount(u.open) },
      { header: 'Compute', width: 1.2, align: 'right', cell: (u) => formatDurationMs(u.computeMs) },
      { header: 'Share', width: 0.8, align: 'right', cell: (u) => formatPercent(u.computeShare) },
      { header: 'Avg wait', width: 1, align: 'right', cell: (u) => formatDurationMs(u.avgWaitMs) },
      { header: 'Failure rate', width: 1, align: 'right', cell: (u) => formatPercent(u.failureRate) },
    ],
    r.users,
  );
}

function performancePdf(w: PdfWriter, r: PerformanceTrendsReport): void {
  const dates = r.types[0]?.days.map((d) => d.date.slice(5)) ?? [];
  lineChart(w, {
    title: 'Run time p95 per day, by job type (minutes)',
    categories: dates,
    series: r.types.map((t) => ({ name: t.type, values: t.days.map((d) => (d.durationP95Ms === null ? null : d.durationP95Ms / 60_000)) })),
    format: (v) => v.toFixed(v < 10 ? 1 : 0),
    empty: 'no job finished in this period.',
  });
  lineChart(w, {
    title: 'Wait p95 per day, by job type (minutes)',
    categories: dates,
    series: r.types.map((t) => ({ name: t.type, values: t.days.map((d) => (d.waitP95Ms === null ? null : d.waitP95Ms / 60_000)) })),
    format: (v) => v.toFixed(v < 10 ? 1 : 0),
    empty: 'no job finished in this period.',
  });
  w.heading('This period against the one before');
  w.table(
    [
      { header: 'Type', width: 1.2, cell: (t) => t.type },
      { header: 'Finished', width: 0.9, align: 'right', cell: (t) => formatCount(t.period.finished) },
      { header: 'Per day', width: 0.8, align: 'right', cell: (t) => t.period.throughputPerDay.toFixed(1) },
      { header: 'Change', width: 0.8, align: 'right', cell: (t) => formatRelativeChange(t.change.throughput) },
      { header: 'Run p50', width: 1, align: 'right', cell: (t) => formatDurationMs(t.period.durationP50Ms) },
      { header: 'Run p95', width: 1, align: 'right', cell: (t) => formatDurationMs(t.period.durationP95Ms) },
      { header: 'Change', width: 0.8, align: 'right', cell: (t) => formatRelativeChange(t.change.durationP95) },
      { header: 'Wait p95', width: 1, align: 'right', cell: (t) => formatDurationMs(t.period.waitP95Ms) },
      { header: 'Change', width: 0.8, align: 'right', cell: (t) => formatRelativeChange(t.change.waitP95) },
      { header: 'Failures', width: 0.9, align: 'right', cell: (t) => formatPercent(t.period.failureRate) },
      { header: 'Change', width: 0.9, align: 'right', cell: (t) => formatPointChange(t.change.failureRate) },
    ],
    r.types,
    { empty: 'No job finished in this period.' },
  );
  w.paragraph(PERCENTILE_NOTE, { size: 8.5, color: MUTED });
  capacityPdf(w, r.capacity);
}

/** Capacity: per queue whether it needs more, its signals in short, and the reasons in words. */
function capacityPdf(w: PdfWriter, c: CapacitySignals): void {
  w.heading('Capacity');
  if (!c.enoughHistory) {
    w.paragraph(c.note, { color: MUTED });
    return;
  }
  const several = new Set(c.queues.map((q) => q.clusterId)).size > 1;
  const share = (v: number | null) => (v === null ? 'no history' : `${Math.round(v * 100)}%`);
  const trend = (s: FailureTrendSignal) => (s.value === null ? 'no history' : `${rateText(s.recentPerDay)} (before ${rateText(s.earlierPerDay ?? 0)})${s.increasing ? ' up' : ''}`);
  const rows = [...c.queues].sort((a, b) => Number(b.moreCapacityNeeded) - Number(a.moreCapacityNeeded));
  const recent = rows[0]?.timeouts.recentDays ?? 0;
  w.paragraph(`${c.note} Failures a day are of the last ${recent === 1 ? 'day' : `${recent} days`}, against the days before them.`, { size: 8.5, color: MUTED });
  w.table(
    [
      ...(several ? [{ header: 'Cluster', width: 1, cell: (q: QueueCapacity) => q.clusterId }] : []),
      { header: 'Type', width: 1.1, cell: (q: QueueCapacity) => q.type },
      { header: 'Capacity', width: 1.3, cell: (q: QueueCapacity) => (q.moreCapacityNeeded ? 'More needed' : [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded].every((s) => s.value === null) ? 'no history' : 'Enough') },
      { header: 'Hours waiting', width: 1, align: 'right', cell: (q: QueueCapacity) => share(q.waiting.value) },
      { header: 'Waits > threshold', width: 1.2, align: 'right', cell: (q: QueueCapacity) => share(q.waitsOverThreshold.value) },
      { header: 'Timeouts a day', width: 1.8, align: 'right', cell: (q: QueueCapacity) => trend(q.timeouts) },
      { header: 'Limit exceeded a day', width: 1.8, align: 'right', cell: (q: QueueCapacity) => trend(q.limitExceeded) },
    ],
    rows,
    { empty: 'No queue in this period.' },
  );
  const reasons = rows.flatMap((q) => [q.waiting, q.waitsOverThreshold, q.timeouts, q.limitExceeded].filter((s) => s.moreCapacityNeeded).map((s) => (several ? `${q.clusterId}: ${s.sentence}` : s.sentence)));
  if (reasons.length === 0) w.paragraph('No queue shows a sign of needing more capacity over this period.', { size: 9 });
  for (const reason of reasons) w.paragraph(`• ${reason}`, { size: 9 });
}

function rateText(n: number): string {
  return n === 0 ? '0' : n < 10 ? n.toFixed(1) : n.toFixed(0);
}

function resourcePdf(w: PdfWriter, r: ResourceUtilisationReport): void {
  w.heading('Per node');
  w.table(
    [
      { header: 'Node', width: 2.6, cell: (n) => `${n.host} (${n.clusterId})` },
      { header: 'Samples', width: 0.8, align: 'right', cell: (n) => formatCount(n.samples) },
      { header: 'CPU mean', width: 0.9, align: 'right', cell: (n) => pct(n.cpu.mean) },
      { header: 'CPU p95', width: 0.8, align: 'right', cell: (n) => pct(n.cpu.p95) },
      { header: 'CPU high', width: 0.9, align: 'right', cell: (n) => `${Math.round(n.cpu.minutesWarning)} min` },
      { header: 'Mem mean', width: 0.9, align: 'right', cell: (n) => pct(n.memory.mean) },
      { header: 'Mem p95', width: 0.8, align: 'right', cell: (n) => pct(n.memory.p95) },
      { header: 'Disk p95', width: 0.8, align: 'right', cell: (n) => pct(n.diskIo.p95) },
      { header: 'Net p95', width: 0.8, align: 'right', cell: (n) => pct(n.network.p95) },
    ],
    r.nodes,
    { empty: 'No resource samples in this period: the app was not syncing these clusters.' },
  );
  // Every hour of the period on the axis, so hours without samples (the app closed) show as gaps.
  const hourMs = 3_600_000;
  const firstHour = Math.floor(Date.parse(r.period.from) / hourMs) * hourMs;
  const axis = Array.from({ length: Math.max(0, Math.ceil((Date.parse(r.period.to) - firstHour) / hourMs)) }, (_, i) => firstHour + i * hourMs);
  for (const n of r.nodes.slice(0, 8)) {
    const byHour = new Map(n.hourly.map((h) => [Date.parse(h[0]), h]));
    const series = (k: 1 | 2 | 3 | 4) => axis.map((t) => byHour.get(t)?.[k] ?? null);
    lineChart(w, {
      title: `${n.host} (${n.clusterId}): hourly means, percent`,
      categories: axis.map((t) => new Date(t).toLocaleString('en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit' })),
      series: [
        { name: 'CPU', values: series(1) },
        { name: 'Memory', values: series(2) },
        { name: 'Disk I/O', values: series(3) },
        { name: 'Network', values: series(4) },
      ],
      maxValue: 100,
      height: 140,
      empty: 'no samples.',
    });
  }
  w.heading('Compute time, CPU and memory by job type');
  w.table(
    [
      { header: 'Type', width: 1.2, cell: (t) => t.type },
      { header: 'Jobs', width: 0.8, align: 'right', cell: (t) => formatCount(t.jobs) },
      { header: 'Compute', width: 1.2, align: 'right', cell: (t) => formatDurationMs(t.computeMs) },
      { header: 'Mean run', width: 1.2, align: 'right', cell: (t) => formatDurationMs(t.meanRunMs) },
      { header: 'CPU time', width: 1.2, align: 'right', cell: (t) => (t.measured > 0 ? formatDurationMs(t.cpuMs) : '—') },
      { header: 'Mean CPU', width: 1, align: 'right', cell: (t) => (t.meanCpuPercent === null ? '—' : `${t.meanCpuPercent.toFixed(0)}%`) },
      { header: 'Peak memory (mean / max)', width: 2, align: 'right', cell: (t) => (t.meanPeakRssBytes === null ? '—' : `${formatBytes(t.meanPeakRssBytes)} / ${formatBytes(t.maxPeakRssBytes)}`) },
    ],
    r.byType,
    { empty: 'No job finished in this period.' },
  );
}

function pct(v: number | null): string {
  return v === null ? '—' : `${v.toFixed(0)}%`;
}

function failurePdf(w: PdfWriter, r: FailureAnalysisReport): void {
  w.figures([
    ['Failed jobs', formatCount(r.totals.failed)],
    ['Patterns', formatCount(r.totals.groups)],
    ['New', formatCount(r.groups.filter((g) => g.isNew).length)],
    ['Spiking', formatCount(r.groups.filter((g) => g.spiking).length)],
  ]);
  const top = r.groups.slice(0, 10);
  barChart(w, {
    title: 'Failures per pattern (top 10)',
    categories: top.map((_, i) => `#${i + 1}`),
    series: [
      { name: 'This period', color: '#dc2626', values: top.map((g) => g.count) },
      { name: 'Period before', color: '#9ca3af', values: top.map((g) => g.previousCount) },
    ],
    empty: 'no job failed in this period.',
  });
  top.forEach((g, i) => {
    w.heading(`#${i + 1} ${g.type}: ${FAILURE_CAUSE_LABELS[g.category]}${g.isNew ? ' — new' : ''}${g.spiking ? ' — spiking' : ''}`);
    w.paragraph(g.signature, { size: 9 });
    w.paragraph(`${formatCount(g.count)} failures (period before: ${formatCount(g.previousCount)}); first seen ${formatInstant(g.firstSeenAt)}, last ${formatInstant(g.lastSeenAt)}; users: ${g.users.slice(0, 5).map((u) => `${u.user} (${u.count})`).join(', ') || '—'}`, { size: 8.5, color: MUTED });
    if (g.inCommon.length > 0) w.paragraph(`In common: ${g.inCommon.join('; ')}`, { size: 8.5 });
    if (g.steps.length > 0) w.paragraph(`What to do: ${g.steps.join(' ')}`, { size: 8.5, color: MUTED });
  });
  if (r.groups.length > top.length) {
    w.heading('Other patterns');
    w.table(
      [
        { header: 'Type', width: 1, cell: (g) => g.type },
        { header: 'Cause', width: 1.3, cell: (g) => FAILURE_CAUSE_LABELS[g.category] },
        { header: 'Pattern', width: 4, cell: (g) => g.signature },
        { header: 'Count', width: 0.7, align: 'right', cell: (g) => formatCount(g.count) },
      ],
      r.groups.slice(top.length),
    );
  }
}

export async function reportPdf(report: Report, size: PaperSize = 'A4'): Promise<Buffer> {
  const w = new PdfWriter({ size, title: report.title, subject: report.period.label });
  titlePage(w, report);
  w.newPage();
  switch (report.kind) {
    case 'daily-summary':
      dailySummaryPdf(w, report);
      break;
    case 'user-usage':
      userUsagePdf(w, report);
      break;
    case 'performance-trends':
      performancePdf(w, report);
      break;
    case 'resource-utilization':
      resourcePdf(w, report);
      break;
    case 'failure-analysis':
      failurePdf(w, report);
      break;
  }
  return w.finish(`${report.title} · ${report.period.label}`);
}
