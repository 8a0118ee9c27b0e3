/**
 * Browser mode: the desktop shell's native notifications are not there, so a critical alert that
 * starts firing shows a web notification where the browser allows it. Permission is asked only
 * when the admin clicks the button for it (browsers ignore or punish unprompted asks).
 */
import { useEffect, useRef, useState } from 'react';
import type { DesktopAlert } from '../../../contract/desktop-alerts.ts';
import { alertHref } from './alerts-data.ts';

/** True in browser mode with the Notification API (not in the Electron window, which notifies natively). */
export function webNotificationsAvailable(win: Window & { Notification?: unknown } = window): boolean {
  return !win.sigmatiq && typeof win.Notification === 'function';
}

/** Shows a web notification for each critical alert that starts firing while permission is granted. */
export function useWebAlertNotifications(alerts: readonly DesktopAlert[] | undefined, clusterName: (id: string) => string): void {
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!alerts) return;
    const keys = new Set(alerts.map((a) => `${a.clusterId}\n${a.id}`));
    const before = known.current;
    known.current = keys;
    // The first list is what already fired before the page opened: the banner shows it.
    if (!before || !webNotificationsAvailable() || Notification.permission !== 'granted') return;
    for (const a of alerts) {
      if (before.has(`${a.clusterId}\n${a.id}`) || a.severity !== 'critical' || a.acknowledgedBy) continue;
      const n = new Notification(`${clusterName(a.clusterId)}: ${a.ruleName ?? 'alert'} firing`, { body: a.message, tag: `${a.clusterId}/${a.id}` });
      n.onclick = () => {
        window.focus();
        window.location.hash = alertHref(a.clusterId, a.id);
      };
    }
  }, [alerts, clusterName]);
}

/** The button that asks for permission (on the admin's click), or what the browser decided. */
export function WebNotificationButton() {
  const [permission, setPermission] = useState(() => (webNotificationsAvailable() ? Notification.permission : null));
  if (permission === null) return null;
  if (permission === 'granted') return <span className="alert-note">Browser notifications on for critical alerts</span>;
  if (permission === 'denied') return <span className="alert-note">Browser notifications are blocked for this page (site settings)</span>;
  return (
    <button type="button" className="btn btn-small" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Notify me in this browser
    </button>
  );
}
