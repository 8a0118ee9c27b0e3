/**
 * The tray icon: its image follows the tray state, its tooltip the counts, and its menu offers
 * open, pause notifications for an hour (or resume) and quit. Electron's Tray, Menu and images are
 * passed in, so the decisions are tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayState, TrayStateName } from './tray-state.ts';

/** The Tray methods used here. */
export interface TrayLike {
  setImage(image: never): void;
  setToolTip(text: string): void;
  setContextMenu(menu: never): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayControllerOptions<Image, Menu> {
  tray: TrayLike;
  images: Record<TrayStateName, Image>;
  buildMenu: (template: MenuItemConstructorOptions[]) => Menu;
  openWindow: () => void;
  quit: () => void;
  /** Notification pause: until when (null = not paused), and how to set it. */
  pausedUntil: () => Date | null;
  setPausedUntil: (until: Date | null) => void;
  now?: () => Date;
}

export const PAUSE_NOTIFICATIONS_MS = 60 * 60_000;

/** Keeps the tray in step with the state; `update` is cheap when nothing changed. */
export class TrayController<Image, Menu> {
  private last: { state: TrayStateName; tooltip: string; paused: string } | null = null;

  constructor(private readonly options: TrayControllerOptions<Image, Menu>) {
    options.tray.on('click', () => options.openWindow());
  }

  /** The menu for the current pause state. */
  menuTemplate(): MenuItemConstructorOptions[] {
    const now = (this.options.now ?? (() => new Date()))();
    const until = this.options.pausedUntil();
    const paused = until !== null && until > now;
    return [
      { label: 'Open Sigmatiq Admin Jobs', click: () => this.options.openWindow() },
      { type: 'separator' },
      paused
        ? {
            label: `Resume notifications (paused until ${until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })})`,
            click: () => this.setPaused(null),
          }
        : { label: 'Pause notifications for 1 hour', click: () => this.setPaused(new Date(now.getTime() + PAUSE_NOTIFICATIONS_MS)) },
      { type: 'separator' },
      { label: 'Quit', click: () => this.options.quit() },
    ];
  }

  update(state: TrayState): void {
    const until = this.options.pausedUntil();
    const pausedKey = until ? until.toISOString() : '';
    const { tray } = this.options;
    if (!this.last || this.last.state !== state.state) tray.setImage(this.options.images[state.state] as never);
    if (!this.last || this.last.tooltip !== state.tooltip) tray.setToolTip(state.tooltip);
    if (!this.last || this.last.paused !== pausedKey) tray.setContextMenu(this.options.buildMenu(this.menuTemplate()) as never);
    this.last = { state: state.state, tooltip: state.tooltip, paused: pausedKey };
  }

  private setPaused(until: Date | null): void {
    this.options.setPausedUntil(until);
    this.options.tray.setContextMenu(this.options.buildMenu(this.menuTemplate()) as never);
    if (this.last) this.last.paused = until ? until.toISOString() : '';
  }
}
