/** Jobs: list, detail, logs, submit, single-job actions and bulk actions. */
import { z } from 'zod';
import {
  ActionResult,
  BulkActionRequest,
  BulkActionResponse,
  JobActionBody,
  JobPage,
  ListJobsQuery,
  LogsQuery,
  SubmitJobRequest,
} from '../../../contract/api.ts';
import { JobAction } from '../../../contract/domain.ts';
import { Job, JobDetail, JobId, LogPage } from '../../../contract/jobs.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { JobIdParams, NoQuery } from './common.ts';
import { idempotencyKeyOf } from './job-batch-routes.ts';

const JobActionParams = z.strictObject({ id: JobId, action: JobAction });

/** Audit target of a bulk action: the ids (counted) or the filter. */
function bulkTarget(body: unknown): string {
  const b = (body ?? {}) as { ids?: unknown; filter?: unknown };
  if (Array.isArray(b.ids)) return b.ids.length <= 5 ? `ids:${b.ids.join(',')}` : `ids:${b.ids.length} jobs`;
  if (b.filter !== undefined) return `filter:${JSON.stringify(b.filter).slice(0, 300)}`;
  return '(none)';
}

export function jobRoutes(): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/jobs',
      access: 'viewer',
      tag: 'jobs',
      summary: 'Keyset-paginated job list; filter by state, type, user, priority, text; sort=position lists pending jobs in run order',
      query: ListJobsQuery,
      response: JobPage,
      async handler({ engine, query }) {
        return { body: await engine.listJobs(query) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/jobs',
      access: 'operator',
      tag: 'jobs',
      summary:
        'Submit a job; its config is validated by the type’s schema (400 with field errors, nothing enqueued). ' +
        'Idempotency-Key header: a repetition within 24 h answers the first job',
      query: NoQuery,
      body: SubmitJobRequest,
      response: Job,
      status: 201,
      audit: { action: 'job.submit', target: (_p, body) => `type:${String((body as { type?: unknown })?.type ?? '?')}` },
      async handler({ engine, body, actor, request }) {
        const job = await engine.submit(body, actor!, { idempotencyKey: idempotencyKeyOf(request) });
        return { status: 201, body: job, auditResult: 'ok', auditTarget: job.id };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/jobs/bulk',
      access: 'operator',
      tag: 'jobs',
      summary: 'An action on many jobs (ids or a filter), run in chunks; a dry run only counts',
      query: NoQuery,
      body: BulkActionRequest,
      response: BulkActionResponse,
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
    defineRoute({
      method: 'GET',
      url: '/api/v1/jobs/:id',
      access: 'viewer',
      tag: 'jobs',
      summary: 'Job detail: overview, config, progress steps, logs tail, error, result, resources',
      params: JobIdParams,
      query: NoQuery,
      response: JobDetail,
      async handler({ engine, params }) {
        return { body: await engine.getJob(params.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/jobs/:id/logs',
      access: 'viewer',
      tag: 'jobs',
      summary: 'A page of a job’s log lines',
      params: JobIdParams,
      query: LogsQuery,
      response: LogPage,
      async handler({ engine, params, query }) {
        return { body: await engine.getLogs(params.id, query.offset, query.limit) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/jobs/:id/actions/:action',
      access: 'operator',
      tag: 'jobs',
      summary: 'cancel, stop, force-stop, pause, resume, retry, delete or set-priority one job (409 when the state does not allow it)',
      params: JobActionParams,
      query: NoQuery,
      body: JobActionBody,
      bodyOptional: true,
      response: ActionResult,
      audit: { action: (p) => `job.${p.action ?? '?'}`, target: (p) => p.id ?? '?' },
      async handler({ engine, params, body, actor }) {
        const res = await engine.jobAction(params.id, params.action, body, actor!);
        return { body: res, auditResult: res.message ? `${res.outcome}: ${res.message}` : res.outcome };
      },
    }),
  ];
}
