/** Liveness, cluster identity and the dashboard summary. */
import type { ClusterInfo, Health } from '../../../contract/api.ts';
import { CLUSTER_ROUTES } from '../../../contract/api-routes.ts';
import { handle, type ServedRoute } from '../route.ts';
import type { ServerInfo } from './common.ts';

export function clusterRoutes(info: ServerInfo): ServedRoute[] {
  return [
    handle(CLUSTER_ROUTES.health, {
      async handler({ engine }) {
        const h = await engine.health();
        const body: Health = { ok: h.reachable, datastore: { kind: engine.datastore, ...h }, version: info.version };
        return { status: h.reachable ? 200 : 503, body };
      },
    }),
    handle(CLUSTER_ROUTES.clusterInfo, {
      async handler({ engine, actor }) {
        const body: ClusterInfo = {
          name: info.name,
          version: info.version,
          datastore: engine.datastore,
          serverTime: new Date().toISOString(),
          role: actor!.role,
          capabilities: info.capabilities,
          stuckAfterMs: info.stuckAfterMs,
        };
        return { body };
      },
    }),
    handle(CLUSTER_ROUTES.summary, {
      async handler({ engine }) {
        return { body: await engine.summary() };
      },
    }),
  ];
}
