/** Queues (one per job type): state and metrics, pause/resume, concurrency. */
import { z } from 'zod';
import { QueueAction, QueueActionBody } from '../../../contract/api.ts';
import { JobType } from '../../../contract/domain.ts';
import { QueueMetrics } from '../../../contract/metrics.ts';
import { ApiFailure } from '../api-error.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NoQuery } from './common.ts';

const QueueActionParams = z.strictObject({ type: JobType, action: QueueAction });

export function queueRoutes(): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/queues',
      access: 'viewer',
      tag: 'queues',
      summary: 'Every queue: paused, concurrency, counts and metrics with threshold levels',
      query: NoQuery,
      response: z.array(QueueMetrics),
      async handler({ engine }) {
        return { body: await engine.queues() };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/queues/:type/actions/:action',
      access: 'admin',
      tag: 'queues',
      summary: 'Pause or resume a queue, or set its concurrency (`{"concurrency": N}`)',
      params: QueueActionParams,
      query: NoQuery,
      body: QueueActionBody,
      bodyOptional: true,
      response: QueueMetrics,
      audit: { action: (p) => `queue.${p.action ?? '?'}`, target: (p) => p.type ?? '?' },
      async handler({ engine, params, body, actor }) {
        if (params.action === 'set-concurrency' && body.concurrency === undefined) {
          throw new ApiFailure('validation_failed', 'set-concurrency needs a body like {"concurrency": 4}', [
            { path: 'concurrency', message: 'required for set-concurrency' },
          ]);
        }
        const res = await engine.queueAction(params.type, params.action, body, actor!);
        return { body: res, auditResult: params.action === 'set-concurrency' ? `ok: concurrency=${body.concurrency}` : 'ok' };
      },
    }),
  ];
}
