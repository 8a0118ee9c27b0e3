/**
 * The cluster's other records, kept in the SharedStore's settings: schedules (cron jobs, run by
 * BullMQ's job schedulers, with our metadata next to them), maintenance windows, the worker
 * registry (written by worker nodes) and system resource samples.
 *
 * Worker nodes register themselves with `putSetting(workerKey(id), WorkerRegistration)` and
 * refresh `lastHeartbeatAt`; a node silent for WORKER_LOST_AFTER_MS is shown as lost.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateMaintenanceWindowRequest,
  CreateScheduleRequest,
  describeZodError,
  fieldErrors,
  type MaintenanceWindow,
  type Schedule,
} from '../../contract/api.ts';
import { BULLMQ_PRIORITY } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import type { ResourceSample, WorkerNode } from '../../contract/metrics.ts';
import type { z } from 'zod';
import type { EngineContext } from './engine-context.ts';
import { EngineError, type JobData } from './job-engine.ts';

/**
 * Three missed heartbeats (worker-registry.ts beats every third of this): short enough that a dead
 * node's jobs read as "worker lost" well before BullMQ's stalled check takes them back (lock
 * duration 20 s, checked every 10 s), long enough that one slow write never marks a node lost.
 */
export const WORKER_LOST_AFTER_MS = 9_000;

export function isWorkerLost(lastHeartbeatAt: string, now: number): boolean {
  return now - Date.parse(lastHeartbeatAt) > WORKER_LOST_AFTER_MS;
}

/** Ids of the registered worker nodes that are lost now. */
export async function lostNodeIds(store: EngineContext['store'], now: number): Promise<Set<string>> {
  const regs = await store.listSettings<WorkerRegistration>('worker:');
  return new Set(regs.filter(({ value }) => isWorkerLost(value.lastHeartbeatAt, now)).map(({ value }) => value.id));
}
export const workerKey = (id: string) => `worker:${id}`;
const scheduleKey = (id: string) => `schedule:${id}`;
const windowKey = (id: string) => `maintenance:${id}`;

/** What a worker node writes about itself (WorkerNode without the computed status). */
export type WorkerRegistration = Omit<WorkerNode, 'status'>;

type StoredSchedule = Omit<Schedule, 'nextRunAt'>;

export async function listWorkers(ctx: EngineContext): Promise<WorkerNode[]> {
  const now = Date.now();
  const regs = await ctx.store.listSettings<WorkerRegistration>('worker:');
  return regs.map(({ value }) => ({
    ...value,
    status: isWorkerLost(value.lastHeartbeatAt, now) ? 'lost' : 'online',
  }));
}

export async function listResources(ctx: EngineContext, since: string | undefined, nodeId: string | undefined): Promise<ResourceSample[]> {
  const from = since ? Date.parse(since) : Date.now() - 3600_000;
  return ctx.store.readSamples(from, nodeId, 5000);
}

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

export async function createSchedule(ctx: EngineContext, input: z.input<typeof CreateScheduleRequest>): Promise<Schedule> {
  const parsed = CreateScheduleRequest.safeParse(input);
  if (!parsed.success) throw new EngineError('validation_failed', describeZodError(parsed.error), fieldErrors(parsed.error));
  const request = parsed.data;
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

type StoredWindow = Omit<MaintenanceWindow, 'status'>;

export function windowStatus(w: StoredWindow, now: number): MaintenanceWindow['status'] {
  if (now < Date.parse(w.startsAt)) return 'upcoming';
  return now < Date.parse(w.endsAt) ? 'active' : 'over';
}

export async function listMaintenanceWindows(ctx: EngineContext): Promise<MaintenanceWindow[]> {
  const now = Date.now();
  const stored = await ctx.store.listSettings<StoredWindow>('maintenance:');
  return stored.map(({ value }) => ({ ...value, status: windowStatus(value, now) })).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

export async function createMaintenanceWindow(ctx: EngineContext, input: z.input<typeof CreateMaintenanceWindowRequest>): Promise<MaintenanceWindow> {
  const parsed = CreateMaintenanceWindowRequest.safeParse(input);
  if (!parsed.success) throw new EngineError('validation_failed', describeZodError(parsed.error), fieldErrors(parsed.error));
  const w: StoredWindow = { id: `window-${randomUUID().slice(0, 8)}`, ...parsed.data };
  await ctx.store.putSetting(windowKey(w.id), w);
  return { ...w, status: windowStatus(w, Date.now()) };
}

export async function deleteMaintenanceWindow(ctx: EngineContext, id: string): Promise<void> {
  if (!(await ctx.store.deleteSetting(windowKey(id)))) throw new EngineError('not_found', `no maintenance window '${id}'`);
}
