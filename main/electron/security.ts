/**
 * The security decisions of the Electron shell, as pure functions so tests can prove them without
 * Electron: what the app's origin is, which links may leave for the OS browser, where the window
 * may navigate, and which permissions a page gets (notifications only). The Content-Security-Policy
 * is shared with browser mode: main/core/content-security-policy.ts.
 */

/** The custom scheme the renderer is served from (never file://, so the page has a real origin). */
export const APP_SCHEME = 'app';
/** The host of app:// URLs; the renderer's origin is `app://renderer`. */
export const APP_HOST = 'renderer';
/** Where the window starts. */
export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs of the app itself (`app://renderer/…`). */
export function isAppUrl(url: string): boolean {
  const u = parseUrl(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/**
 * Whether a link may be handed to the OS browser: http(s) only, no credentials in the URL, a real
 * host name. Everything else (file:, javascript:, custom protocols that launch other apps, smb: …)
 * is refused, because `shell.openExternal` would hand it to whatever the OS registered.
 */
export function isSafeExternalUrl(url: string): boolean {
  const u = parseUrl(url);
  if (u === null) return false;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username !== '' || u.password !== '') return false;
  return u.hostname.length > 0 && url.length <= 2000;
}

/** What to do with a navigation attempt of the main window. */
export type NavigationDecision = 'allow' | 'open-external' | 'block';

/** In-app navigation is allowed; http(s) links leave for the OS browser (after the check); the rest is blocked. */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  if (isSafeExternalUrl(url)) return 'open-external';
  return 'block';
}

/** The only permission a page of this app gets. */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/** Permission requests and checks: notifications from the app's own page, nothing else, ever. */
export function decidePermission(permission: string, requestingUrl: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}
