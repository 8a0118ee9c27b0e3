/** `GET /api/v1/openapi.json`: the generated OpenAPI document (no auth). */
import { z } from 'zod';
import type { OpenApiDocument } from '../openapi.ts';
import { defineRoute, type AnyRouteDef } from '../route.ts';
import { NoQuery } from './common.ts';

export function openApiRoute(document: () => OpenApiDocument): AnyRouteDef {
  return defineRoute({
    method: 'GET',
    url: '/api/v1/openapi.json',
    access: 'none',
    tag: 'cluster',
    summary: 'This OpenAPI 3.1 document, generated from the route table and the contract’s zod schemas',
    query: NoQuery,
    response: z.record(z.string(), z.unknown()),
    async handler() {
      return { body: document() };
    },
  });
}
