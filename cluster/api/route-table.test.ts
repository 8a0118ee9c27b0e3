import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Schedule } from '../../contract/api.ts';
import type { JobAction } from '../../contract/domain.ts';
import { defineApiRoute, matchApiRoute, pathParamNames, routePath } from '../../contract/api-route.ts';
import { ALL_API_ROUTES, API_ROUTES } from '../../contract/api-routes.ts';
import { handle, routeTableProblems } from './route.ts';
import { apiFixture } from './testing/api-fixture.ts';
import { MemoryEngine } from './testing/memory-engine.ts';

/**
 * Type-level cases, checked by `tsc -b` (never run): a handler gets the route's parsed types and
 * must answer its response type, so a changed route schema breaks its handler at type-check.
 */
function handlerTypeCases(): void {
  handle(API_ROUTES.getJob, {
    async handler({ params, engine }) {
      expectTypeOf(params.id).toEqualTypeOf<string>();
      // @ts-expect-error the job route has no `name` parameter
      void params.name;
      return { body: await engine.getJob(params.id) };
    },
  });
  handle(API_ROUTES.getJob, {
    // @ts-expect-error a job detail route cannot answer a list of schedules
    async handler() {
      return { body: [] as Schedule[] };
    },
  });
  handle(API_ROUTES.jobAction, {
    async handler({ params, body, engine, actor }) {
      expectTypeOf(params.action).toEqualTypeOf<JobAction>();
      // @ts-expect-error the action body has no `concurrency` (that is the queue action's)
      void body.concurrency;
      return { body: await engine.jobAction(params.id, params.action, body, actor!) };
    },
  });
  // @ts-expect-error a route answered by a handler cannot also stream
  handle(API_ROUTES.summary, {
    async handler({ engine }) {
      return { body: await engine.summary() };
    },
    async stream() {},
  });
}
void handlerTypeCases;

describe('the served routes are the contract route table', async () => {
  const fx = await apiFixture(new MemoryEngine(), { rateLimit: false });
  afterAll(() => fx.server.close());

  it('serves every route of the table, each once, and nothing else', () => {
    const served = fx.server.routes.map((r) => r.contract);
    expect(new Set(served).size).toBe(served.length);
    expect(new Set(served)).toEqual(new Set(ALL_API_ROUTES));
    expect(routeTableProblems(fx.server.routes, ALL_API_ROUTES)).toEqual([]);
  });

  it('registers each table route with fastify under its method and path', () => {
    for (const route of ALL_API_ROUTES) {
      expect(fx.server.app.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).toBe(true);
    }
  });

  it('names a route without a handler, a handler without a route and a route served twice', () => {
    const stray = defineApiRoute({ method: 'GET', path: '/api/v1/stray', access: 'viewer', tag: 't', summary: 'not in the table', response: z.string() });
    const served = fx.server.routes.filter((r) => r.contract !== API_ROUTES.getJob);
    const problems = routeTableProblems(
      [...served, served[0]!, handle(stray, { handler: async () => ({ body: 'x' }) })],
      ALL_API_ROUTES,
    );
    expect(problems).toEqual([
      `${served[0]!.method} ${served[0]!.path} is served twice`,
      'GET /api/v1/stray is served but not in the contract\'s route table',
      'GET /api/v1/jobs/:id is in the contract\'s route table but has no handler',
    ]);
  });
});

describe('route paths', () => {
  it('declare exactly the params their schema has', () => {
    for (const route of ALL_API_ROUTES) {
      const keys = route.params instanceof z.ZodObject ? Object.keys(route.params.shape).sort() : [];
      expect(pathParamNames(route.path).sort(), `${route.method} ${route.path}`).toEqual(keys);
    }
  });

  it('are filled with URL-encoded params', () => {
    expect(routePath(API_ROUTES.jobFile, { id: 'backtest.a1', name: 'report 1/2.csv' })).toBe('/api/v1/jobs/backtest.a1/files/report%201%2F2.csv');
    expect(routePath(API_ROUTES.listJobs, undefined)).toBe('/api/v1/jobs');
    expect(() => routePath(API_ROUTES.getJob, {})).toThrow(/parameter 'id' is missing/);
  });

  it('are matched back to their route with decoded params', () => {
    const path = routePath(API_ROUTES.jobFile, { id: 'backtest.a1', name: 'report 1.csv' });
    expect(matchApiRoute(ALL_API_ROUTES, 'GET', path)).toEqual({ route: API_ROUTES.jobFile, params: { id: 'backtest.a1', name: 'report 1.csv' } });
    expect(matchApiRoute(ALL_API_ROUTES, 'POST', '/api/v1/jobs/bulk')?.route).toBe(API_ROUTES.bulkAction);
    expect(matchApiRoute(ALL_API_ROUTES, 'DELETE', '/api/v1/jobs')).toBeNull();
  });
});
