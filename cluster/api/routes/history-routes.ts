/** The desktop cache's sync feed and the audit log. */
import { SYNC_ROUTES } from '../../../contract/api-routes.ts';
import { handle, type ServedRoute } from '../route.ts';

export function historyRoutes(): ServedRoute[] {
  return [
    handle(SYNC_ROUTES.history, {
      async handler({ engine, query }) {
        return { body: await engine.history(query.after, query.limit) };
      },
    }),
    handle(SYNC_ROUTES.audit, {
      async handler({ engine, query }) {
        return { body: await engine.listAudit(query.cursor, query.limit) };
      },
    }),
  ];
}
