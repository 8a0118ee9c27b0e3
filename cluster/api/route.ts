/**
 * Routes are data (bull-board style): a RouteDef says method, path, who may call it, the zod schemas
 * of its parts and a handler that returns a result. One dispatcher (dispatch.ts) turns them into
 * fastify routes, and the OpenAPI document (openapi.ts) is generated from the same list.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Role } from '../../contract/api.ts';
import type { Actor, JobEngine } from '../engine/job-engine.ts';

/** Who may call a route: nobody needs a token (`none`) or at least this role. */
export type Access = 'none' | Role;

/** What a handler gets: the parsed parts of the request and who asks. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** Null only on routes with access `none`. */
  actor: Actor | null;
  engine: JobEngine;
  request: FastifyRequest;
}

/** What a handler returns: a status (default the route's), a JSON body or text, and audit words. */
export interface RouteResult {
  status?: number;
  body: unknown;
  /** Send `body` as this content type verbatim (a string) instead of JSON. */
  contentType?: string;
  /** A short outcome for the audit record, e.g. "ok", "skipped: job is running". */
  auditResult?: string;
  /** The audit target when only the answer knows it (e.g. a new job's id). */
  auditTarget?: string;
  /** Extra answer headers (e.g. content-disposition of a file download). */
  headers?: Record<string, string>;
}

/** Audit words for a mutating route: the action name and its target, from the raw request. */
export interface AuditSpec {
  /** e.g. "job.cancel"; a function when the action is a path parameter. */
  action: string | ((params: Record<string, string>, body: unknown) => string);
  /** e.g. the job id, the queue type, "filter:{…}". */
  target: (params: Record<string, string>, body: unknown) => string;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'DELETE';
  /** fastify path, e.g. `/api/v1/jobs/:id`. */
  url: string;
  access: Access;
  /** One line for the OpenAPI document. */
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A body is optional (actions without options); absent body = `{}`. */
  bodyOptional?: boolean;
  /** The success answer's schema (OpenAPI) and status. */
  response?: z.ZodType;
  responseContentType?: string;
  status?: number;
  /** Mutating routes name their audit action and target. */
  audit?: AuditSpec;
  /** Skip the rate limit (health checks). */
  noRateLimit?: boolean;
  handler?: (ctx: RouteContext<P, Q, B>) => Promise<RouteResult>;
  /** Long-lived answers (SSE): the route writes to the raw reply itself. */
  stream?: (ctx: RouteContext<P, Q, B>, reply: FastifyReply) => Promise<void>;
}

/** A route with its types erased, as kept in the route table. */
export type AnyRouteDef = RouteDef<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Typed constructor for a route: infers params/query/body types from the schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(def: RouteDef<P, Q, B>): AnyRouteDef {
  return def as AnyRouteDef;
}
