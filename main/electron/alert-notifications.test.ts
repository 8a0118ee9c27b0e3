import type { MenuItemConstructorOptions, NotificationConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminApi, AdminEvent, ClusterView } from '../../contract/admin-api.ts';
import type { Alert } from '../../contract/alerts.ts';
import { createAlertAdminApi } from '../core/alerts/alert-admin-api.ts';
import { AlertMirror } from '../core/alerts/alert-mirror.ts';
import { AlertService } from '../core/alerts/alert-service.ts';
import { JobCache } from '../core/cache/job-cache.ts';
import type { ClusterHttp } from '../core/clusters/cluster-http.ts';
import { AlertNotifications, NOTIFICATION_SILENCE_MS, type FiringAlertItem } from './alert-notifications.ts';
import { DesktopNotifier, type NativeNotification } from './desktop-notifier.ts';
import { TrayController } from './tray-controller.ts';
import { trayStateOf } from './tray-state.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const clusters: ClusterView[] = [
  { id: 'prod', name: 'Production', url: 'https://prod.example', colour: '#4f7cff', local: false, enabled: true, status: 'online', lastError: null, lastSyncAt: null, info: null },
  { id: 'research', name: 'Research', url: 'https://research.example', colour: '#22aa88', local: false, enabled: true, status: 'online', lastError: null, lastSyncAt: null, info: null },
];

function alert(id: string, severity: Alert['severity'], patch: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: severity === 'critical' ? 'failure-rate' : 'queue-length',
    ruleName: severity === 'critical' ? 'Failure rate > 10%' : 'Queue > 100 jobs',
    state: 'firing',
    severity,
    value: severity === 'critical' ? 0.23 : 140,
    startedAt: new Date(T0).toISOString(),
    message: severity === 'critical' ? 'Failure rate > 10% (backtest): 23%' : 'Queue > 100 jobs (signal): 140 jobs',
    ...patch,
  };
}

let cache: JobCache;
let service: AlertService;
let shown: { options: NotificationConstructorOptions; click: () => void; action: (index: number) => void }[];
let focused: object[];
let paused: Date | null;
let acted: string[];
let follower: AlertNotifications;
let trayCalls: string[];
let menus: MenuItemConstructorOptions[][];
let tray: TrayController<string, MenuItemConstructorOptions[]>;
let opened: string[];
/** The notifier's clock: it holds back a repeat of the same text within a minute by itself. */
let clock: number;

beforeEach(() => {
  cache = JobCache.open({ file: ':memory:' }).cache;
  const mirror = new AlertMirror(cache.db);
  const events: AdminEvent[] = [];
  service = new AlertService({
    mirror,
    emit: (e) => events.push(e),
    http: () => ({}) as ClusterHttp,
    clusters: () => clusters,
    settings: () => undefined,
    now: () => T0,
  });
  const alertApi = createAlertAdminApi({ mirror: () => mirror, service: () => service, http: () => ({}) as ClusterHttp, known: () => {} });
  acted = [];
  const api = {
    listAlerts: alertApi.listAlerts,
    listClusters: async () => clusters,
    acknowledgeAlert: async (c: string, id: string) => (acted.push(`ack ${c}/${id}`), mirror.get(c, id)!),
    silenceAlert: async (c: string, id: string, r: { until: string }) => (acted.push(`silence ${c}/${id} until ${r.until}`), mirror.get(c, id)!),
  } as unknown as AdminApi;

  shown = [];
  clock = T0;
  focused = [];
  paused = null;
  const notifier = new DesktopNotifier({
    isSupported: () => true,
    isMuted: () => paused !== null && paused.getTime() > T0,
    supportsActions: () => true,
    create: (options) => {
      const entry = { options, click: () => {}, action: (_i: number) => {} };
      const n: NativeNotification = {
        on: ((event: string, listener: (...args: never[]) => void) => {
          if (event === 'click') entry.click = listener as () => void;
          else entry.action = (i) => (listener as (e: unknown, i: number) => void)({}, i);
        }) as NativeNotification['on'],
        show: () => void shown.push(entry),
      };
      return n;
    },
    focus: (target) => void focused.push(target),
    now: () => clock,
  });

  trayCalls = [];
  menus = [];
  opened = [];
  tray = new TrayController({
    tray: {
      setImage: (img: never) => void trayCalls.push(`image:${img}`),
      setToolTip: (t: string) => void trayCalls.push(`tooltip:${t}`),
      setContextMenu: (m: never) => void menus.push(m),
      on: () => {},
      destroy: () => {},
    },
    images: { ok: 'ok.png', warning: 'warning.png', critical: 'critical.png' },
    buildMenu: (t) => t,
    openWindow: () => void opened.push('window'),
    openAlert: (c, a) => void opened.push(`${c}/${a}`),
    quit: () => {},
    pausedUntil: () => paused,
    setPausedUntil: (d) => void (paused = d),
    now: () => new Date(T0),
  });
  follower = new AlertNotifications({
    api,
    notifier,
    onFiring: (items: FiringAlertItem[]) => tray.update(trayStateOf({ summary: null, clusters, firing: items })),
    now: () => T0,
  });
});
afterEach(() => {
  follower.stop();
  cache.close();
});

