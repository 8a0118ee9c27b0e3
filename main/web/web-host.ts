/**
 * Browser mode's HTTP host (contract/web-protocol.ts): the built renderer as static files and the
 * AdminApi as `POST /admin-api/<method>` plus `GET /admin-api/events` (SSE), on 127.0.0.1 only,
 * behind a random session token. The token arrives as `?token=` on the first page load (then an
 * HttpOnly SameSite=Strict cookie keeps the page's assets loading), as `Authorization: Bearer` on
 * calls and as `?token=` on the events URL. The cookie alone never reaches the AdminApi, and calls
 * a browser marks as coming from another page are refused (request-guard.ts). Requests for another
 * Host are refused, so a web page elsewhere cannot reach the host through DNS rebinding.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { AdminApi, AdminErrorBody, AdminEvent } from '../../contract/admin-api.ts';
import { SESSION_TOKEN_PARAM, WEB_API_PREFIX, WEB_EVENTS_PATH, WebCallBody } from '../../contract/web-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.ts';
import { contentTypeOf } from '../core/content-types.ts';
import { dispatchAdminCall } from '../core/dispatch.ts';
import { contentTypeRefusal, cookieValue, crossOriginRefusal } from './request-guard.ts';

export const SESSION_COOKIE = 'sigmatiq_session';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * How much of an oversized body is read and dropped so the client gets its 413 (a socket closed
 * with unread data resets the connection before the client reads the answer); beyond it, the
 * connection is cut.
 */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

export interface WebHostOptions {
  api: AdminApi;
  /** Subscribe to the core's events (for the SSE endpoint). */
  onEvent: (listener: (event: AdminEvent) => void) => () => void;
  /** The built renderer (`out/renderer`); null serves a page saying how to build it. */
  rendererDir: string | null;
  /** Fixed for tests; random otherwise. */
  sessionToken?: string;
  port?: number;
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  port: number;
  sessionToken: string;
  /** The URL to open: with the session token. */
  openUrl: string;
  close(): Promise<void>;
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

function securityHeaders(res: ServerResponse): void {
  // The token travels in the first URL: never leak it in a Referer.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  // Other pages may not embed the host's responses (a no-cors <script> or <img> of them).
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: AdminErrorBody): void {
  sendJson(res, status, { error });
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Sigmatiq Admin — session token needed</title>
<body style="font-family:system-ui;max-width:40em;margin:4em auto">
<h1>Session token needed</h1>
<p>Open the address printed by <code>sigmatiq-admin serve</code> (the line starting with <code>open:</code>);
it carries this session's token. A restarted host has a new token.</p></body>`;

function notBuiltPage(dir: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Sigmatiq Admin — UI not built</title>
<body style="font-family:system-ui;max-width:40em;margin:4em auto">
<h1>The admin UI is not built</h1>
<p>No built UI was found in <code>${dir}</code>. Run <code>npm run build</code> in the project folder, then restart
<code>sigmatiq-admin serve</code>. The AdminApi is running.</p></body>`;
}

/**
 * The body as text, or null when it is larger than MAX_BODY_BYTES. An oversized body is read on
 * and dropped in the background, so the 413 sent meanwhile reaches the client.
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const overflow = () => {
      tooLarge = true;
      chunks.length = 0;
      resolve(null);
    };
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) overflow();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > MAX_BODY_BYTES + MAX_DISCARDED_BYTES) req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) return overflow();
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Start the host on 127.0.0.1. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.sessionToken ?? randomBytes(24).toString('base64url');
  const log = options.log ?? (() => {});
  const streams = new Set<ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  async function handleCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, { code: 'method-not-allowed', message: 'AdminApi calls are POST requests.' });
    }
    const wrongType = contentTypeRefusal(req);
    if (wrongType) {
      return sendError(res, wrongType.status, wrongType.error);
    }
    const raw = await readBody(req);
    if (raw === null) {
      return sendError(res, 413, { code: 'payload-too-large', message: `The request body is larger than ${MAX_BODY_BYTES} bytes (2 MiB): send less per call.` });
    }
    let json: unknown;
    try {
      json = raw === '' ? { args: [] } : JSON.parse(raw);
    } catch {
      return sendError(res, 400, { code: 'invalid-arguments', message: 'The request body is not JSON: send {"args": [...]}.' });
    }
    const body = WebCallBody.safeParse(json);
    if (!body.success) {
      return sendError(res, 400, { code: 'invalid-arguments', message: 'The request body must be {"args": [...]} with at most 10 arguments.' });
    }
    const result = await dispatchAdminCall(options.api, method, body.data.args, log);
    if (result.ok) sendJson(res, 200, { result: result.result });
    else sendError(res, result.status, result.error);
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = options.onEvent((event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, { code: 'method-not-allowed', message: 'Only GET is served here.' });
    }
    const dir = options.rendererDir;
    if (!dir || !existsSync(path.join(dir, 'index.html'))) {
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8' });
      res.end(notBuiltPage(dir ?? 'out/renderer'));
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 400, { code: 'bad-path', message: 'The path is not valid.' });
    }
    let file = path.resolve(dir, '.' + path.posix.normalize('/' + rel));
    if (!file.startsWith(path.resolve(dir) + path.sep) && file !== path.resolve(dir)) {
      return sendError(res, 404, { code: 'not-found', message: 'No such file.' });
    }
    // Client-side routes (no extension) get the app's page.
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (path.extname(rel) !== '') return sendError(res, 404, { code: 'not-found', message: `No file ${rel}.` });
      file = path.join(dir, 'index.html');
    }
    const type = contentTypeOf(file);
    res.writeHead(200, {
      'content-type': type,
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendError(res, 403, { code: 'wrong-host', message: `This host answers only as 127.0.0.1:${port} or localhost:${port}.` });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const queryToken = url.searchParams.get(SESSION_TOKEN_PARAM);
    const cookie = cookieValue(req, SESSION_COOKIE);
    const isApi = url.pathname === WEB_API_PREFIX || url.pathname.startsWith(WEB_API_PREFIX + '/');

    if (isApi) {
      // The request's own origin: the Host was checked above.
      const refused = crossOriginRefusal(req, `http://${req.headers.host}`);
      if (refused) {
        return sendError(res, refused.status, refused.error);
      }
      // EventSource cannot set headers: the events URL carries the token instead. The cookie,
      // which the browser adds to any page's request, is not a session here.
      const isEvents = url.pathname === WEB_EVENTS_PATH;
      const ok = sameToken(bearer(req), token) || (isEvents && sameToken(queryToken, token));
      if (!ok) {
        return sendError(res, 401, {
          code: 'unauthorized',
          message: 'No or wrong session token: open the address printed by sigmatiq-admin serve.',
        });
      }
      if (isEvents) {
        if (req.method !== 'GET') return sendError(res, 405, { code: 'method-not-allowed', message: 'Events are a GET stream.' });
        return handleEvents(req, res);
      }
      return handleCall(req, res, url.pathname.slice(WEB_API_PREFIX.length + 1));
    }

    if (sameToken(queryToken, token)) {
      res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
    } else if (!sameToken(cookie, token)) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
      res.end(UNAUTHORIZED_PAGE);
      return;
    }
    serveStatic(req, res, url.pathname);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`web host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'The host failed on this request.' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    sessionToken: token,
    openUrl: `${url}/?${SESSION_TOKEN_PARAM}=${encodeURIComponent(token)}`,
    async close() {
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
