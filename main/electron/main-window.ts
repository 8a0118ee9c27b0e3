/**
 * The main window: its constructor options (Electron's security checklist as data) and the
 * handlers that keep its page inside the app — no new windows, no navigation off app://, links to
 * the OS browser only after `isSafeExternalUrl`, no <webview>, and notifications as the only permission.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { decideNavigation, decidePermission, isSafeExternalUrl } from './security.ts';
import type { WindowBounds } from './window-state.ts';

export const WINDOW_TITLE = 'Sigmatiq Admin Jobs';
export const MIN_WINDOW_SIZE = { width: 960, height: 600 } as const;

/** The BrowserWindow options. Every security-relevant flag is spelled out, not left to defaults. */
export function mainWindowOptions(options: { preloadPath: string; bounds: WindowBounds; iconPath?: string }): BrowserWindowConstructorOptions {
  const { bounds } = options;
  return {
    title: WINDOW_TITLE,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown on 'ready-to-show' so the admin never sees a blank white frame.
    show: false,
    backgroundColor: '#101418',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/** What hardening needs from Electron (the real webContents/session/shell in the app, fakes in tests). */
export interface HardeningTarget {
  webContents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>;
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  openExternal: (url: string) => Promise<void>;
  log?: (line: string) => void;
}

function openOutside(target: HardeningTarget, url: string): void {
  // Checked again right before the hand-off: this is the only path from the page to the OS.
  if (!isSafeExternalUrl(url)) return;
  target.openExternal(url).catch((error: unknown) => target.log?.(`could not open ${url} in the browser: ${String(error)}`));
}

/** Attaches the window-open, navigation, webview and permission policies to a window's page. */
export function hardenWebContents(target: HardeningTarget): void {
  const { webContents, session } = target;

  webContents.setWindowOpenHandler(function denyWindowOpen(details) {
    if (decideNavigation(details.url) === 'open-external') openOutside(target, details.url);
    else target.log?.(`blocked a new window for ${details.url}`);
    return { action: 'deny' };
  });

  const guardNavigation = (event: { url: string; preventDefault(): void }) => {
    const decision = decideNavigation(event.url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openOutside(target, event.url);
    else target.log?.(`blocked navigation to ${event.url}`);
  };
  webContents.on('will-navigate', guardNavigation);
  webContents.on('will-redirect', guardNavigation);

  webContents.on('will-attach-webview', function refuseWebview(event) {
    event.preventDefault();
    target.log?.('blocked a <webview>');
  });

  session.setPermissionRequestHandler(function onPermissionRequest(_wc, permission, callback, details) {
    callback(decidePermission(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler(function onPermissionCheck(_wc, permission, requestingOrigin) {
    return decidePermission(permission, requestingOrigin);
  });
}
