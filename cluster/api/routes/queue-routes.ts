/** Queues (one per job type): state and metrics, pause/resume, concurrency. */
import { QUEUE_ROUTES } from '../../../contract/api-routes.ts';
import { ApiFailure } from '../api-error.ts';
import { handle, type ServedRoute } from '../route.ts';

export function queueRoutes(): ServedRoute[] {
  return [
    handle(QUEUE_ROUTES.listQueues, {
      async handler({ engine }) {
        return { body: await engine.queues() };
      },
    }),
    handle(QUEUE_ROUTES.queueAction, {
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
    handle(QUEUE_ROUTES.queueLoad, {
      async handler({ engine, params, query }) {
        return { body: await engine.queueLoad(params.type, query) };
      },
    }),
  ];
}
