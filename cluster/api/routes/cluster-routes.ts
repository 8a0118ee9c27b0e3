/** Liveness, cluster identity and the dashboard summary. */
import { ClusterInfo, Health } from '../../../contract/api.ts';
import { Summary } from '../../../contract/metrics.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NoQuery, type ServerInfo } from './common.ts';

export function clusterRoutes(info: ServerInfo): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      access: 'none',
      tag: 'cluster',
      summary: 'Liveness and datastore reachability (503 when the datastore cannot be reached)',
      query: NoQuery,
      response: Health,
      noRateLimit: true,
      async handler({ engine }) {
        const h = await engine.health();
        const body: Health = { ok: h.reachable, datastore: { kind: engine.datastore, ...h }, version: info.version };
        return { status: h.reachable ? 200 : 503, body };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cluster',
      access: 'viewer',
      tag: 'cluster',
      summary: 'Cluster name, version, datastore kind, server time, capabilities and the caller’s role',
      query: NoQuery,
      response: ClusterInfo,
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
    defineRoute({
      method: 'GET',
      url: '/api/v1/summary',
      access: 'viewer',
      tag: 'cluster',
      summary: 'Totals per state, success rate and queue metrics with threshold levels',
      query: NoQuery,
      response: Summary,
      async handler({ engine }) {
        return { body: await engine.summary() };
      },
    }),
  ];
}
