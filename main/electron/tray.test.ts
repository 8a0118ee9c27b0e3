import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { ClusterView, DashboardSummary } from '../../contract/admin-api.ts';
import { JOB_STATES } from '../../contract/domain.ts';
import type { StateCounts, Summary } from '../../contract/metrics.ts';
import { PAUSE_NOTIFICATIONS_MS, TrayController } from './tray-controller.ts';
import { trayStateOf } from './tray-state.ts';

function counts(partial: Partial<StateCounts>): StateCounts {
  return { ...(Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as StateCounts), ...partial };
}
function summary(c: Partial<StateCounts>, clusters: DashboardSummary['clusters'] = []): Pick<DashboardSummary, 'counts' | 'clusters'> {
  return { counts: counts(c), clusters };
}
const online = [{ name: 'Local', status: 'online' as const, enabled: true }];
/** One cluster's summary with its own queue-length level and the other readings good. */
function rated(level: 'good' | 'warning' | 'critical', others: Partial<Record<'waitTimeP95Ms' | 'processingRatePerMin' | 'failureRate', 'good' | 'warning' | 'critical'>> = {}): DashboardSummary['clusters'] {
  const r = (l: 'good' | 'warning' | 'critical') => ({ value: 1, level: l });
  const s = { queueLength: r(level), waitTimeP95Ms: r(others.waitTimeP95Ms ?? 'good'), processingRatePerMin: r(others.processingRatePerMin ?? 'good'), failureRate: r(others.failureRate ?? 'good') } as unknown as Summary;
  return [{ clusterId: 'local', summary: s, fromCache: false }];
}

describe('tray state', () => {
  it('rates the pending count as the clusters rated their queue lengths, and counts stuck jobs', () => {
    const at = (c: Partial<StateCounts>, level: 'good' | 'warning' | 'critical' = 'good') => trayStateOf({ summary: summary(c, rated(level)), clusters: online }).state;
    expect(at({ running: 3, pending: 9, failed: 40 })).toBe('ok');
    // Eight pending jobs on a cluster whose own thresholds call that critical: the tray agrees.
    expect(at({ pending: 8 }, 'critical')).toBe('critical');
    expect(at({ pending: 60 }, 'warning')).toBe('warning');
    expect(at({ pending: 60 }, 'good')).toBe('ok');
    expect(at({ stuck: 1 })).toBe('warning');
    expect(at({ stuck: 5 })).toBe('warning');
    expect(at({ stuck: 6 })).toBe('critical');
  });

  it('puts running, pending and failed counts in the tooltip, with the reasons', () => {
    const s = trayStateOf({ summary: summary({ running: 3, pending: 12, failed: 1 }, rated('warning')), clusters: online });
    expect(s.tooltip).toBe('Sigmatiq: 3 running · 12 pending · 1 failed\n12 pending jobs in the queues');
    expect(trayStateOf({ summary: null, clusters: [] })).toEqual({ state: 'ok', tooltip: 'Sigmatiq Admin Jobs: waiting for data', reasons: [], firing: [] });
    const long = trayStateOf({
      summary: summary({ pending: 500 }),
      clusters: Array.from({ length: 10 }, (_, i) => ({ name: `cluster-number-${i}`, status: 'offline' as const, enabled: true })),
    });
    expect(long.tooltip.length).toBeLessThanOrEqual(127);
  });

  it('is critical when an enabled cluster is offline or refuses the token, warning when degraded', () => {
    const c = (status: ClusterView['status'], enabled = true) => trayStateOf({ summary: summary({}), clusters: [{ name: 'Prod', status, enabled }] });
    expect(c('offline').state).toBe('critical');
    expect(c('offline').reasons).toEqual(['Prod is offline']);
    expect(c('unauthorized').state).toBe('critical');
    expect(c('degraded').state).toBe('warning');
    expect(c('connecting').state).toBe('ok');
    expect(c('offline', false).state).toBe('ok');
  });

  it('takes the clusters\u2019 own metric levels into account', () => {
    const state = trayStateOf({ summary: summary({}, rated('good', { failureRate: 'critical' })), clusters: online });
    expect(state.state).toBe('critical');
    expect(state.reasons).toEqual(['failure rate is critical on local']);
  });
});

describe('tray controller', () => {
  function setup(now = new Date('2026-03-01T10:00:00Z')) {
    const calls: string[] = [];
    let menus: MenuItemConstructorOptions[][] = [];
    let paused: Date | null = null;
    let opened = 0;
    let quit = 0;
    let clickListener: () => void = () => {};
    const ctl = new TrayController({
      tray: {
        setImage: (img: never) => void calls.push(`image:${img}`),
        setToolTip: (t: string) => void calls.push(`tooltip:${t}`),
        setContextMenu: () => void calls.push('menu'),
        on: (_e: 'click', l: () => void) => (clickListener = l),
        destroy: () => {},
      },
      images: { ok: 'ok.png', warning: 'warning.png', critical: 'critical.png' },
      buildMenu: (t) => {
        menus = [...menus, t];
        return t;
      },
      openWindow: () => void opened++,
      quit: () => void quit++,
      pausedUntil: () => paused,
      setPausedUntil: (d) => void (paused = d),
      now: () => now,
    });
    return { ctl, calls, menus: () => menus, paused: () => paused, opened: () => opened, quit: () => quit, click: () => clickListener() };
  }

  it('switches the icon with the state and only touches what changed', () => {
    const t = setup();
    t.ctl.update(trayStateOf({ summary: summary({ pending: 1 }, rated('good')), clusters: online }));
    t.ctl.update(trayStateOf({ summary: summary({ pending: 1 }, rated('good')), clusters: online }));
    t.ctl.update(trayStateOf({ summary: summary({ pending: 20 }, rated('warning')), clusters: online }));
    t.ctl.update(trayStateOf({ summary: summary({ pending: 80 }, rated('critical')), clusters: online }));
    expect(t.calls.filter((c) => c.startsWith('image:'))).toEqual(['image:ok.png', 'image:warning.png', 'image:critical.png']);
    expect(t.calls.filter((c) => c === 'menu')).toHaveLength(1);
  });

  it('offers open, pause for one hour / resume, and quit', () => {
    const t = setup();
    const labels = (m: MenuItemConstructorOptions[]) => m.filter((i) => i.label).map((i) => i.label);
    let menu = t.ctl.menuTemplate();
    expect(labels(menu)).toEqual(['Open Sigmatiq Admin Jobs', 'Pause notifications for 1 hour', 'Quit']);
    menu[0]!.click!({} as never, undefined, {} as never);
    t.click();
    expect(t.opened()).toBe(2);
    menu[2]!.click!({} as never, undefined, {} as never);
    expect(t.paused()!.getTime()).toBe(new Date('2026-03-01T10:00:00Z').getTime() + PAUSE_NOTIFICATIONS_MS);
    menu = t.ctl.menuTemplate();
    expect(menu[2]!.label).toMatch(/^Resume notifications \(paused until/);
    menu[2]!.click!({} as never, undefined, {} as never);
    expect(t.paused()).toBe(null);
    t.ctl.menuTemplate()[4]!.click!({} as never, undefined, {} as never);
    expect(t.quit()).toBe(1);
  });
});
