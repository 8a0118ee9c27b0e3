/** Cron schedules and maintenance windows. */
import { SCHEDULE_ROUTES } from '../../../contract/api-routes.ts';
import { handle, type ServedRoute } from '../route.ts';
import { NO_CONTENT } from './common.ts';

export function scheduleRoutes(): ServedRoute[] {
  return [
    handle(SCHEDULE_ROUTES.listSchedules, {
      async handler({ engine }) {
        return { body: await engine.listSchedules() };
      },
    }),
    handle(SCHEDULE_ROUTES.createSchedule, {
      audit: { action: 'schedule.create', target: (_p, body) => `name:${String((body as { name?: unknown })?.name ?? '?')}` },
      async handler({ engine, body, actor }) {
        const s = await engine.createSchedule(body, actor!);
        return { status: 201, body: s, auditTarget: s.id };
      },
    }),
    handle(SCHEDULE_ROUTES.scheduleAction, {
      audit: { action: (p) => `schedule.${p.action ?? '?'}`, target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        return { body: await engine.setSchedulePaused(params.id, params.action === 'pause', actor!) };
      },
    }),
    handle(SCHEDULE_ROUTES.deleteSchedule, {
      audit: { action: 'schedule.delete', target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        await engine.deleteSchedule(params.id, actor!);
        return NO_CONTENT;
      },
    }),
    handle(SCHEDULE_ROUTES.listMaintenanceWindows, {
      async handler({ engine }) {
        return { body: await engine.listMaintenanceWindows() };
      },
    }),
    handle(SCHEDULE_ROUTES.createMaintenanceWindow, {
      audit: { action: 'maintenance-window.create', target: (_p, body) => `name:${String((body as { name?: unknown })?.name ?? '?')}` },
      async handler({ engine, body, actor }) {
        const w = await engine.createMaintenanceWindow(body, actor!);
        return { status: 201, body: w, auditTarget: w.id };
      },
    }),
    handle(SCHEDULE_ROUTES.deleteMaintenanceWindow, {
      audit: { action: 'maintenance-window.delete', target: (p) => p.id ?? '?' },
      async handler({ engine, params, actor }) {
        await engine.deleteMaintenanceWindow(params.id, actor!);
        return NO_CONTENT;
      },
    }),
  ];
}
