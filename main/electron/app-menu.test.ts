import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { aboutDetail, appMenuTemplate } from './app-menu.ts';
import { electronSqliteBindingPath } from './native-binding.ts';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}
function labels(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.label ? [i.label] : []), ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
}

describe('application menu', () => {
  it('uses the standard roles and has About, without developer tools in a packaged app', () => {
    const showAbout = vi.fn();
    const menu = appMenuTemplate({ platform: 'linux', appName: 'Sigmatiq Admin Jobs', isDevelopment: false, showAbout, openWindow: () => {} });
    expect(roles(menu)).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'reload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'minimize', 'close', 'help']));
    expect(roles(menu)).not.toContain('toggleDevTools');
    const about = menu.find((m) => m.role === 'help')!.submenu as MenuItemConstructorOptions[];
    expect(about[0]!.label).toBe('About Sigmatiq Admin Jobs');
    about[0]!.click!({} as never, undefined, {} as never);
    expect(showAbout).toHaveBeenCalled();
  });

  it('follows macOS conventions there and offers developer tools in development', () => {
    const menu = appMenuTemplate({ platform: 'darwin', appName: 'Sigmatiq Admin Jobs', isDevelopment: true, showAbout: () => {}, openWindow: () => {} });
    expect(menu[0]!.label).toBe('Sigmatiq Admin Jobs');
    expect(labels(menu)).toContain('About Sigmatiq Admin Jobs');
    expect(roles(menu)).toEqual(expect.arrayContaining(['services', 'hide', 'hideOthers', 'unhide', 'front', 'toggleDevTools']));
  });

  it('says which versions run, for bug reports', () => {
    expect(aboutDetail({ app: '0.1.0', electron: '45.5.0', chrome: '140', node: '22.20.0' })).toMatch(/Version 0\.1\.0\nElectron 45\.5\.0 · Chromium 140 · Node 22\.20\.0/);
  });
});

describe('native SQLite addon for Electron', () => {
  it('sits next to the bundles in development and in app.asar.unpacked when packaged', () => {
    expect(electronSqliteBindingPath('/repo/out/node')).toBe(path.join('/repo/out/native/electron/better_sqlite3.node'));
    expect(electronSqliteBindingPath('/opt/Sigmatiq/resources/app.asar/out/node')).toBe('/opt/Sigmatiq/resources/app.asar.unpacked/out/native/electron/better_sqlite3.node');
  });
});
