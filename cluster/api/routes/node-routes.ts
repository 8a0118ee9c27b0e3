/** Worker nodes and their system resource samples. */
import { z } from 'zod';
import { ResourcesQuery } from '../../../contract/api.ts';
import { ResourceSample, WorkerNode } from '../../../contract/metrics.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NoQuery } from './common.ts';

export function nodeRoutes(): AnyRouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/workers',
      access: 'viewer',
      tag: 'nodes',
      summary: 'Worker nodes: host, pid, queues, concurrency, running jobs, heartbeat, cpu/memory',
      query: NoQuery,
      response: z.array(WorkerNode),
      async handler({ engine }) {
        return { body: await engine.workers() };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/resources',
      access: 'viewer',
      tag: 'nodes',
      summary: 'System samples per node (cpu, memory, disk I/O, network) since an instant',
      query: ResourcesQuery,
      response: z.array(ResourceSample),
      async handler({ engine, query }) {
        return { body: await engine.resources(query.since, query.nodeId) };
      },
    }),
  ];
}
