/**
 * Errors raised before a request reaches a route — by Node's HTTP parser (malformed request line,
 * bad chunked encoding, headers or URL too large, timeouts) or by fastify's router (bad percent-
 * encoding, a path parameter too long) — answered in the same envelope as every other error.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../contract/api.ts';
import { ApiFailure } from './api-error.ts';
import { printable } from './input-guard.ts';

/** Longest path parameter the router accepts (ids are at most 200 characters; 414 above this). */
export const MAX_PARAM_LENGTH = 256;

/** Status, code and words for an error of Node's HTTP parser. */
function parserFailure(err: NodeJS.ErrnoException): { status: number; code: ErrorCode; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'bad_request',
        message: 'the request line and headers are larger than the server accepts (16 KiB); send a shorter URL (long filters belong in a bulk action body) or fewer headers',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'bad_request', message: 'the request was not received in time; send it again' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'bad_request', message: `the request body is not framed correctly (${err.code}); send a valid Content-Length or chunked body` };
    default:
      return { status: 400, code: 'bad_request', message: `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'}); check the request line and headers` };
  }
}

/** fastify's `clientErrorHandler`: the envelope written straight to the socket, then close it. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer; a half-sent answer cannot be followed by another.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, code, message } = parserFailure(err);
  const body = JSON.stringify(new ApiFailure(code, message, undefined, status).toEnvelope());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** fastify's `frameworkErrors`: router errors as envelopes. */
export function frameworkErrorHandler(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const path = printable(request.raw.url?.split('?')[0] ?? '').slice(0, 100);
  let failure: ApiFailure;
  if (error.code === 'FST_ERR_BAD_URL') {
    failure = new ApiFailure('bad_request', `the URL is not valid percent-encoding (${path}…); encode each byte of the path as %XX of UTF-8`);
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    failure = new ApiFailure('bad_request', `a path parameter is longer than ${MAX_PARAM_LENGTH} characters (${path}…); ids are at most 200`, undefined, 414);
  } else {
    failure = new ApiFailure('bad_request', `the request could not be routed: ${printable(error.message).slice(0, 200)}`);
  }
  void reply.code(failure.statusCode).type('application/json; charset=utf-8').send(failure.toEnvelope());
}
