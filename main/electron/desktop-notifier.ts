/**
 * The Notifier port as native notifications. A click brings the window forward and asks the UI to
 * show the job or the alert (a `focus-job` / `focus-alert` event); buttons (Acknowledge, Silence
 * 1 h) are shown where the platform has them. Muted while notifications are paused from the tray,
 * and the same notification is not repeated within a minute (a flapping cluster must not flood the
 * desktop).
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Notifier } from '../core/ports.ts';

export type NotifierMessage = Parameters<Notifier['notify']>[0];

/** The parts of Electron's Notification used here. */
export interface NativeNotification {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
  show(): void;
}

export interface DesktopNotifierOptions {
  /** `Notification.isSupported()` in the app. */
  isSupported: () => boolean;
  create: (options: NotificationConstructorOptions) => NativeNotification;
  /** True while the admin paused notifications (tray) or switched them off (settings). */
  isMuted: () => boolean;
  /** Brings the main window forward and, when the notification names a job or an alert, shows it. */
  focus: (target: { clusterId?: string; jobId?: string; alertId?: string }) => void;
  /** Whether notifications show buttons (Electron: macOS only); without, a click opens the alert, where its buttons are. */
  supportsActions?: () => boolean;
  iconPath?: string;
  now?: () => number;
  repeatAfterMs?: number;
}

/** Native desktop notifications for the core and the shell. */
export class DesktopNotifier implements Notifier {
  private readonly recent = new Map<string, number>();
  /** Notifications are kept referenced until clicked or replaced, or the OS may drop their click handler with them. */
  private readonly live = new Set<NativeNotification>();

  constructor(private readonly options: DesktopNotifierOptions) {}

  notify(message: NotifierMessage): void {
    if (this.options.isMuted() || !this.options.isSupported()) return;
    const now = (this.options.now ?? Date.now)();
    const key = `${message.title}\n${message.body}`;
    const last = this.recent.get(key);
    if (last !== undefined && now - last < (this.options.repeatAfterMs ?? 60_000)) return;
    this.recent.set(key, now);
    if (this.recent.size > 200) this.recent.delete(this.recent.keys().next().value!);

    const actions = this.options.supportsActions?.() ? (message.actions ?? []) : [];
    const notification = this.options.create({
      title: message.title,
      body: message.body,
      urgency: message.level === 'critical' ? 'critical' : 'normal',
      silent: message.level === 'info',
      ...(this.options.iconPath ? { icon: this.options.iconPath } : {}),
      ...(actions.length > 0 ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.label })) } : {}),
    });
    this.live.add(notification);
    if (this.live.size > 20) this.live.delete(this.live.values().next().value!);
    notification.on('click', () => {
      this.live.delete(notification);
      this.options.focus({
        ...(message.clusterId ? { clusterId: message.clusterId } : {}),
        ...(message.jobId ? { jobId: message.jobId } : {}),
        ...(message.alertId ? { alertId: message.alertId } : {}),
      });
    });
    notification.on('action', (_event, index) => {
      this.live.delete(notification);
      actions[index]?.run();
    });
    notification.show();
  }
}
