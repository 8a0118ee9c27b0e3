/**
 * Who may call the browser-mode host's AdminApi. Every page on 127.0.0.1 or localhost, whatever its
 * port, is "same site" for the browser, so SameSite cookies do not keep other local pages out: a
 * page on another port could POST a `text/plain` body with `mode: 'no-cors'` and the browser would
 * attach the cookie. So calls are accepted only when the browser says they come from the host's
 * own page (`Origin`, `Sec-Fetch-Site`) and carry the session token in a header the page's web
 * client adds — which no other page can add without knowing the token. The cookie only loads the
 * page's files.
 */
import type { IncomingMessage } from 'node:http';
import type { AdminErrorBody } from '../../contract/admin-api.ts';

/** A refusal of the request: the status and the envelope's body. */
export interface Refusal {
  status: number;
  error: AdminErrorBody;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Refuses a call that a browser marks as coming from another page. `ownOrigin` is the origin the
 * request was addressed to (`http://` + its checked Host). Clients that are not browsers (curl,
 * scripts, Node) send neither header; they still need the session token.
 */
export function crossOriginRefusal(req: IncomingMessage, ownOrigin: string): Refusal | null {
  const site = header(req, 'sec-fetch-site');
  const origin = header(req, 'origin');
  if (site !== undefined && site !== 'same-origin') {
    return {
      status: 403,
      error: { code: 'cross-origin', message: `The AdminApi answers only its own page; this was a ${site} request. Open the address printed by sigmatiq-admin serve.` },
    };
  }
  if (origin !== undefined && origin !== ownOrigin) {
    return {
      status: 403,
      error: { code: 'cross-origin', message: `The AdminApi answers only its own page (${ownOrigin}), not ${origin}. Open the address printed by sigmatiq-admin serve.` },
    };
  }
  return null;
}

/** Refuses a POST whose body is not declared as JSON (what forms and `no-cors` fetches send). */
export function contentTypeRefusal(req: IncomingMessage): Refusal | null {
  const type = header(req, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return null;
  return {
    status: 415,
    error: { code: 'unsupported-media-type', message: `AdminApi calls are JSON: send content-type: application/json (got ${type ? `'${type}'` : 'none'}).` },
  };
}

/** A cookie's value, or null when it is absent or not valid percent-encoding. */
export function cookieValue(req: IncomingMessage, name: string): string | null {
  const cookies = header(req, 'cookie');
  if (!cookies) return null;
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return null;
    }
  }
  return null;
}
