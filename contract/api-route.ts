/**
 * A cluster API route as data: method, path, who may call it, summary and tag for the OpenAPI
 * document, and the zod schemas of its parts. The cluster attaches a handler to each route
 * (cluster/api/routes/*) and the desktop calls it through `ClusterHttp.call(route, …)`; both take
 * their types from these schemas, so a changed route fails type-check on both sides.
 * The table of every route is `API_ROUTES` in api-routes.ts.
 */
import type { z } from 'zod';
import type { Role } from './api.ts';

/** Who may call a route: nobody needs a token (`none`) or at least this role. */
export type Access = 'none' | Role;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * How the answer travels: `json` (parsed with `response`), `text` (e.g. Prometheus), `file`
 * (bytes of a download) or `event-stream` (SSE, one `response` per event).
 */
export type ResponseFormat = 'json' | 'text' | 'file' | 'event-stream';

/** The `:name` parameters of a path, e.g. `'id' | 'action'` for `/api/v1/jobs/:id/actions/:action`. */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

export interface ApiRoute<
  Method extends HttpMethod = HttpMethod,
  Path extends string = string,
  Params extends z.ZodType | undefined = z.ZodType | undefined,
  Query extends z.ZodType | undefined = z.ZodType | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Response extends z.ZodType | undefined = z.ZodType | undefined,
  Format extends ResponseFormat = ResponseFormat,
> {
  method: Method;
  /** fastify-style path, e.g. `/api/v1/jobs/:id`; every `:name` is a key of `params`. */
  path: Path;
  access: Access;
  /** One line for the OpenAPI document. */
  summary: string;
  tag: string;
  params: Params;
  query: Query;
  body: Body;
  /** A body may be left out (actions without options); absent body = `{}`. */
  bodyOptional: boolean;
  /** The success answer's schema (absent for 204 answers). */
  response: Response;
  format: Format;
  /** Content type of a non-JSON answer (OpenAPI); files declare the generic one. */
  responseContentType?: string;
  /** Success status (default 200). */
  status: number;
  /** Skip the rate limit (health checks). */
  noRateLimit: boolean;
}

/** A route with its types erased, as kept in tables. */
export type AnyApiRoute = ApiRoute;

/** What `defineApiRoute` takes: the route, with defaults for the parts it leaves out. */
interface RouteSpec<
  Method extends HttpMethod,
  Path extends string,
  Params extends z.ZodType | undefined,
  Query extends z.ZodType | undefined,
  Body extends z.ZodType | undefined,
  Response extends z.ZodType | undefined,
  Format extends ResponseFormat,
> {
  method: Method;
  path: Path;
  access: Access;
  summary: string;
  tag: string;
  params?: Params;
  query?: Query;
  body?: Body;
  bodyOptional?: boolean;
  response?: Response;
  format?: Format;
  responseContentType?: string;
  status?: number;
  noRateLimit?: boolean;
}

/** Path parameters must be exactly the keys of the params schema (a mismatch is a type error). */
type ParamsMatchPath<Path extends string, Params extends z.ZodType | undefined> = [PathParamNames<Path>] extends [never]
  ? Params extends z.ZodType
    ? { params: 'this path has no :parameters' }
    : unknown
  : Params extends z.ZodType
    ? [Exclude<PathParamNames<Path>, keyof z.output<Params>> | Exclude<keyof z.output<Params>, PathParamNames<Path>>] extends [never]
      ? unknown
      : { params: `params must be exactly the path's :${PathParamNames<Path>}` }
    : { params: `give a params schema for :${PathParamNames<Path>}` };

/** Declare a route; types of every part are kept for handlers and client calls. */
export function defineApiRoute<
  const Method extends HttpMethod,
  const Path extends string,
  Params extends z.ZodType | undefined = undefined,
  Query extends z.ZodType | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Response extends z.ZodType | undefined = undefined,
  const Format extends ResponseFormat = 'json',
>(
  spec: RouteSpec<Method, Path, Params, Query, Body, Response, Format> & ParamsMatchPath<Path, Params>,
): ApiRoute<Method, Path, Params, Query, Body, Response, Format> {
  return {
    method: spec.method,
    path: spec.path,
    access: spec.access,
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params as Params,
    query: spec.query as Query,
    body: spec.body as Body,
    bodyOptional: spec.bodyOptional ?? false,
    response: spec.response as Response,
    format: (spec.format ?? 'json') as Format,
    ...(spec.responseContentType !== undefined ? { responseContentType: spec.responseContentType } : {}),
    status: spec.status ?? 200,
    noRateLimit: spec.noRateLimit ?? false,
  };
}

// ---------------------------------------------------------------- types of a route's parts

type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Parsed parts, as a handler gets them. */
export type RouteParams<R extends AnyApiRoute> = OutputOf<R['params']>;
export type RouteQuery<R extends AnyApiRoute> = OutputOf<R['query']>;
export type RouteBody<R extends AnyApiRoute> = OutputOf<R['body']>;
/** The answer: what a handler returns and what a client gets back. */
export type RouteResponse<R extends AnyApiRoute> = OutputOf<R['response']>;

type Empty = Record<never, never>;

/** One part of a client call: absent when the route has none, optional when `{}` would do. */
type CallPart<K extends string, S> = S extends z.ZodType
  ? Empty extends z.input<S>
    ? { [P in K]?: z.input<S> }
    : { [P in K]: z.input<S> }
  : { [P in K]?: never };

/** What a client sends: `params` (filled into the path), `query` and `body`, each as the schema's input. */
export type RouteInput<R extends AnyApiRoute> = CallPart<'params', R['params']> & CallPart<'query', R['query']> & CallPart<'body', R['body']>;

/** True when a call needs no input at all (every part optional). */
export type InputOptional<R extends AnyApiRoute> = Empty extends RouteInput<R> ? true : false;

// ---------------------------------------------------------------- paths

/** The path of a call: each `:name` replaced by its parameter, URL-encoded. */
export function routePath(route: AnyApiRoute, params: Record<string, unknown> | undefined): string {
  return route.path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`${route.method} ${route.path}: parameter '${name}' is missing`);
    return encodeURIComponent(String(value));
  });
}

/** `:name` parameters of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => m[1]!);
}

/**
 * The route of `routes` a request is for, with its path parameters (decoded); null when none
 * matches. For stand-ins of the cluster in tests, which answer by the same table.
 */
export function matchApiRoute<R extends AnyApiRoute>(
  routes: readonly R[],
  method: string,
  pathname: string,
): { route: R; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names = pathParamNames(route.path);
    const pattern = new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '([^/]+)')}$`);
    const m = pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { route, params };
  }
  return null;
}
