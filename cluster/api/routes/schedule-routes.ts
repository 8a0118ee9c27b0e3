/** Cron schedules and maintenance windows. */
import { z } from 'zod';
import { CreateMaintenanceWindowRequest, CreateScheduleRequest, MaintenanceWindow, Schedule } from '../../../contract/api.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NO_CONTENT, NoQuery, RecordId, RecordIdParams } from './common.ts';

const ScheduleActionParams = z.strictObject({ id: RecordId, action: z.enum(['pause', 'resume']) });

export function scheduleRoutes(): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/schedules',
      access: 'viewer',
      tag: 'schedules',
      summary: 'Cron schedules that submit jobs',
      query: NoQuery,
      response: z.array(Schedule),
      async handler({ engine }) {
        return { body: await engine.listSchedules() };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/schedules',
      access: 'admin',
      tag: 'schedules',
      summary: 'Create a cron schedule',
      query: NoQuery,
      body: CreateScheduleRequest,
      response: Schedule,
      status: 201,
      audit: { action: 'schedule.create', target: (_p, body) => `name:${String((body as { name?: unknown })?.name ?? '?')}` },
      async handler({ engine, body, actor }) {
        const s = await engine.createSchedule(body, actor!);
        return { status: 201, body: s, auditTarget: s.id };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/schedules/:id/actions/:action',
      access: 'admin',
      tag: 'schedules',
      summary: 'Pause or resume a schedule',
      params: ScheduleActionParams,
      query: NoQuery,
      response: Schedule,
      audit: { action: (p) => `schedule.${p.action ?? '?'}`, target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        return { body: await engine.setSchedulePaused(params.id, params.action === 'pause', actor!) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/schedules/:id',
      access: 'admin',
      tag: 'schedules',
      summary: 'Delete a schedule',
      params: RecordIdParams,
      query: NoQuery,
      status: 204,
      audit: { action: 'schedule.delete', target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        await engine.deleteSchedule(params.id, actor!);
        return NO_CONTENT;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/maintenance-windows',
      access: 'viewer',
      tag: 'schedules',
      summary: 'Maintenance windows (queues paused while active)',
      query: NoQuery,
      response: z.array(MaintenanceWindow),
      async handler({ engine }) {
        return { body: await engine.listMaintenanceWindows() };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/maintenance-windows',
      access: 'admin',
      tag: 'schedules',
      summary: 'Create a maintenance window',
      query: NoQuery,
      body: CreateMaintenanceWindowRequest,
      response: MaintenanceWindow,
      status: 201,
      audit: { action: 'maintenance-window.create', target: (_p, body) => `name:${String((body as { name?: unknown })?.name ?? '?')}` },
      async handler({ engine, body, actor }) {
        const w = await engine.createMaintenanceWindow(body, actor!);
        return { status: 201, body: w, auditTarget: w.id };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/maintenance-windows/:id',
      access: 'admin',
      tag: 'schedules',
      summary: 'Delete a maintenance window',
      params: RecordIdParams,
      query: NoQuery,
      status: 204,
      audit: { action: 'maintenance-window.delete', target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        await engine.deleteMaintenanceWindow(params.id, actor!);
        return NO_CONTENT;
      },
    }),
  ];
}
