/**
 * The `app://` protocol: serves the built renderer (`out/renderer`) to the window with the CSP as a
 * response header. A custom privileged scheme instead of file:// gives the page a real origin
 * (`app://renderer`), so `'self'` in the CSP means the app and nothing else on disk.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { contentTypeOf } from '../core/content-types.ts';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

/** Registered before `app.whenReady()`: standard (real origin, relative URLs), secure, fetch allowed. No CSP bypass. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/**
 * The file an app:// URL names inside `rootDir`, or null when it is not ours or would escape the
 * folder. Paths without an extension are client-side routes and get `index.html`.
 */
export function resolveAppFile(url: string, rootDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  if (pathname === '/' || path.posix.extname(pathname) === '') pathname = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + path.posix.normalize(pathname));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Builds the handler for `protocol.handle('app', …)`; `readFile` is injectable for tests. */
export function createAppProtocolHandler(options: {
  rootDir: string;
  readFile?: (file: string) => Promise<Uint8Array>;
}): (request: Request) => Promise<Response> {
  const readFile = options.readFile ?? ((file: string) => fsReadFile(file));
  return async function handleAppRequest(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: securityHeaders('text/plain; charset=utf-8') });
    }
    const file = resolveAppFile(request.url, options.rootDir);
    if (file === null) return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
    try {
      const body = await readFile(file);
      const type = contentTypeOf(file);
      return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
        status: 200,
        headers: securityHeaders(type),
      });
    } catch {
      return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
    }
  };
}
