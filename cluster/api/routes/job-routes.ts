/** Jobs: list, detail, logs, submit, single-job actions and bulk actions. */
import { JOB_ROUTES } from '../../../contract/api-routes.ts';
import { isNoteAction, noteActionProblem, sendOwnerNote, type NotifyUser } from '../../alerts/delivery/owner-note.ts';
import { ApiFailure } from '../api-error.ts';
import { handle, type ServedRoute } from '../route.ts';
import { idempotencyKeyOf } from './job-batch-routes.ts';

/** Audit target of a bulk action: the ids (counted) or the filter. */
function bulkTarget(body: unknown): string {
  const b = (body ?? {}) as { ids?: unknown; filter?: unknown };
  if (Array.isArray(b.ids)) return b.ids.length <= 5 ? `ids:${b.ids.join(',')}` : `ids:${b.ids.length} jobs`;
  if (b.filter !== undefined) return `filter:${JSON.stringify(b.filter).slice(0, 300)}`;
  return '(none)';
}

/** `notify`: notes for a job's owner on actions (the node's alert delivery); null where alerting does not run. */
export function jobRoutes(notify: NotifyUser | null = null): ServedRoute[] {
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
        // A note that cannot go out is refused before the action, so the operator can decide without it.
        if (body.note !== undefined) {
          const problem = noteActionProblem(params.action);
          if (problem) throw new ApiFailure('bad_request', problem);
          if (!notify) throw new ApiFailure('unavailable', 'notes to a job owner are sent by alerting, which is not running on this API node: send the action without the note, or ask another node');
        }
        const res = await engine.jobAction(params.id, params.action, body, actor!);
        const outcome = res.message ? `${res.outcome}: ${res.message}` : res.outcome;
        if (body.note === undefined || !notify) return { body: res, auditResult: outcome };
        const user = res.job?.user ?? (await engine.getJob(params.id).catch(() => null))?.user;
        const action = params.action;
        const note =
          !isNoteAction(action) || res.outcome !== 'ok'
            ? 'note not sent: the action did not happen'
            : user === undefined
              ? 'note not sent: the job has no owner on record'
              : await sendOwnerNote(notify, { user, jobId: params.id, action, note: body.note, by: actor!.name }).catch(
                  (e: unknown) => `note not sent: ${e instanceof Error ? e.message : String(e)}`,
                );
        // The audit keeps the note's words (not a secret) so who told the owner what stays on record.
        return { body: { ...res, note }, auditResult: `${outcome}; ${note}: "${body.note.slice(0, 300)}"` };
      },
    }),
  ];
}
