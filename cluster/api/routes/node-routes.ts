/** Worker nodes and their system resource samples. */
import { QUEUE_ROUTES } from '../../../contract/api-routes.ts';
import { handle, type ServedRoute } from '../route.ts';

export function nodeRoutes(): ServedRoute[] {
  return [
    handle(QUEUE_ROUTES.listWorkers, {
      async handler({ engine }) {
        return { body: await engine.workers() };
      },
    }),
    handle(QUEUE_ROUTES.resources, {
      async handler({ engine, query }) {
        return { body: await engine.resources(query.since, query.nodeId) };
      },
    }),
  ];
}
