/**
 * The cluster's admin API server (fastify 5): the route table, bearer-token auth with roles, audit
 * records for every mutating call, limits (body size, rate per token, prototype poisoning), the SSE
 * event stream and the generated OpenAPI document. Errors always answer in the contract's envelope.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ALL_API_ROUTES } from '../../contract/api-routes.ts';
import { DEFAULT_STUCK_AFTER_MS } from '../../contract/thresholds.ts';
import { DEFAULT_FAILED_AUTH_LIMITS, describeWindow, FailedAuthLimiter, type FailedAuthLimits } from '../auth/failed-auth-limiter.ts';
import type { TokenStore } from '../auth/token-store.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import { ApiFailure, toApiFailure } from './api-error.ts';
import { writeAudit } from './audit-hook.ts';
import { authenticate, authorize } from './auth-hooks.ts';
import { clientErrorHandler, frameworkErrorHandler, MAX_PARAM_LENGTH } from './framework-errors.ts';
import { registerRoute } from './dispatch.ts';
import { parseJsonBody } from './safe-json.ts';
import { DEFAULT_EVENT_STREAM_LIMITS, EventStreamHub, type EventStreamLimits } from './event-stream.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';
import type { RequestCounts } from './prometheus.ts';
import { routeTableProblems, type ServedRoute } from './route.ts';
import { alertRoutes, type AlertApiDeps } from './routes/alert-routes.ts';
import { clusterRoutes } from './routes/cluster-routes.ts';
import type { ServerInfo } from './routes/common.ts';
import { eventsRoute } from './routes/events-route.ts';
import { historyRoutes } from './routes/history-routes.ts';
import { jobBatchRoutes } from './routes/job-batch-routes.ts';
import { jobFileRoute } from './routes/job-file-route.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { metricsRoute } from './routes/metrics-route.ts';
import { nodeRoutes } from './routes/node-routes.ts';
import { openApiRoute } from './routes/openapi-route.ts';
import { queueRoutes } from './routes/queue-routes.ts';
import { scheduleRoutes } from './routes/schedule-routes.ts';

export interface ApiLimits {
  /** Largest request body accepted (413 above). */
  bodyLimitBytes: number;
  /** Requests per token (per address when unauthenticated) and window; false = no rate limit. */
  rateLimit: { max: number; timeWindowMs: number } | false;
  /** Failed authentications per source address and window (429 past it). */
  failedAuth: FailedAuthLimits;
  events: EventStreamLimits;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  bodyLimitBytes: 1024 * 1024,
  rateLimit: { max: 1200, timeWindowMs: 60_000 },
  failedAuth: DEFAULT_FAILED_AUTH_LIMITS,
  events: DEFAULT_EVENT_STREAM_LIMITS,
};

/** What every API node can do, for `GET /api/v1/cluster`; `serve` adds `running-job-control` when it runs workers. */
export const DEFAULT_CAPABILITIES = ['events', 'history', 'bulk-actions', 'schedules', 'maintenance-windows', 'audit', 'metrics'];

export interface ApiServerOptions {
  engine: JobEngine;
  tokens: TokenStore;
  name: string;
  version: string;
  /** fastify's logger option: false (default), true, or pino options such as `{level, stream}`. */
  logger?: FastifyServerOptions['logger'];
  limits?: Partial<Omit<ApiLimits, 'events'>> & { events?: Partial<EventStreamLimits> };
  capabilities?: string[];
  stuckAfterMs?: number;
  /** Trust X-Forwarded-For for source addresses (only behind your own proxy). */
  trustProxy?: boolean;
  /** The workers' outputs folder (`<work dir>/outputs`) this node serves job files from; none without. */
  outputsRoot?: string;
  /** Alerting on this node (cluster/alerts/alerting.ts); without it the alert routes answer 503. */
  alerting?: AlertApiDeps;
}

export interface ApiServer {
  app: FastifyInstance;
  routes: ServedRoute[];
  openapi: OpenApiDocument;
  /** Open event streams (shutdown ends them). */
  streams: EventStreamHub;
  /** Listen and return the URL actually bound (port 0 = a free port). */
  listen(host: string, port: number): Promise<string>;
  /** Stop accepting, end event streams, wait for answers in flight. The engine is the caller's. */
  close(): Promise<void>;
}

