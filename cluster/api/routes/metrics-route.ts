/** `GET /metrics`: Prometheus text. */
import { CLUSTER_ROUTES, PROMETHEUS_CONTENT_TYPE } from '../../../contract/api-routes.ts';
import type { EventStreamHub } from '../event-stream.ts';
import { renderMetrics, type RequestCounts } from '../prometheus.ts';
import { handle, type ServedRoute } from '../route.ts';

export function metricsRoute(requests: RequestCounts, hub: EventStreamHub): ServedRoute {
  return handle(CLUSTER_ROUTES.metrics, {
    async handler({ engine }) {
      const [summary, workers, health] = await Promise.all([engine.summary(), engine.workers(), engine.health()]);
      const text = renderMetrics({ summary, workers, health, requests, sseClients: hub.size });
      return { body: text, contentType: PROMETHEUS_CONTENT_TYPE };
    },
  });
}
