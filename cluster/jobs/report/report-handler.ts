/**
 * The report job: `jobs-summary` (finished jobs of the last `sinceHours`, from the runtime's
 * `finishedJobs` resolver) or `sweep-results` (a sweep's ranked table, from `jobResult`), written
 * as CSV, JSON and/or PDF.
 */
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import type { ReportConfig } from '../../../contract/job-configs.ts';
import type { JobOutput, JobResult } from '../../../contract/jobs.ts';
import type { JobContext } from '../job-context.ts';
import { BadInputError } from '../job-errors.ts';
import type { JobHandler } from '../job-handler.ts';
import { toCsv, writeOutputFile } from '../output-files.ts';
import { formatDuration, type JobsSummary, summariseJobs } from './jobs-summary.ts';
import { type PdfReport, renderReportPdf } from './report-pdf.ts';

type Cell = string | number | boolean | null;

/** What a report kind produces before it is written in the requested formats. */
interface ReportContent {
  baseName: string;
  csv: { columns: string[]; rows: Cell[][] };
  json: unknown;
  pdf: PdfReport;
  table: { columns: string[]; rows: Cell[][] };
  metrics: JobResult['metrics'];
  nextSteps: string[];
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

async function jobsSummaryContent(ctx: JobContext<ReportConfig>): Promise<ReportContent> {
  if (!ctx.resolvers.finishedJobs) throw new BadInputError('this worker cannot read job records (no finishedJobs resolver); run the report on a cluster worker');
  const until = new Date();
  const since = new Date(until.getTime() - ctx.config.sinceHours * 3_600_000);
  const jobs = await ctx.resolvers.finishedJobs(since, until);
  ctx.progress(0.5, `${jobs.length} job records`);
  await ctx.step('Summarise', `${jobs.length} jobs`);
  const s: JobsSummary = summariseJobs(jobs, since, until);
  const columns = ['type', 'finished', 'completed', 'failed', 'cancelled', 'successRate', 'meanMs', 'p50Ms', 'p95Ms', 'maxMs'];
  const rows: Cell[][] = [...s.byType, s.total].map((t) => [t.type, t.finished, t.completed, t.failed, t.cancelled, t.successRate === null ? null : Math.round(t.successRate * 10_000) / 10_000, t.meanMs, t.p50Ms, t.p95Ms, t.maxMs]);
  const period = `${s.since.slice(0, 16).replace('T', ' ')} to ${s.until.slice(0, 16).replace('T', ' ')} UTC (last ${ctx.config.sinceHours} h)`;
  const top = s.failureReasons[0];
  return {
    baseName: 'jobs-summary',
    csv: { columns, rows },
    json: s,
    table: { columns, rows },
    pdf: {
      title: 'Sigmatiq jobs summary',
      period,
      generatedAt: until.toISOString().slice(0, 19).replace('T', ' ') + ' UTC',
      figures: [
        ['Finished jobs', String(s.total.finished)],
        ['Completed / failed / cancelled', `${s.total.completed} / ${s.total.failed} / ${s.total.cancelled}`],
        ['Success rate', pct(s.total.successRate)],
        ['Median duration', formatDuration(s.total.p50Ms)],
      ],
      tables: [
        {
          heading: 'By job type',
          columns: [{ header: 'Type' }, ...['Finished', 'Completed', 'Failed', 'Cancelled', 'Success', 'Mean', 'Median', 'p95', 'Longest'].map((h) => ({ header: h, align: 'right' as const }))],
          rows: [...s.byType, s.total].map((t) => [t.type === 'all' ? 'All types' : JOB_TYPE_LABELS[t.type], String(t.finished), String(t.completed), String(t.failed), String(t.cancelled), pct(t.successRate), formatDuration(t.meanMs), formatDuration(t.p50Ms), formatDuration(t.p95Ms), formatDuration(t.maxMs)]),
        },
        {
          heading: 'Failure reasons',
          columns: [{ header: 'Reason' }, { header: 'Count', align: 'right' }, { header: 'Types' }, { header: 'Last seen' }, { header: 'Example job' }],
          rows: s.failureReasons.map((r) => [r.reason, String(r.count), r.types.map((t) => JOB_TYPE_LABELS[t]).join(', '), r.lastAt.slice(0, 16).replace('T', ' '), r.exampleJobId]),
          empty: 'No failed jobs in this period.',
        },
      ],
    },
    metrics: {
      finished: s.total.finished,
      completed: s.total.completed,
      failed: s.total.failed,
      cancelled: s.total.cancelled,
      successRate: s.total.successRate === null ? null : Math.round(s.total.successRate * 10_000) / 10_000,
      medianDurationMs: s.total.p50Ms,
      topFailure: top ? `${top.reason} (${top.count}×)` : null,
      since: s.since,
      until: s.until,
    },
    nextSteps: [
      top ? `Most frequent failure: "${top.reason}" (${top.count}×, e.g. job ${top.exampleJobId}); open that job's log.` : 'No failures in this period.',
      ...s.byType.filter((t) => t.successRate !== null && t.successRate < 0.9).map((t) => `${JOB_TYPE_LABELS[t.type as keyof typeof JOB_TYPE_LABELS]} jobs succeed only ${pct(t.successRate)} of the time; look at their failure reasons.`),
    ],
  };
}

async function sweepResultsContent(ctx: JobContext<ReportConfig>): Promise<ReportContent> {
  const id = ctx.config.sourceJobId;
  if (!id) throw new BadInputError('a sweep-results report needs sourceJobId: the id of a completed sweep job');
  if (!ctx.resolvers.jobResult) throw new BadInputError('this worker cannot read other jobs’ results (no jobResult resolver)');
  const { job, result } = await ctx.resolvers.jobResult(id);
  if (job.type !== 'sweep') throw new BadInputError(`job ${id} is a ${job.type} job, not a sweep; give the id of a sweep`);
  if (!result?.table) throw new BadInputError(`sweep ${id} has no results (it is ${job.state}); report on it once it has completed`);
  ctx.progress(1, `sweep ${id}: ${result.table.rows.length} parameter sets`);
  await ctx.step('Summarise', `${result.table.rows.length} parameter sets`);
  const { columns, rows } = result.table;
  const fmt = (col: string, v: Cell): string => {
    if (v === null) return '–';
    if (typeof v !== 'number') return String(v);
    if (['totalReturn', 'cagr', 'maxDrawdown', 'winRate'].includes(col)) return pct(v);
    if (col === 'sharpe') return v.toFixed(2);
    return String(v);
  };
  const numeric = new Set(['rank', 'fastWindow', 'slowWindow', 'lookback', 'threshold', 'sharpe', 'totalReturn', 'cagr', 'maxDrawdown', 'trades', 'winRate']);
  const m = result.metrics;
  const period = m.start && m.end ? `backtests from ${String(m.start)} to ${String(m.end)}${m.symbols ? ` on ${String(m.symbols)}` : ''}` : 'backtest range not recorded';
  return {
    baseName: `sweep-${id}-results`,
    csv: { columns, rows },
    json: { sweepJobId: id, user: job.user, finishedAt: job.finishedAt, metrics: result.metrics, table: result.table },
    table: { columns, rows },
    pdf: {
      title: `Sweep ${id}: ranked parameter sets`,
      period: `${period}; sweep finished ${job.finishedAt ? job.finishedAt.slice(0, 16).replace('T', ' ') + ' UTC' : '–'}`,
      generatedAt: new Date().toISOString().slice(0, 19).replace('T', ' ') + ' UTC',
      figures: [
        ['Strategy', String(result.metrics.strategy ?? '–')],
        ['Ranked by', String(result.metrics.rankBy ?? '–')],
        ['Best parameter set', String(result.metrics.best ?? '–')],
        ['Parameter sets', `${rows.length} (${String(result.metrics.failed ?? 0)} failed)`],
      ],
      tables: [
        {
          heading: 'Parameter sets, best first',
          columns: columns.map((c) => ({ header: c, align: numeric.has(c) ? ('right' as const) : ('left' as const) })),
          rows: rows.map((r) => r.map((v, j) => fmt(columns[j]!, v))),
        },
      ],
    },
    metrics: { sweepJobId: id, parameterSets: rows.length, best: result.metrics.best ?? null, rankBy: result.metrics.rankBy ?? null },
    nextSteps: [`Best parameter set of sweep ${id}: ${String(result.metrics.best)}.`, 'Share the PDF, or load the CSV into a spreadsheet to compare parameter sets.'],
  };
}

export const reportHandler: JobHandler<'report'> = {
  type: 'report',
  steps: [
    { name: 'Collect data', weight: 1 },
    { name: 'Summarise', weight: 1 },
    { name: 'Write files', weight: 2 },
  ],
  async run(ctx) {
    const config = ctx.config;
    await ctx.step('Collect data', config.kind);
    const content = config.kind === 'jobs-summary' ? await jobsSummaryContent(ctx) : await sweepResultsContent(ctx);
    await ctx.step('Write files', config.formats.join(', '));
    const outputs: JobOutput[] = [];
    for (const [i, format] of config.formats.entries()) {
      const name = `${content.baseName}.${format}`;
      if (format === 'csv') outputs.push(await writeOutputFile(ctx.outputDir, name, toCsv(content.csv.columns, content.csv.rows), 'csv'));
      else if (format === 'json') outputs.push(await writeOutputFile(ctx.outputDir, name, JSON.stringify(content.json, null, 2) + '\n', 'json'));
      else outputs.push(await writeOutputFile(ctx.outputDir, name, await renderReportPdf(content.pdf), 'pdf'));
      ctx.progress((i + 1) / config.formats.length, `wrote ${name}`);
    }
    return { outputs, metrics: content.metrics, table: content.table, nextSteps: content.nextSteps };
  },
};
