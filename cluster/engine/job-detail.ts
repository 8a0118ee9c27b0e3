/**
 * The job detail view and log pages: the index row (overview) plus what only BullMQ has — config,
 * logs, stack trace, result, children — and the resource samples recorded from progress reports.
 *
 * Log convention (shared with cluster/workers): each `job.log()` line is JSON
 * `{"at": ISO, "level": "info"|…, "message": "…"}`; plain lines are shown as info lines.
 */
import { JobResult, LogLevel, type JobDetail, type JobStep, type LogLine, type LogPage } from '../../contract/jobs.ts';
import type { Job as BullJob } from 'bullmq';
import type { EngineContext } from './engine-context.ts';
import { cancelReasonOf, flowChildIds, jobDataOf, parentIdOf, progressReportOf } from './job-record.ts';
import { EngineError } from './job-engine.ts';

const TAIL = 20;
/** Settings key of a job's resource samples (kept by the recorder from progress reports). */
export function jobResourcesKey(jobId: string): string {
  return `jobres:${jobId}`;
}
export const MAX_JOB_SAMPLES = 240;

export interface JobSample {
  at: string;
  cpuPercent: number;
  rssBytes: number;
}

/** Keeps the resource sample of a job's progress report (the newest MAX_JOB_SAMPLES). */
export async function keepJobSample(ctx: EngineContext, jobId: string, report: { at: string; cpuPercent?: number; rssBytes?: number }): Promise<void> {
  if (report.cpuPercent === undefined && report.rssBytes === undefined) return;
  const key = jobResourcesKey(jobId);
  const samples = (await ctx.store.getSetting<JobSample[]>(key)) ?? [];
  samples.push({ at: report.at, cpuPercent: Math.max(0, report.cpuPercent ?? 0), rssBytes: Math.max(0, report.rssBytes ?? 0) });
  await ctx.store.putSetting(key, samples.slice(-MAX_JOB_SAMPLES));
}

export function parseLogLine(raw: string, seq: number, fallbackAt: string): LogLine {
  try {
    const v = JSON.parse(raw) as { at?: unknown; level?: unknown; message?: unknown };
    if (typeof v === 'object' && v !== null && typeof v.message === 'string') {
      const at = typeof v.at === 'string' && !Number.isNaN(Date.parse(v.at)) ? new Date(Date.parse(v.at)).toISOString() : fallbackAt;
      const level = LogLevel.safeParse(v.level);
      return { seq, at, level: level.success ? level.data : 'info', message: v.message.slice(0, 10_000) };
    }
  } catch {
    // a plain text line
  }
  return { seq, at: fallbackAt, level: 'info', message: raw.slice(0, 10_000) };
}

/** Steps from the last progress report: done before the current one, then the current, then pending. */
export function stepsOf(progress: ReturnType<typeof progressReportOf>, state: JobDetail['state']): JobStep[] {
  if (!progress) return [];
  const names = progress.steps && progress.steps.length === progress.stepCount ? progress.steps : null;
  return Array.from({ length: progress.stepCount }, (_, index) => {
    const name = names?.[index] ?? (index === progress.stepIndex ? progress.step : `Step ${index + 1}`);
    let status: JobStep['status'];
    if (index < progress.stepIndex) status = 'done';
    else if (index > progress.stepIndex) status = state === 'completed' ? 'done' : state === 'failed' || state === 'cancelled' ? 'skipped' : 'pending';
    else status = state === 'completed' ? 'done' : state === 'failed' || state === 'cancelled' ? 'failed' : 'running';
    return { index, name, status };
  });
}

export async function jobDetail(ctx: EngineContext, id: string): Promise<JobDetail> {
  const row = await ctx.store.getRow(id);
  const type = row?.type ?? (await ctx.typeOf(id));
  const bull = type ? ((await ctx.queue(type).getJob(id)) as BullJob | undefined) : undefined;
  if (!row && !bull) throw new EngineError('not_found', `no job '${id}' in this cluster`);
  const [job] = row ? await ctx.presentAll([row]) : [];
  if (!job) throw new EngineError('not_found', `job '${id}' is not indexed yet: try again in a moment`);
  const data = jobDataOf(bull?.data ?? row?.payload?.data);
  const fallbackAt = job.updatedAt;
  let logsTail: LogLine[] = [];
  let logCount = 0;
  if (bull && type) {
    const { logs, count } = await ctx.queue(type).getJobLogs(id, 0, TAIL - 1, false);
    logCount = count;
    logsTail = logs.map((l, i) => parseLogLine(l, count - 1 - i, fallbackAt)).reverse();
  }
  const result = bull?.returnvalue === undefined || bull?.returnvalue === null ? null : JobResult.safeParse(bull.returnvalue);
  const samples = (await ctx.store.getSetting<JobSample[]>(jobResourcesKey(id))) ?? [];
  const last = samples.at(-1);
  const children = await childrenOf(ctx, bull);
  return {
    ...job,
    parentId: job.parentId ?? parentIdOf(bull?.parentKey),
    config: data.config,
    steps: stepsOf(progressReportOf(bull?.progress ?? job.progress), job.state),
    logsTail,
    logCount,
    errorStack: bull?.stacktrace?.length ? bull.stacktrace.join('\n').slice(0, 100_000) : null,
    result: result?.success ? result.data : null,
    resources: {
      cpuPercent: last?.cpuPercent ?? null,
      rssBytes: last?.rssBytes ?? null,
      peakRssBytes: samples.length > 0 ? Math.max(...samples.map((s) => s.rssBytes)) : null,
      samples,
    },
    children,
    dependsOn: data.dependsOn ?? [],
    cancelReason: job.state === 'cancelled' ? cancelReasonOf(job.errorMessage) : null,
  };
}

async function childrenOf(ctx: EngineContext, bull: BullJob | undefined): Promise<JobDetail['children']> {
  if (!bull) return [];
  try {
    const ids = flowChildIds(await bull.getDependencies());
    if (ids.length === 0) return [];
    const rows = await ctx.store.getRows(ids);
    return ctx.presentAll([...rows.values()]);
  } catch {
    return [];
  }
}

export async function jobLogs(ctx: EngineContext, id: string, offset: number, limit: number): Promise<LogPage> {
  const type = await ctx.typeOf(id);
  const bull = type ? await ctx.queue(type).getJob(id) : undefined;
  if (!type || !bull) {
    if (await ctx.store.getRow(id)) return { items: [], total: 0, nextOffset: null };
    throw new EngineError('not_found', `no job '${id}' in this cluster`);
  }
  const { logs, count } = await ctx.queue(type).getJobLogs(id, offset, offset + limit - 1, true);
  const at = new Date(bull.timestamp).toISOString();
  const items = logs.map((l, i) => parseLogLine(l, offset + i, at));
  return { items, total: count, nextOffset: offset + items.length < count ? offset + items.length : null };
}
