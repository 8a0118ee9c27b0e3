/**
 * HTTP to one cluster: bearer token, optional CA certificate for self-signed TLS (undici Agent
 * `connect.ca`), timeouts, and calls to the routes of the contract's route table
 * (contract/api-routes.ts): `call(route, { params, query, body })` builds the path from the params,
 * and its argument and result types come from the route's schemas. Every answer is parsed with the
 * route's response schema — an answer that is not JSON or breaks the schema is an `incompatible`
 * error naming the route and the first problems.
 */
import { Agent, fetch, type Response } from 'undici';
import type { z } from 'zod';
import { describeZodError } from '../../../contract/api.ts';
import { routePath, type AnyApiRoute, type InputOptional, type RouteInput, type RouteResponse } from '../../../contract/api-route.ts';
import { classifyHttpError, classifyNetworkError, ClusterRequestError } from './cluster-errors.ts';
import { compiledSchema } from './compiled-schema.ts';

export interface ClusterEndpoint {
  url: string;
  token: string;
  caCertificate?: string | null;
}

/** How long a call may take and how to abort it. */
export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A route answered with JSON, an output file, or server-sent events. */
export type JsonRoute = AnyApiRoute & { format: 'json' };
export type FileRoute = AnyApiRoute & { format: 'file' };
export type EventStreamRoute = AnyApiRoute & { format: 'event-stream'; params: undefined };

/** What a call sends: the route's params, query and body, and the call's options. */
export type CallInput<R extends AnyApiRoute> = RouteInput<R> & CallOptions;

/** The call's arguments: the input may be left out when the route needs none. */
export type CallArgs<R extends AnyApiRoute> = InputOptional<R> extends true ? [input?: CallInput<R>] : [input: CallInput<R>];

type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Actions may queue behind a busy datastore: give them longer than reads. */
export const ACTION_TIMEOUT_MS = 30_000;

/** A short, printable preview of a body that was not what we expected. */
function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

export class ClusterHttp {
  private readonly base: URL;
  /** REST calls: headers and body each within the request timeout. */
  private readonly agent: Agent;
  /** The event stream: no body timeout (idle detection is the stream reader's job). */
  private readonly streamAgent: Agent;

  constructor(readonly endpoint: ClusterEndpoint) {
    this.base = new URL(endpoint.url.endsWith('/') ? endpoint.url : endpoint.url + '/');
    const connect = endpoint.caCertificate ? { ca: endpoint.caCertificate, timeout: DEFAULT_TIMEOUT_MS } : { timeout: DEFAULT_TIMEOUT_MS };
    this.agent = new Agent({ connect, headersTimeout: 30_000, bodyTimeout: 60_000, keepAliveTimeout: 10_000 });
    this.streamAgent = new Agent({ connect, headersTimeout: 30_000, bodyTimeout: 0 });
  }

