/** One scheduled run: the report for the days before its time, written where the schedule says. */
import type { JobCache } from '../cache/job-cache.ts';
import { buildReport } from './build-report.ts';
import { failureFactsOf } from './failure-analysis.ts';
import { reportBytes } from './report-files.ts';
import { periodOfRun, type ScheduledRun } from './report-scheduler.ts';
import type { ReportMailer } from './report-mailer.ts';
import type { SavedReports } from './saved-reports.ts';

export async function runScheduledReport(ctx: { cache: JobCache; saved: SavedReports; mailer?: ReportMailer; now?: () => number }, run: ScheduledRun): Promise<string> {
  const now = (ctx.now ?? Date.now)();
  const { schedule } = run;
  const request = { kind: schedule.kind, ...periodOfRun(schedule.period, run.due), ...(schedule.clusters ? { clusters: schedule.clusters } : {}) };
  const report = buildReport({ db: ctx.cache.db, failures: failureFactsOf(ctx.cache.failures, now) }, request, now);
  const { bytes } = await reportBytes(report, schedule.format);
  const file = ctx.saved.save({ kind: schedule.kind, format: schedule.format, createdAt: new Date(now).toISOString(), scheduleId: schedule.id, note: run.note ?? report.period.label }, bytes, schedule.folder);
  if (!schedule.emailTo?.length) return `wrote ${file}`;
  if (!ctx.mailer) return `wrote ${file}; not emailed: this app has no mail set up`;
  const name = file.split(/[\\/]/).pop()!;
  const text = [`${report.title}, ${report.period.label}.`, ...report.coverage.map((c) => `${c.clusterId}: ${c.note}.`), run.note ? `Note: ${run.note}.` : '', '', 'Sent by Sigmatiq Admin Jobs.'].join('\n');
  const mailed = await ctx.mailer.send(schedule.emailTo, `${report.title} · ${report.period.label}`, text, { filename: name, content: bytes });
  return `wrote ${file}; ${mailed}`;
}
