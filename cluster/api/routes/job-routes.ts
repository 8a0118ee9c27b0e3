/** Jobs: list, detail, logs, submit, single-job actions and bulk actions. */
import { JOB_ROUTES } from '../../../contract/api-routes.ts';
import { handle, type ServedRoute } from '../route.ts';
import { idempotencyKeyOf } from './job-batch-routes.ts';

/** Audit target of a bulk action: the ids (counted) or the filter. */
function bulkTarget(body: unknown): string {
  const b = (body ?? {}) as { ids?: unknown; filter?: unknown };
  if (Array.isArray(b.ids)) return b.ids.length <= 5 ? `ids:${b.ids.join(',')}` : `ids:${b.ids.length} jobs`;
  if (b.filter !== undefined) return `filter:${JSON.stringify(b.filter).slice(0, 300)}`;
  return '(none)';
}

export function jobRoutes(): ServedRoute[] {
  return [
    handle(JOB_ROUTES.listJobs, {
      async handler({ engine, query }) {
        return { body: await engine.listJobs(query) };
      },
    }),
    handle(JOB_ROUTES.submitJob, {
      audit: { action: 'job.submit', target: (_p, body) => `type:${String((body as { type?: unknown })?.type ?? '?')}` },
      async handler({ engine, body, actor, request }) {
        const job = await engine.submit(body, actor!, { idempotencyKey: idempotencyKeyOf(request) });
        return { status: 201, body: job, auditResult: 'ok', auditTarget: job.id };
      },
    }),
    handle(JOB_ROUTES.bulkAction, {
      audit: {
        action: (_p, body) => `jobs.bulk.${String((body as { action?: unknown })?.action ?? '?')}`,
        target: (_p, body) => bulkTarget(body),
      },
      async handler({ engine, body, actor }) {
        const res = await engine.bulkAction(body, actor!);
        const words = `${res.dryRun ? 'dry run: ' : ''}${body.action} matched=${res.matched} ok=${res.ok} skipped=${res.skipped} failed=${res.failed}`;
        return { body: res, auditResult: words };
      },
    }),
    handle(JOB_ROUTES.getJob, {
      async handler({ engine, params }) {
        return { body: await engine.getJob(params.id) };
      },
    }),
    handle(JOB_ROUTES.jobLogs, {
      async handler({ engine, params, query }) {
        return { body: await engine.getLogs(params.id, query.offset, query.limit) };
      },
    }),
    handle(JOB_ROUTES.jobAction, {
      audit: { action: (p) => `job.${p.action ?? '?'}`, target: (p) => p.id ?? '?' },
      async handler({ engine, params, body, actor }) {
        const res = await engine.jobAction(params.id, params.action, body, actor!);
        return { body: res, auditResult: res.message ? `${res.outcome}: ${res.message}` : res.outcome };
      },
    }),
  ];
}
