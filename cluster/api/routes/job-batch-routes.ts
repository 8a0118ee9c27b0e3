/**
 * Submitting many jobs at once, and the `Idempotency-Key` header both submit routes take: the
 * same key (per token) within 24 hours answers the first request's result instead of submitting
 * again, so a platform can retry a submit it did not hear back from.
 */
import type { FastifyRequest } from 'fastify';
import { JOB_ROUTES } from '../../../contract/api-routes.ts';
import { ApiFailure } from '../api-error.ts';
import { handle, type ServedRoute } from '../route.ts';

const KEY_FORM = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, if sent (400 when malformed or sent twice). */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || !KEY_FORM.test(raw)) {
    throw new ApiFailure('bad_request', 'Idempotency-Key: send one key of 1 to 255 visible ASCII characters (a UUID is a good key)', [
      { path: 'header.idempotency-key', message: '1 to 255 visible ASCII characters' },
    ]);
  }
  return raw;
}

export function jobBatchRoutes(): ServedRoute[] {
  return [
    handle(JOB_ROUTES.submitJobBatch, {
      audit: { action: 'jobs.batch-submit', target: (_p, body) => `jobs:${Array.isArray((body as { jobs?: unknown })?.jobs) ? (body as { jobs: unknown[] }).jobs.length : '?'}` },
      async handler({ engine, body, actor, request }) {
        const res = await engine.submitBatch(body, actor!, { idempotencyKey: idempotencyKeyOf(request) });
        return { body: res, auditResult: `submitted=${res.submitted} failed=${res.failed}` };
      },
    }),
  ];
}
