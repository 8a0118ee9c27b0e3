/**
 * The OpenAPI 3.1 document of the cluster API, generated from the served routes (the contract's
 * route table, contract/api-routes.ts) and the contract's zod schemas (`z.toJSONSchema`), never
 * written by hand: a route or schema change shows up here.
 * Named contract schemas become `components.schemas` (request forms get an `Input` suffix, since a
 * schema's input — defaults optional — differs from its output).
 */
import { z } from 'zod';
import * as apiSchemas from '../../contract/api.ts';
import * as domainSchemas from '../../contract/domain.ts';
import * as eventSchemas from '../../contract/events.ts';
import * as jobSchemas from '../../contract/jobs.ts';
import * as metricSchemas from '../../contract/metrics.ts';
import * as thresholdSchemas from '../../contract/thresholds.ts';
import type { ServedRoute } from './route.ts';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

/** A loose type for the document: it is JSON, checked by tests against the route table. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema>; responses: Record<string, JsonSchema> };
  [key: string]: unknown;
}

/** Every zod schema exported by the contract, by export name. */
function namedContractSchemas(): Array<[string, z.ZodType]> {
  const modules = [domainSchemas, thresholdSchemas, jobSchemas, metricSchemas, eventSchemas, apiSchemas];
  const out: Array<[string, z.ZodType]> = [];
  for (const m of modules) {
    for (const [name, value] of Object.entries(m)) if (value instanceof z.ZodType) out.push([name, value]);
  }
  return out;
}

/** Converts schemas with named sub-schemas lifted into components. */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};
  private readonly registries: Record<Io, z.core.$ZodRegistry<{ id: string }>>;

  constructor() {
    this.registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
    for (const [name, schema] of namedContractSchemas()) {
      if (!this.registries.output.has(schema)) this.registries.output.add(schema, { id: name });
      if (!this.registries.input.has(schema)) this.registries.input.add(schema, { id: `${name}Input` });
    }
  }

  /** JSON Schema for `schema`, refs pointing into components. */
  convert(schema: z.ZodType, io: Io): JsonSchema {
    const raw = z.toJSONSchema(schema, { metadata: this.registries[io], io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const rewritten = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
    const defs = (rewritten.$defs ?? {}) as Record<string, JsonSchema>;
    for (const [id, def] of Object.entries(defs)) this.components[id] ??= def;
    delete rewritten.$defs;
    delete rewritten.$schema;
    return rewritten;
  }

  /** One OpenAPI parameter per property of an object schema (path or query). */
  parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
    if (!schema) return [];
    let json = this.convert(schema, 'input');
    // A named schema converts to a bare $ref; parameters need its properties.
    if (typeof json.$ref === 'string') json = this.components[json.$ref.replace('#/components/schemas/', '')] ?? json;
    const props = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(props).map(([name, s]) => {
      const p: JsonSchema = { name, in: where, required: where === 'path' || required.has(name), schema: s };
      if (typeof s.description === 'string') p.description = s.description;
      // Lists in query strings are comma-separated (`state=failed,cancelled`).
      if (s.type === 'array') Object.assign(p, { style: 'form', explode: false });
      return p;
    });
  }
}

/** `/api/v1/jobs/:id` → `/api/v1/jobs/{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

/** `GET /api/v1/jobs/:id/logs` → `getJobsIdLogs`. */
function operationId(route: ServedRoute): string {
  const words = route.path
    .replace(/^\/api\/v1/, '')
    .split(/[/:.-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return route.method.toLowerCase() + (words.join('') || 'Root');
}

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

function errorResponses(route: ServedRoute): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (route.params || route.query || route.body) out['400'] = ERROR_RESPONSE;
  if (route.access !== 'none') {
    out['401'] = ERROR_RESPONSE;
    out['403'] = ERROR_RESPONSE;
    out['429'] = ERROR_RESPONSE;
  }
  if (route.params) out['404'] = ERROR_RESPONSE;
  if (route.method !== 'GET') out['409'] = ERROR_RESPONSE;
  if (route.body) out['413'] = ERROR_RESPONSE;
  out['500'] = ERROR_RESPONSE;
  out['503'] = ERROR_RESPONSE;
  return out;
}

function operation(route: ServedRoute, schemas: SchemaCollector): JsonSchema {
  const status = String(route.status);
  const success: JsonSchema = { description: route.summary };
  if (route.response && status !== '204') {
    const type = route.responseContentType ?? 'application/json';
    const schema = type.startsWith('text/plain') ? { type: 'string' } : schemas.convert(route.response, 'output');
    success.content = { [type.split(';')[0]!]: { schema } };
  }
  const op: JsonSchema = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    'x-required-role': route.access,
    security: route.access === 'none' ? [] : [{ bearer: [] }],
    parameters: [...schemas.parameters(route.params, 'path'), ...schemas.parameters(route.query, 'query')],
    responses: { [status]: success, ...errorResponses(route) },
  };
  if (route.body) {
    op.requestBody = { required: !route.bodyOptional, content: { 'application/json': { schema: schemas.convert(route.body, 'input') } } };
  }
  if (route.audit) op['x-audited'] = true;
  return op;
}

/** The document for a route table. */
export function buildOpenApiDocument(routes: ServedRoute[], info: { name: string; version: string }): OpenApiDocument {
  const schemas = new SchemaCollector();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const p = openApiPath(route.path);
    paths[p] ??= {};
    paths[p][route.method.toLowerCase()] = operation(route, schemas);
  }
  const errorSchema = schemas.convert(apiSchemas.ApiError, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sigmatiq cluster API',
      version: info.version,
      description: `The admin API of the Sigmatiq cluster "${info.name}". Authenticate with "Authorization: Bearer <token>"; roles viewer < operator < admin. Every error is {"error": {"code", "message", "details"?}}.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from the cluster’s tokens file' } },
      responses: { Error: { description: 'An error envelope', content: { 'application/json': { schema: errorSchema } } } },
    },
  };
}
