/**
 * Schedules: cron jobs run by BullMQ's job schedulers (one per schedule, on the job type's queue),
 * with our metadata (name, user, paused) kept next to them in the SharedStore's settings.
 */
import { randomUUID } from 'node:crypto';
import { type CreateScheduleRequest, describeZodError, fieldErrors, type Schedule } from '../../contract/api.ts';
import { BULLMQ_PRIORITY } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import type { EngineContext } from './engine-context.ts';
import { EngineError, type JobData } from './job-engine.ts';

const scheduleKey = (id: string) => `schedule:${id}`;

type StoredSchedule = Omit<Schedule, 'nextRunAt'>;

async function nextRunOf(ctx: EngineContext, s: StoredSchedule): Promise<string | null> {
  if (s.paused) return null;
  const scheduler = await ctx.queue(s.type).getJobScheduler(s.id);
  return scheduler?.next ? new Date(scheduler.next).toISOString() : null;
}

export async function listSchedules(ctx: EngineContext): Promise<Schedule[]> {
  const stored = await ctx.store.listSettings<StoredSchedule>('schedule:');
  return Promise.all(stored.map(async ({ value }) => ({ ...value, nextRunAt: await nextRunOf(ctx, value) })));
}

async function upsertScheduler(ctx: EngineContext, s: StoredSchedule): Promise<void> {
  const data: JobData = { user: s.user, priority: s.priority, config: s.config };
  await ctx.queue(s.type).upsertJobScheduler(
    s.id,
    { pattern: s.cron, ...(s.timezone ? { tz: s.timezone } : {}) },
    { name: s.type, data, opts: { priority: BULLMQ_PRIORITY[s.priority] } },
  );
}

/**
 * A new schedule from a parsed request (the route's schema); the config is checked here against
 * the job type's schema, and the cron by BullMQ.
 */
export async function createSchedule(ctx: EngineContext, request: CreateScheduleRequest): Promise<Schedule> {
  const config = JOB_CONFIG_SCHEMAS[request.type].safeParse(request.config);
  if (!config.success) throw new EngineError('validation_failed', describeZodError(config.error, 'config'), fieldErrors(config.error, 'config'));
  const schedule: StoredSchedule = {
    id: `schedule-${randomUUID().slice(0, 8)}`,
    name: request.name,
    type: request.type,
    user: request.user,
    priority: request.priority,
    config: config.data as Record<string, unknown>,
    cron: request.cron,
    ...(request.timezone ? { timezone: request.timezone } : {}),
    paused: false,
  };
  try {
    await upsertScheduler(ctx, schedule);
  } catch (error) {
    throw new EngineError('validation_failed', `cron: ${(error as Error).message}`, [{ path: 'cron', message: (error as Error).message }]);
  }
  await ctx.store.putSetting(scheduleKey(schedule.id), schedule);
  return { ...schedule, nextRunAt: await nextRunOf(ctx, schedule) };
}

export async function setSchedulePaused(ctx: EngineContext, id: string, paused: boolean): Promise<Schedule> {
  const s = await ctx.store.getSetting<StoredSchedule>(scheduleKey(id));
  if (!s) throw new EngineError('not_found', `no schedule '${id}'`);
  const next = { ...s, paused };
  if (paused) await ctx.queue(s.type).removeJobScheduler(id);
  else await upsertScheduler(ctx, next);
  await ctx.store.putSetting(scheduleKey(id), next);
  return { ...next, nextRunAt: await nextRunOf(ctx, next) };
}

export async function deleteSchedule(ctx: EngineContext, id: string): Promise<void> {
  const s = await ctx.store.getSetting<StoredSchedule>(scheduleKey(id));
  if (!s) throw new EngineError('not_found', `no schedule '${id}'`);
  await ctx.queue(s.type).removeJobScheduler(id);
  await ctx.store.deleteSetting(scheduleKey(id));
}
