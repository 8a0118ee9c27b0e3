import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryEngine } from './testing/memory-engine.ts';
import { apiFixture } from './testing/api-fixture.ts';

/** Every `$ref` in a JSON value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

const DESIGN_ROUTES = [
  'GET /healthz',
  'GET /api/v1/cluster',
  'GET /api/v1/summary',
  'GET /api/v1/jobs',
  'GET /api/v1/jobs/{id}',
  'GET /api/v1/jobs/{id}/logs',
  'POST /api/v1/jobs',
  'POST /api/v1/jobs/{id}/actions/{action}',
  'POST /api/v1/jobs/bulk',
  'GET /api/v1/queues',
  'POST /api/v1/queues/{type}/actions/{action}',
  'GET /api/v1/workers',
  'GET /api/v1/resources',
  'GET /api/v1/schedules',
  'POST /api/v1/schedules',
  'DELETE /api/v1/schedules/{id}',
  'GET /api/v1/maintenance-windows',
  'POST /api/v1/maintenance-windows',
  'DELETE /api/v1/maintenance-windows/{id}',
  'GET /api/v1/history',
  'GET /api/v1/events',
  'GET /api/v1/audit',
  'GET /metrics',
  'GET /api/v1/openapi.json',
  'GET /api/v1/alerts',
  'POST /api/v1/alerts/{id}/actions/acknowledge',
  'POST /api/v1/alerts/{id}/actions/silence',
  'GET /api/v1/alerts/rules',
  'POST /api/v1/alerts/rules',
  'GET /api/v1/alerts/rules/{id}',
  'PUT /api/v1/alerts/rules/{id}',
  'DELETE /api/v1/alerts/rules/{id}',
  'POST /api/v1/alerts/channels',
  'POST /api/v1/alerts/channels/{id}/actions/test',
  'GET /api/v1/alerts/deliveries',
  'GET /api/v1/thresholds',
  'PUT /api/v1/thresholds',
];

const OpenApiShape = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(
    z.string().regex(/^\//),
    z.partialRecord(
      z.enum(['get', 'post', 'put', 'delete']),
      z.object({
        operationId: z.string().regex(/^[a-z][A-Za-z]+$/),
        summary: z.string().min(10),
        parameters: z.array(z.object({ name: z.string(), in: z.enum(['path', 'query']), required: z.boolean(), schema: z.record(z.string(), z.unknown()) })),
        responses: z.record(z.string().regex(/^[1-5]\d\d$/), z.record(z.string(), z.unknown())),
        security: z.array(z.record(z.string(), z.array(z.string()))),
      }),
    ),
  ),
  components: z.object({ schemas: z.record(z.string(), z.record(z.string(), z.unknown())) }),
});

describe('GET /api/v1/openapi.json', async () => {
  const fx = await apiFixture(new MemoryEngine(), { rateLimit: false });
  const res = await fx.server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  const doc = OpenApiShape.parse(res.json());
  const raw = res.json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  await fx.server.close();

  it('lists every route of the route table', () => {
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const table = fx.server.routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(listed.sort()).toEqual([...table].sort());
    for (const r of DESIGN_ROUTES) expect(listed).toContain(r);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('has unique operation ids and declares every path parameter', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [p, ops] of Object.entries(doc.paths)) {
      const inPath = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.parameters.filter((x) => x.in === 'path').map((x) => x.name).sort()).toEqual(inPath.sort());
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const all = refs(res.json());
    expect(all.length).toBeGreaterThan(20);
    for (const ref of all) {
      const m = /^#\/components\/(schemas|responses)\/(.+)$/.exec(ref);
      expect(m, ref).not.toBeNull();
      const section = (res.json() as { components: Record<string, Record<string, unknown>> }).components[m![1]!]!;
      expect(section[m![2]!], ref).toBeDefined();
    }
  });

  it('describes bodies, queries, roles and errors from the zod schemas', () => {
    const submit = raw.paths['/api/v1/jobs']!.post!;
    expect(submit['x-required-role']).toBe('operator');
    expect(Object.keys(submit.responses as object)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '429']));
    const body = JSON.stringify(submit.requestBody);
    expect(body).toContain('SubmitJobRequestInput');
    const schema = doc.components.schemas.SubmitJobRequestInput as { required: string[]; additionalProperties: boolean };
    expect(schema.required.sort()).toEqual(['type', 'user']);
    expect(schema.additionalProperties).toBe(false);
    const list = doc.paths['/api/v1/jobs']!.get!;
    const names = list.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['state', 'type', 'user', 'priority', 'q', 'sort', 'cursor', 'limit']));
    expect((raw.paths['/api/v1/jobs']!.get!.parameters as object[]).find((p) => (p as { name: string }).name === 'state')).toMatchObject({ style: 'form', explode: false });
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.paths['/api/v1/audit']!.get!.security).toEqual([{ bearer: [] }]);
    expect(JSON.stringify(doc.paths['/api/v1/events']!.get!.responses['200'])).toContain('text/event-stream');
  });
});
