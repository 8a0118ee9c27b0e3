/**
 * The page's Content-Security-Policy, one for both ways the renderer is served: the header of every
 * app:// response in Electron (main/electron/app-protocol.ts) and of every response of the
 * browser-mode host (main/web/web-host.ts). renderer/index.html carries the same policy as a meta
 * tag, less `frame-ancestors` (browsers ignore it there); main/web/web-host.test.ts holds them equal.
 *
 * Scripts only from the app itself (no inline scripts, no eval); inline styles stay allowed because
 * React sets `style` attributes; no network beyond the page's own origin (Electron's renderer talks
 * to the core over IPC, the browser-mode page to its host's AdminApi). No form submits to a URL —
 * the app handles its forms in script — so `form-action` allows none.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
