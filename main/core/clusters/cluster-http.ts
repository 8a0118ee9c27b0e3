/**
 * HTTP to one cluster: bearer token, optional CA certificate for self-signed TLS (undici Agent
 * `connect.ca`), timeouts, and every answer parsed with its contract schema — an answer that is not
 * JSON or breaks the schema is an `incompatible` error naming the route and the first problems.
 */
import { Agent, fetch, type Response } from 'undici';
import type { z } from 'zod';
import { describeZodError } from '../../../contract/api.ts';
import { classifyHttpError, classifyNetworkError, ClusterRequestError } from './cluster-errors.ts';

export interface ClusterEndpoint {
  url: string;
  token: string;
  caCertificate?: string | null;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
}

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

  urlOf(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url;
  }

  /** One REST call; the answer parsed with `schema`. */
  async request<S extends z.ZodType>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
    const url = this.urlOf(path, options.query);
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
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
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
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ClusterRequestError(
        'incompatible',
        `${what} answered something that is not the Sigmatiq cluster API v1 (${preview(describeZodError(parsed.error))}): is the cluster a compatible version?`,
        response.status,
      );
    }
    return parsed.data;
  }

  get<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.output<S>> {
    return this.request('GET', path, schema, options);
  }

  post<S extends z.ZodType>(path: string, body: unknown, schema: S, options?: RequestOptions): Promise<z.output<S>> {
    return this.request('POST', path, schema, { ...options, body: body ?? {} });
  }

  /** A file answer (not JSON): its bytes, refused past `maxBytes` with a clear error. */
  async getFile(path: string, maxBytes: number, options: RequestOptions = {}): Promise<{ bytes: Buffer; contentType: string }> {
    const url = this.urlOf(path, options.query);
    const timeoutMs = options.timeoutMs ?? 60_000;
    let response: Response;
    try {
      response = await fetch(url, { dispatcher: this.agent, signal: AbortSignal.timeout(timeoutMs), headers: { authorization: `Bearer ${this.endpoint.token}` } });
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
  async openEventStream(path: string, lastEventId: string | null, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const url = this.urlOf(path);
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