/** An alert event from a cluster's stream, as the sync hands it on. */
function fire(clusterId: string, a: Alert): void {
  service.onClusterEvent(clusterId, { kind: a.state === 'resolved' ? 'alert.resolved' : 'alert.firing', at: new Date(T0).toISOString(), alert: a } as never);
}
const images = () => trayCalls.filter((c) => c.startsWith('image:'));
const firingLabels = () => (menus.at(-1) ?? []).filter((i) => i.label?.startsWith('Critical ·') || i.label?.startsWith('Warning ·')).map((i) => i.label);

describe('notifications and tray follow the firing alerts of two clusters', () => {
  it('notifies a critical alert with what fired, opens it on click, offers Acknowledge and Silence 1 h', async () => {
    fire('prod', alert('p-1', 'warning'));
    await follower.refresh();
    expect(shown).toHaveLength(0); // a warning shows in the tray, it does not notify
    expect(images()).toEqual(['image:warning.png']);

    fire('research', alert('r-1', 'critical'));
    await follower.refresh();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options).toMatchObject({ title: 'Research: Failure rate > 10% firing', urgency: 'critical', actions: [{ type: 'button', text: 'Acknowledge' }, { type: 'button', text: 'Silence 1 h' }] });
    expect(shown[0]!.options.body).toContain('Failure rate > 10% (backtest): 23%');
    shown[0]!.click();
    expect(focused).toEqual([{ clusterId: 'research', alertId: 'r-1' }]);
    shown[0]!.action(0);
    shown[0]!.action(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(acted).toEqual(['ack research/r-1', `silence research/r-1 until ${new Date(T0 + NOTIFICATION_SILENCE_MS).toISOString()}`]);

    expect(images()).toEqual(['image:warning.png', 'image:critical.png']);
    expect(firingLabels()).toEqual(['Critical · Research: Failure rate > 10% (backtest): 23%', 'Warning · Production: Queue > 100 jobs (signal): 140 jobs']);
    menus.at(-1)!.find((i) => i.label?.startsWith('Critical ·'))!.click!({} as never, undefined, {} as never);
    expect(opened).toEqual(['research/r-1']);
  });

  it('does not notify the same alert twice, nor acknowledged or silenced ones, and follows resolves back to ok', async () => {
    fire('prod', alert('p-1', 'critical'));
    await follower.refresh();
    clock += 5 * 60_000;
    await follower.refresh();
    fire('research', alert('r-1', 'critical', { acknowledgedBy: 'ops' }));
    fire('research', alert('r-2', 'critical', { silencedUntil: new Date(T0 + 60_000).toISOString() }));
    await follower.refresh();
    expect(shown.map((n) => n.options.title)).toEqual(['Production: Failure rate > 10% firing']);
    expect(firingLabels()).toHaveLength(3);

    fire('prod', alert('p-1', 'critical', { state: 'resolved', resolvedAt: new Date(T0 + 1000).toISOString() }));
    fire('research', alert('r-1', 'critical', { state: 'resolved', resolvedAt: new Date(T0 + 1000).toISOString() }));
    fire('research', alert('r-2', 'critical', { state: 'resolved', resolvedAt: new Date(T0 + 1000).toISOString() }));
    await follower.refresh();
    expect(images().at(-1)).toBe('image:ok.png');
    expect(firingLabels()).toEqual([]);
  });

  it('groups many new critical alerts into one notification and stays quiet while paused from the tray', async () => {
    for (let i = 0; i < 6; i++) fire(i % 2 ? 'prod' : 'research', alert(`a-${i}`, 'critical'));
    await follower.refresh();
    expect(shown.map((n) => n.options.title)).toEqual(['6 critical alerts firing']);
    const pause = tray.menuTemplate().find((i) => i.label === 'Pause notifications for 1 hour')!;
    pause.click!({} as never, undefined, {} as never);
    fire('prod', alert('late', 'critical'));
    await follower.refresh();
    expect(shown).toHaveLength(1);
    expect(firingLabels()).toHaveLength(7);
  });
});
