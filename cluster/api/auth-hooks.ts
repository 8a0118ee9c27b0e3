/**
 * Who is calling (onRequest, before anything is read) and whether they may (preHandler, once the
 * body is parsed, so a refused call is audited with what it tried). Failed authentications are
 * limited per source address.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { roleAtLeast } from '../../contract/api.ts';
import { readBearerToken } from '../auth/bearer.ts';
import { describeWindow, type FailedAuthLimiter } from '../auth/failed-auth-limiter.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { ApiFailure } from './api-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why authentication failed, for the audit record of a 401 or of the first 429 of a window. */
    authFailure: string | null;
  }
}

/** The onRequest part: a valid token for every route that needs one (401, or 429 past the limit). */
export function authenticate(request: FastifyRequest, reply: FastifyReply, tokens: TokenStore, limiter: FailedAuthLimiter): void {
  const route = request.routeOptions.config?.route;
  if (!route || route.access === 'none') return;
  const token = readBearerToken(request.headers.authorization);
  const identity = token ? tokens.verify(token) : null;
  if (identity) {
    request.actor = { name: identity.name, role: identity.role, sourceAddress: request.ip };
    return;
  }
  const why = token ? 'unknown or revoked token' : 'missing bearer token';
  const verdict = limiter.fail(request.ip);
  if (verdict.limited) {
    const retryS = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    if (verdict.first) request.authFailure = `${why}; further attempts refused`;
    reply.header('retry-after', String(retryS));
    const { max, windowMs } = limiter.limits;
    throw new ApiFailure(
      'rate_limited',
      `too many failed authentications from address ${request.ip}: at most ${max} per ${describeWindow(windowMs)}; retry in ${retryS} s with a valid token`,
      { limit: max, retryAfterMs: verdict.retryAfterMs },
    );
  }
  request.authFailure = why;
  if (!token) {
    throw new ApiFailure('unauthorized', 'missing bearer token: send "Authorization: Bearer <token>" (create one with `sigmatiq-cluster token create`)');
  }
  throw new ApiFailure('unauthorized', 'unknown or revoked token: check the token, or create a new one with `sigmatiq-cluster token create`');
}

/** The preHandler part: the token's role is at least the route's (403). */
export function authorize(request: FastifyRequest): void {
  const route = request.routeOptions.config?.route;
  const actor = request.actor;
  if (!route || route.access === 'none' || !actor) return;
  if (!roleAtLeast(actor.role, route.access)) {
    throw new ApiFailure('forbidden', `${route.method} ${route.path} needs the ${route.access} role; token '${actor.name}' has the ${actor.role} role`, {
      required: route.access,
      role: actor.role,
    });
  }
}
