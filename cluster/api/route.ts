/**
 * The cluster's side of a route: the contract says method, path, access and schemas
 * (contract/api-routes.ts); `handle(route, impl)` attaches what only the server knows — the handler
 * (or a stream writer for SSE) and the audit words. One dispatcher (dispatch.ts) turns the served
 * routes into fastify routes, and the OpenAPI document (openapi.ts) is generated from them.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Access, AnyApiRoute, RouteBody, RouteParams, RouteQuery, RouteResponse } from '../../contract/api-route.ts';
import type { Actor, JobEngine } from '../engine/job-engine.ts';

export type { Access };

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

/** What a handler returns: a status (default the route's), the answer and audit words. */
export interface RouteResult<Body = unknown> {
  status?: number;
  body: Body;
  /** Send `body` as this content type verbatim (a string or a stream) instead of JSON. */
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

/** The parsed request a route's handler gets. */
export type ContextOf<R extends AnyApiRoute> = RouteContext<RouteParams<R>, RouteQuery<R>, RouteBody<R>>;

/** What a handler answers: the route's response (JSON), its text, or a file's bytes as a stream. */
export type AnswerOf<R extends AnyApiRoute> = R['format'] extends 'file' ? Readable : RouteResponse<R>;

/** The server's part of a route: a handler, or a stream writer for long-lived answers (SSE). */
export type RouteImpl<R extends AnyApiRoute> = { audit?: AuditSpec } & (
  | { handler: (ctx: ContextOf<R>) => Promise<RouteResult<AnswerOf<R>>>; stream?: never }
  | { stream: (ctx: ContextOf<R>, reply: FastifyReply) => Promise<void>; handler?: never }
);

/** A route the server serves: the contract route's fields, the route itself and its implementation. */
export type ServedRoute = AnyApiRoute & {
  /** The contract route this serves (identity: the route table test matches on it). */
  contract: AnyApiRoute;
  audit?: AuditSpec;
  handler?: (ctx: RouteContext) => Promise<RouteResult>;
  stream?: (ctx: RouteContext, reply: FastifyReply) => Promise<void>;
};

/** Attach a handler (and audit words) to a contract route; types come from the route's schemas. */
export function handle<R extends AnyApiRoute>(route: R, impl: RouteImpl<R>): ServedRoute {
  return { ...route, contract: route, ...(impl as Pick<ServedRoute, 'audit' | 'handler' | 'stream'>) };
}

/**
 * What is wrong between the served routes and the contract's table: a contract route nobody
 * serves, a served route that is not in the table, a route served twice. Empty when they match.
 */
export function routeTableProblems(served: readonly ServedRoute[], table: readonly AnyApiRoute[]): string[] {
  const name = (r: AnyApiRoute) => `${r.method} ${r.path}`;
  const problems: string[] = [];
  const seen = new Set<AnyApiRoute>();
  for (const route of served) {
    if (!table.includes(route.contract)) problems.push(`${name(route)} is served but not in the contract's route table`);
    if (seen.has(route.contract)) problems.push(`${name(route)} is served twice`);
    seen.add(route.contract);
    if (!route.handler && !route.stream) problems.push(`${name(route)} has neither a handler nor a stream`);
  }
  for (const route of table) if (!seen.has(route)) problems.push(`${name(route)} is in the contract's route table but has no handler`);
  return problems;
}
