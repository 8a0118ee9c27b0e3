/**
 * The dispatcher: turns a served route into a fastify route. Parses path, query and body with the
 * route's zod schemas (400 with field errors), calls the handler and sends its result. Errors
 * thrown anywhere end up in the server's error handler as an envelope.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor, JobEngine } from '../engine/job-engine.ts';
import { ApiFailure, validationFailure } from './api-error.ts';
import { assertStorableInput } from './input-guard.ts';
import type { RouteContext, ServedRoute } from './route.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route a request matched (absent for 404s). */
    route?: ServedRoute;
  }
  interface FastifyRequest {
    /** Set by the auth hook on authenticated routes. */
    actor: Actor | null;
    /** Audit words from the handler, read by the audit hook. */
    auditNote: { result?: string; target?: string } | null;
  }
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: 'path' | 'query' | 'body'): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailure(part, parsed.error);
  return parsed.data;
}

/** The parsed request for a route (throws ApiFailure on bad input). */
export function parseRequest(route: ServedRoute, request: FastifyRequest): Omit<RouteContext, 'engine' | 'request' | 'actor'> {
  assertStorableInput('path', request.params);
  assertStorableInput('query', request.query);
  assertStorableInput('body', request.body);
  const params = parsePart(route.params, request.params, 'path');
  const query = parsePart(route.query, request.query ?? {}, 'query');
  let body: unknown = request.body;
  if (route.body && body === undefined) {
    if (!route.bodyOptional) {
      throw new ApiFailure('validation_failed', 'a JSON body is required: send "content-type: application/json" and a JSON object', [
        { path: '(root)', message: 'required' },
      ]);
    }
    body = {};
  }
  body = parsePart(route.body, body, 'body');
  return { params, query, body };
}

/** Register one served route on a fastify instance. */
export function registerRoute(app: FastifyInstance, route: ServedRoute, engine: JobEngine): void {
  app.route({
    method: route.method,
    url: route.path,
    config: { route, ...(route.noRateLimit ? { rateLimit: false } : {}) },
    // HEAD for plain GETs (probes); an event stream has nothing to say to HEAD.
    exposeHeadRoute: route.method === 'GET' && !route.stream,
    async handler(request: FastifyRequest, reply: FastifyReply) {
      const ctx: RouteContext = { ...parseRequest(route, request), engine, request, actor: request.actor };
      if (route.stream) {
        await route.stream(ctx, reply);
        return reply;
      }
      if (!route.handler) throw new Error(`route ${route.method} ${route.path} has neither handler nor stream`);
      const result = await route.handler(ctx);
      request.auditNote = { result: result.auditResult, target: result.auditTarget };
      reply.code(result.status ?? route.status);
      if (result.contentType) reply.type(result.contentType);
      if (result.headers) reply.headers(result.headers);
      if (result.body === undefined) return reply.send();
      return result.body;
    },
  });
}
