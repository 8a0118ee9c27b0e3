import { describe, expect, it, vi } from 'vitest';
import { hardenWebContents, mainWindowOptions, type HardeningTarget } from './main-window.ts';

type Listener = (...args: unknown[]) => unknown;

function fakeTarget() {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | null = null;
  let requestHandler: Listener | null = null;
  let checkHandler: Listener | null = null;
  const openExternal = vi.fn(async (_url: string) => {});
  const target = {
    webContents: {
      setWindowOpenHandler: (h: Listener) => void (openHandler = h),
      on: (event: string, l: Listener) => void listeners.set(event, l),
    },
    session: {
      setPermissionRequestHandler: (h: Listener) => void (requestHandler = h),
      setPermissionCheckHandler: (h: Listener) => void (checkHandler = h),
    },
    openExternal,
  } as unknown as HardeningTarget;
  hardenWebContents(target);
  const navigate = (event: string, url: string) => {
    const e = { url, preventDefault: vi.fn() };
    listeners.get(event)!(e);
    return e.preventDefault.mock.calls.length > 0;
  };
  return {
    openExternal,
    listeners,
    windowOpen: (url: string) => openHandler!({ url }),
    navigate,
    request: (permission: string, requestingUrl: string) => {
      let granted: boolean | null = null;
      requestHandler!({}, permission, (g: boolean) => (granted = g), { requestingUrl });
      return granted;
    },
    check: (permission: string, origin: string) => checkHandler!({}, permission, origin, {}),
  };
}

describe('main window', () => {
  it('is created with every security flag on and the preload set', () => {
    const options = mainWindowOptions({ preloadPath: '/app/out/preload/preload.cjs', bounds: { width: 1200, height: 800, maximized: false } });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(options.show).toBe(false);
    expect(options).toMatchObject({ width: 1200, height: 800 });
    expect(options).not.toHaveProperty('x');
    expect(mainWindowOptions({ preloadPath: 'p', bounds: { x: 10, y: 20, width: 1000, height: 700, maximized: true } })).toMatchObject({ x: 10, y: 20 });
  });

  it('denies every new window and sends only checked web links to the OS browser', async () => {
    const t = fakeTarget();
    expect(t.windowOpen('https://docs.example.com/')).toEqual({ action: 'deny' });
    expect(t.windowOpen('app://renderer/index.html')).toEqual({ action: 'deny' });
    expect(t.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(t.windowOpen('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(t.openExternal.mock.calls).toEqual([['https://docs.example.com/']]);
  });

  it('blocks navigation off the app and redirects, allowing in-app routes', () => {
    const t = fakeTarget();
    expect(t.navigate('will-navigate', 'app://renderer/index.html#/jobs')).toBe(false);
    expect(t.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(t.navigate('will-navigate', 'file:///home/u/x.html')).toBe(true);
    expect(t.navigate('will-redirect', 'http://127.0.0.1:9/phish')).toBe(true);
    expect(t.openExternal.mock.calls.map(([u]) => u)).toEqual(['https://evil.example/', 'http://127.0.0.1:9/phish']);
    expect(t.listeners.has('will-attach-webview')).toBe(true);
    const e = { preventDefault: vi.fn() };
    t.listeners.get('will-attach-webview')!(e);
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('grants notifications to the app page only', () => {
    const t = fakeTarget();
    expect(t.request('notifications', 'app://renderer/index.html')).toBe(true);
    expect(t.request('media', 'app://renderer/index.html')).toBe(false);
    expect(t.request('notifications', 'https://evil.example/')).toBe(false);
    expect(t.check('notifications', 'app://renderer')).toBe(true);
    expect(t.check('clipboard-read', 'app://renderer')).toBe(false);
  });
});
