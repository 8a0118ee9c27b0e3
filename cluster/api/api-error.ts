/**
 * Errors are data: every failure the API answers is an ApiFailure (code, words for the admin,
 * optional details) rendered as the contract's `{"error": {"code", "message", "details"}}` envelope.
 * This file maps engine errors, fastify's own errors and zod errors onto that one shape.
 */
import type { z } from 'zod';
import { describeZodError, fieldErrors, type ApiError, type ErrorCode } from '../../contract/api.ts';
import { EngineError } from '../engine/job-engine.ts';

/** The HTTP status for each error code. */
export const STATUS_OF_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
  datastore_unavailable: 503,
  idempotency_key_reused: 422,
};

/** A failure as data: what the client gets, with the status it is sent with. */
export class ApiFailure extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    statusCode?: number,
  ) {
    super(message);
    this.name = 'ApiFailure';
    this.statusCode = statusCode ?? STATUS_OF_CODE[code];
  }

  /** The wire shape (contract ApiError). */
  toEnvelope(): ApiError {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** A 400 for a zod failure on one part of the request, with field errors as details. */
export function validationFailure(part: 'body' | 'query' | 'path' | 'header', error: z.ZodError): ApiFailure {
  return new ApiFailure('validation_failed', `invalid request ${part}: ${describeZodError(error)}`, fieldErrors(error));
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'bad_request';
}

/** Words for fastify's own request errors that say what to do. */
const FASTIFY_MESSAGES: Record<string, (err: { message: string }, limits: { bodyLimitBytes: number }) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, l) => `the request body is larger than the limit of ${l.bodyLimitBytes} bytes; send less per request (bulk actions take a filter instead of ids)`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'unsupported content type: send JSON with "content-type: application/json"',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'the body is empty but the content type says JSON: send a JSON object or no content type',
  FST_ERR_CTP_INVALID_JSON_BODY: (e) => `the body is not valid JSON: ${e.message}`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'the content-length header does not match the body',
};

/**
 * Any thrown value → ApiFailure. Engine errors keep their code; fastify's request errors (body
 * too large, bad JSON, prototype poisoning) become 4xx; anything else is a 500 whose details stay
 * in the server log, not in the answer.
 */
export function toApiFailure(err: unknown, limits: { bodyLimitBytes: number }): ApiFailure {
  if (err instanceof ApiFailure) return err;
  if (err instanceof EngineError) return new ApiFailure(err.code, err.message, err.details);
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; name?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const fastifyCode = typeof e?.code === 'string' ? e.code : undefined;
  if (fastifyCode && FASTIFY_MESSAGES[fastifyCode]) {
    const s = status ?? 400;
    return new ApiFailure(codeForStatus(s), FASTIFY_MESSAGES[fastifyCode]({ message }, limits), undefined, s);
  }
  // secure-json-parse (fastify's JSON parser) throws a SyntaxError for __proto__/constructor keys,
  // and JSON.parse a SyntaxError for malformed bodies; both are the client's fault.
  if (e?.name === 'SyntaxError' || (status !== undefined && status >= 400 && status < 500)) {
    const s = status !== undefined && status >= 400 && status < 500 ? status : 400;
    const words = /forbidden prototype property/i.test(message)
      ? 'the body contains a forbidden "__proto__" or "constructor.prototype" key; remove it'
      : `bad request: ${message}`;
    return new ApiFailure(codeForStatus(s), words, undefined, s);
  }
  return new ApiFailure('internal', 'internal error: the cluster could not answer this request; see the cluster log', undefined, 500);
}
