/**
 * Picks the AdminApi for this page: the preload's `window.sigmatiq` in Electron, otherwise the
 * browser-mode web client with the session token from the page URL (`?token=`). The token is
 * moved to sessionStorage and removed from the address bar, so it does not linger in history
 * and a reload still works.
 */
import type { AdminApi } from '../../contract/admin-api.ts';
import { SESSION_TOKEN_PARAM } from '../../contract/web-protocol.ts';
import { AdminApiError } from './admin-api-error.ts';
import { useHostLink } from '../store/host-link-store.ts';
import { createWebClient } from './web-client.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in browser mode. */
    sigmatiq?: AdminApi;
  }
}

const TOKEN_KEY = 'sigmatiq.sessionToken';

/** Returns the AdminApi for this window, or throws an AdminApiError saying what is missing. */
export function resolveAdminApi(win: Window = window): AdminApi {
  if (win.sigmatiq) return win.sigmatiq;
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(SESSION_TOKEN_PARAM);
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete(SESSION_TOKEN_PARAM);
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? win.sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    throw new AdminApiError(
      'no_session_token',
      'This page needs its session token. Open the full URL that `sigmatiq-admin serve` printed (it ends in ?token=…).',
    );
  }
  return createWebClient({ baseUrl: win.location.origin, token, onLinkChange: (link) => useHostLink.getState().setLink(link) });
}
