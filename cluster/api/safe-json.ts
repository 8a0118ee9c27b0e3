/**
 * JSON body parsing that refuses prototype poisoning: a `__proto__` key, or a `constructor` object
 * with a `prototype` key, anywhere in the body is a 400 — such a body is an attack or a bug, never
 * data. (fastify's own parser does the same checks but reports them as "not valid JSON".)
 */
import { ApiFailure } from './api-error.ts';

/** Parse a request body; undefined for an empty one. Throws ApiFailure (400) on bad input. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text, function refusePoison(this: unknown, key: string, value: unknown) {
      if (key === '__proto__') throw new PoisonError('__proto__');
      if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) {
        throw new PoisonError('constructor.prototype');
      }
      return value;
    });
  } catch (err) {
    if (err instanceof PoisonError) {
      throw new ApiFailure('bad_request', `the body contains a forbidden "${err.key}" key (prototype poisoning); remove it`);
    }
    throw new ApiFailure('bad_request', `the body is not valid JSON: ${(err as Error).message}`);
  }
}

class PoisonError extends Error {
  constructor(readonly key: string) {
    super(`forbidden key ${key}`);
  }
}