  private urlOf(path: string, query?: Record<string, unknown>): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries((query ?? {}) as Record<string, QueryValue>)) {
      if (v === undefined || v === null) continue;
      // Lists travel comma-separated (`state=failed,cancelled`), as the query schemas read them.
      url.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    return url;
  }

  /** The URL of a call to `route`: its path with the params filled in (URL-encoded) and its query. */
  private routeUrl(route: AnyApiRoute, input: { params?: unknown; query?: unknown } = {}): URL {
    return this.urlOf(routePath(route, input.params as Record<string, unknown> | undefined), input.query as Record<string, unknown> | undefined);
  }

  /** Call a JSON route; the answer parsed with the route's response schema. */
  async call<R extends JsonRoute>(route: R, ...[input]: CallArgs<R>): Promise<RouteResponse<R>> {
    const given = (input ?? {}) as { params?: unknown; query?: unknown; body?: unknown } & CallOptions;
    const url = this.routeUrl(route, given);
    // Actions without options still send a JSON object, as the server reads an absent body as `{}`.
    const body = route.method === 'POST' ? (given.body ?? {}) : given.body;
    const answer = await this.send(route.method, url, body, route.response, given);
    return answer as RouteResponse<R>;
  }

  /** One REST call; the answer parsed with `schema` (no schema: the answer is not read). */
  private async send(method: AnyApiRoute['method'], url: URL, requestBody: unknown, schema: z.ZodType | undefined, options: CallOptions): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? (method === 'GET' ? DEFAULT_TIMEOUT_MS : ACTION_TIMEOUT_MS);
    const what = `${method} ${url.pathname}`;
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        dispatcher: this.agent,
        signal: AbortSignal.any(signals),
        headers: {
          authorization: `Bearer ${this.endpoint.token}`,
          accept: 'application/json',
          ...(requestBody !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: requestBody !== undefined ? JSON.stringify(requestBody) : undefined,
      });
      text = await response.text();
    } catch (error) {
      throw classifyNetworkError(error, url, timeoutMs);
    }
    let body: unknown;
    let isJson = true;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      isJson = false;
    }
    if (!response.ok) throw classifyHttpError(response.status, isJson ? body : undefined, what);
    if (!isJson) {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new ClusterRequestError(
        'incompatible',
        `${what} did not answer JSON (${type}: "${preview(text)}"): is this URL a Sigmatiq cluster?`,
        response.status,
      );
    }
    if (!schema) return undefined;
    const parsed = compiledSchema(schema).safeParse(body);
    if (!parsed.success) {
      throw new ClusterRequestError(
        'incompatible',
        `${what} answered something that is not the Sigmatiq cluster API v1 (${preview(describeZodError(parsed.error))}): is the cluster a compatible version?`,
        response.status,
      );
    }
    return parsed.data;
  }

  /** A file route's answer (not JSON): its bytes, refused past `maxBytes` with a clear error. */
  async download<R extends FileRoute>(
    route: R,
    input: RouteInput<R>,
    maxBytes: number,
    options: CallOptions = {},
  ): Promise<{ bytes: Buffer; contentType: string }> {
    return this.fetchFile(this.routeUrl(route, input), maxBytes, options);
  }

  private async fetchFile(url: URL, maxBytes: number, options: CallOptions): Promise<{ bytes: Buffer; contentType: string }> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    let response: Response;
    try {
      const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
      response = await fetch(url, { dispatcher: this.agent, signal: AbortSignal.any(signals), headers: { authorization: `Bearer ${this.endpoint.token}` } });
      if (!response.ok) {
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        throw classifyHttpError(response.status, body, `GET ${url.pathname}`);
      }
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw new ClusterRequestError('api', `the file is ${declared} bytes, more than the ${maxBytes} this app fetches; copy it from the cluster's disk`, 413);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.length;
        if (size > maxBytes) throw new ClusterRequestError('api', `the file is larger than the ${maxBytes} bytes this app fetches; copy it from the cluster's disk`, 413);
        chunks.push(Buffer.from(chunk));
      }
      return { bytes: Buffer.concat(chunks), contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
    } catch (error) {
      if (error instanceof ClusterRequestError) throw error;
      throw classifyNetworkError(error, url, timeoutMs);
    }
  }

  /**
   * Open the SSE stream. Resolves once the cluster answered 200 with `text/event-stream`; the body
   * is the caller's to read and to cancel through `signal`.
   */
  async openEventStream(route: EventStreamRoute, lastEventId: string | null, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const url = this.routeUrl(route);
    // A timeout on the handshake only: a signal with a timeout would also cut the open stream.
    const handshake = new AbortController();
    const timer = setTimeout(() => handshake.abort(new DOMException('handshake timed out', 'TimeoutError')), DEFAULT_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(url, {
        dispatcher: this.streamAgent,
        signal: AbortSignal.any([signal, handshake.signal]),
        headers: {
          authorization: `Bearer ${this.endpoint.token}`,
          accept: 'text/event-stream',
          ...(lastEventId !== null ? { 'last-event-id': lastEventId } : {}),
        },
      });
    } catch (error) {
      throw classifyNetworkError(handshake.signal.aborted ? handshake.signal.reason : error, url, DEFAULT_TIMEOUT_MS);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw classifyHttpError(response.status, body, `GET ${url.pathname}`);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new ClusterRequestError(
        'incompatible',
        `GET ${url.pathname} is not an event stream (${type || 'no content type'}): is this URL a Sigmatiq cluster?`,
        response.status,
      );
    }
    return response.body as ReadableStream<Uint8Array>;
  }

  async close(): Promise<void> {
    await Promise.all([this.agent.close(), this.streamAgent.close()]).catch(() => {});
  }
}