/** Build the API server (not yet listening). */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const limits: ApiLimits = {
    ...DEFAULT_API_LIMITS,
    ...options.limits,
    events: { ...DEFAULT_EVENT_STREAM_LIMITS, ...options.limits?.events },
  };
  const { engine, tokens } = options;
  const info: ServerInfo = {
    name: options.name,
    version: options.version,
    capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
    stuckAfterMs: options.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    trustProxy: options.trustProxy ?? false,
    forceCloseConnections: 'idle',
    // Requests arriving during shutdown get our own 503 envelope (onRequest below), not fastify's.
    return503OnClosing: false,
    // Errors before routing (Node's parser, fastify's router) answer in the envelope too.
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A request without Host reaches the hooks (and gets the envelope) instead of Node's bare 400.
    http: { requireHostHeader: false },
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('auditNote', null);
  app.decorateRequest('authFailure', null);

  // JSON bodies: our parser refuses prototype poisoning with a clear 400, and an empty body counts
  // as "no body" so action calls work from clients that always send the content type.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  const streams = new EventStreamHub();
  const requests: RequestCounts = new Map();

  const failedAuth = new FailedAuthLimiter(limits.failedAuth);
  let closing = false;
  app.addHook('onRequest', async (request, reply) => {
    if (closing) throw new ApiFailure('unavailable', 'this API node is shutting down; retry in a moment or on another node of the cluster');
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      throw new ApiFailure('bad_request', 'missing Host header: HTTP/1.1 requests must name the host they are sent to');
    }
    return authenticate(request, reply, tokens, failedAuth);
  });
  // The role check waits for the body, so a refused call is audited with what it tried.
  app.addHook('preHandler', async (request) => authorize(request));

  if (limits.rateLimit) {
    const { max, timeWindowMs } = limits.rateLimit;
    await app.register(fastifyRateLimit, {
      global: true,
      max,
      timeWindow: timeWindowMs,
      // After auth (onRequest) and before reading the body: limits are per token, and a limited
      // client costs no parsing.
      hook: 'preParsing',
      keyGenerator: (request) => (request.actor ? `token:${request.actor.name}` : `ip:${request.ip}`),
      errorResponseBuilder: (request, context) =>
        new ApiFailure(
          'rate_limited',
          `rate limit exceeded: at most ${context.max} requests per ${describeWindow(timeWindowMs)} for ${request.actor ? `token '${request.actor.name}'` : `address ${request.ip}`}; retry in ${Math.ceil(context.ttl / 1000)} s`,
          { limit: context.max, retryAfterMs: context.ttl },
          429,
        ),
    });
  }

  app.addHook('onSend', async (request, reply, payload) => {
    await writeAudit(engine, request, reply, payload);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const key = `${request.method} ${request.routeOptions.config?.route?.path ?? 'unmatched'} ${reply.statusCode}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
  });

  app.setErrorHandler((error, request, reply) => {
    const failure = toApiFailure(error, limits);
    if (failure.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    if (failure.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="sigmatiq-cluster"');
    const retryAfterS = (failure.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    if (failure.statusCode === 503 && typeof retryAfterS === 'number') reply.header('retry-after', String(retryAfterS));
    return reply.code(failure.statusCode).type('application/json; charset=utf-8').send(failure.toEnvelope());
  });
  app.setNotFoundHandler((request, reply) => {
    const failure = new ApiFailure('not_found', `no such route: ${request.method} ${request.url.split('?')[0]}; the routes are listed at /api/v1/openapi.json`);
    return reply.code(404).send(failure.toEnvelope());
  });

  const routes: ServedRoute[] = [
    ...clusterRoutes(info),
    ...jobRoutes(options.alerting?.notifyUser ?? null),
    jobFileRoute(options.outputsRoot ?? null),
    ...jobBatchRoutes(),
    ...queueRoutes(),
    ...nodeRoutes(),
    ...scheduleRoutes(),
    ...historyRoutes(),
    eventsRoute(streams, limits.events),
    metricsRoute(requests, streams),
    ...alertRoutes(options.alerting ?? null),
  ];
  const openapiHolder: { doc: OpenApiDocument | null } = { doc: null };
  routes.push(openApiRoute(() => openapiHolder.doc!));
  // Every contract route is served and nothing else: the desktop calls exactly these.
  const problems = routeTableProblems(routes, ALL_API_ROUTES);
  if (problems.length > 0) throw new Error(`the API's routes do not match the contract: ${problems.join('; ')}`);
  const openapi = buildOpenApiDocument(routes, info);
  openapiHolder.doc = openapi;
  for (const route of routes) registerRoute(app, route, engine);

  // fastify waits for open connections on close; event streams never end by themselves.
  app.addHook('preClose', async () => {
    closing = true;
    streams.closeAll();
  });

  return {
    app,
    routes,
    openapi,
    streams,
    async listen(host, port) {
      await app.listen({ host, port });
      const addr = app.server.address();
      const boundPort = typeof addr === 'object' && addr ? addr.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return `http://${shownHost}:${boundPort}`;
    },
    async close() {
      await app.close();
    },
  };
}
