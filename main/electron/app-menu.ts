/**
 * The application menu: standard roles (so copy/paste, zoom, full screen and window handling work
 * as on every other app of the platform) plus About. Developer tools only in development.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  isDevelopment: boolean;
  showAbout: () => void;
  openWindow: () => void;
}

/** The menu template for `Menu.buildFromTemplate`. */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: `About ${options.appName}`, click: () => options.showAbout() };
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: options.appName,
      submenu: [about, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(options.isDevelopment ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: [
        { label: `Show ${options.appName}`, click: () => options.openWindow() },
        { role: 'minimize' },
        { role: 'zoom' },
        ...(mac ? [{ type: 'separator' } as const, { role: 'front' } as const] : [{ role: 'close' } as const]),
      ],
    },
    { role: 'help', submenu: mac ? [{ label: 'Sigmatiq Admin Jobs Help', enabled: false }] : [about] },
  );
  return template;
}

/** The About text: what this is, and the versions an admin reports with a bug. */
export function aboutDetail(versions: { app: string; electron?: string; chrome?: string; node?: string }): string {
  return [
    `Version ${versions.app}`,
    `Electron ${versions.electron ?? '?'} · Chromium ${versions.chrome ?? '?'} · Node ${versions.node ?? '?'}`,
    '',
    'Mission control for the background work of Sigmatiq clusters.',
    'Copyright © 2026 Sigmatiq',
  ].join('\n');
}
