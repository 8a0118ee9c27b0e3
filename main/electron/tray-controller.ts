/**
 * The tray icon: its image follows the tray state (the worst firing severity), its tooltip the
 * counts, and its menu lists what fires (a click opens the alert) and offers open, pause
 * notifications for an hour (or resume) and quit. Electron's Tray, Menu and images are
 * passed in, so the decisions are tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { FiringAlertItem } from './alert-notifications.ts';
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
  /** Shows one alert (a firing entry of the menu was clicked). */
  openAlert?: (clusterId: string, alertId: string) => void;
  quit: () => void;
  /** Notification pause: until when (null = not paused), and how to set it. */
  pausedUntil: () => Date | null;
  setPausedUntil: (until: Date | null) => void;
  now?: () => Date;
}

export const PAUSE_NOTIFICATIONS_MS = 60 * 60_000;
/** Firing alerts listed in the menu; the rest are counted. */
export const TRAY_MENU_ALERTS = 8;
/** Menus cut long labels; ours stay readable. */
const MENU_LABEL_MAX = 90;

/** Keeps the tray in step with the state; `update` is cheap when nothing changed. */
export class TrayController<Image, Menu> {
  private last: { state: TrayStateName; tooltip: string; paused: string; firing: string } | null = null;
  private firing: FiringAlertItem[] = [];

  constructor(private readonly options: TrayControllerOptions<Image, Menu>) {
    options.tray.on('click', () => options.openWindow());
  }

  /** The menu for the current pause state. */
  menuTemplate(): MenuItemConstructorOptions[] {
    const now = (this.options.now ?? (() => new Date()))();
    const until = this.options.pausedUntil();
    const paused = until !== null && until > now;
    const shown = this.firing.slice(0, TRAY_MENU_ALERTS);
    const more = this.firing.length - shown.length;
    const cut = (s: string) => (s.length > MENU_LABEL_MAX ? `${s.slice(0, MENU_LABEL_MAX - 1)}…` : s);
    const firing: MenuItemConstructorOptions[] =
      this.firing.length === 0
        ? []
        : [
            { label: `Firing (${this.firing.length})`, enabled: false },
            ...shown.map((a) => ({
              label: cut(`${a.severity === 'critical' ? 'Critical' : 'Warning'} · ${a.label}`),
              click: () => (this.options.openAlert ? this.options.openAlert(a.clusterId, a.alertId) : this.options.openWindow()),
            })),
            ...(more > 0 ? [{ label: `…and ${more} more`, click: () => this.options.openWindow() }] : []),
            { type: 'separator' as const },
          ];
    return [
      { label: 'Open Sigmatiq Admin Jobs', click: () => this.options.openWindow() },
      { type: 'separator' },
      ...firing,
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
    const firingKey = state.firing.map((a) => `${a.clusterId}\n${a.alertId}\n${a.label}`).join('\n');
    this.firing = state.firing;
    const { tray } = this.options;
    if (!this.last || this.last.state !== state.state) tray.setImage(this.options.images[state.state] as never);
    if (!this.last || this.last.tooltip !== state.tooltip) tray.setToolTip(state.tooltip);
    if (!this.last || this.last.paused !== pausedKey || this.last.firing !== firingKey) tray.setContextMenu(this.options.buildMenu(this.menuTemplate()) as never);
    this.last = { state: state.state, tooltip: state.tooltip, paused: pausedKey, firing: firingKey };
  }

  private setPaused(until: Date | null): void {
    this.options.setPausedUntil(until);
    this.options.tray.setContextMenu(this.options.buildMenu(this.menuTemplate()) as never);
    if (this.last) this.last.paused = until ? until.toISOString() : '';
  }
}
