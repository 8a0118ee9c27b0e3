/** `GET /metrics`: Prometheus text. */
import { z } from 'zod';
import type { EventStreamHub } from '../event-stream.ts';
import { renderMetrics, type RequestCounts } from '../prometheus.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NoQuery } from './common.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function metricsRoute(requests: RequestCounts, hub: EventStreamHub): AnyRouteDef {
  return defineRoute({
    method: 'GET',
    url: '/metrics',
    access: 'viewer',
    tag: 'cluster',
    summary: 'Prometheus text: job counts per state/type, queue lengths, wait times, processing and failure rates',
    query: NoQuery,
    response: z.string(),
    responseContentType: PROMETHEUS_CONTENT_TYPE,
    async handler({ engine }) {
      const [summary, workers, health] = await Promise.all([engine.summary(), engine.workers(), engine.health()]);
      const text = renderMetrics({ summary, workers, health, requests, sseClients: hub.size });
      return { body: text, contentType: PROMETHEUS_CONTENT_TYPE };
    },
  });
}
