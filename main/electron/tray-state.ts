/**
 * What the tray shows, decided from what fires on the clusters (their alerts and the desktop's
 * own), the dashboard summary and the clusters' connection states: the icon state (ok / warning /
 * critical: the worst firing severity over all clusters), the tooltip with running / pending /
 * failed counts and the reasons behind a warning, and the firing alerts for the menu. Pure, so the
 * tests can walk it through the thresholds.
 */
import type { ClusterView, DashboardSummary } from '../../contract/admin-api.ts';
import type { StateCounts } from '../../contract/metrics.ts';
import { DEFAULT_ALERT_RULES, worstLevel, type Level } from '../../contract/thresholds.ts';
import type { FiringAlertItem } from './alert-notifications.ts';

export const TRAY_STATES = ['ok', 'warning', 'critical'] as const;
export type TrayStateName = (typeof TRAY_STATES)[number];

export interface TrayState {
  state: TrayStateName;
  tooltip: string;
  /** Why the state is not ok, in words, worst first. */
  reasons: string[];
  /** What fires now, worst first (the tray menu lists them). */
  firing: FiringAlertItem[];
}

const RANK: Record<TrayStateName, number> = { ok: 0, warning: 1, critical: 2 };
const FROM_LEVEL: Record<Level, TrayStateName> = { good: 'ok', warning: 'warning', critical: 'critical' };
/** Windows cuts tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;
const STUCK_CRITICAL_ABOVE = DEFAULT_ALERT_RULES.find((r) => r.metric === 'stuckJobs')?.above ?? 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The tray's state and tooltip for the current summary (null before the first one) and clusters. */
export function trayStateOf(input: {
  summary: Pick<DashboardSummary, 'counts' | 'clusters'> | null;
  clusters: readonly Pick<ClusterView, 'name' | 'status' | 'enabled'>[];
  /** Firing alerts of every cluster (the alert mirror). */
  firing?: readonly FiringAlertItem[];
}): TrayState {
  const found: { state: TrayStateName; reason: string }[] = [];
  const firing = [...(input.firing ?? [])];
  for (const a of firing) found.push({ state: a.severity, reason: a.label });
  const counts: StateCounts | null = input.summary?.counts ?? null;

  for (const c of input.clusters) {
    if (!c.enabled) continue;
    if (c.status === 'offline') found.push({ state: 'critical', reason: `${c.name} is offline` });
    else if (c.status === 'unauthorized') found.push({ state: 'critical', reason: `${c.name} refuses the token` });
    else if (c.status === 'degraded') found.push({ state: 'warning', reason: `${c.name} is degraded` });
  }

  if (counts) {
    // The pending count is rated as the clusters rated their queue lengths, by their own thresholds.
    const queueLevels = (input.summary?.clusters ?? []).flatMap((e) => (e.summary ? [e.summary.queueLength.level] : []));
    const queue = FROM_LEVEL[worstLevel(queueLevels)];
    if (queue !== 'ok') found.push({ state: queue, reason: `${plural(counts.pending, 'pending job')} in the queues` });
    if (counts.stuck > STUCK_CRITICAL_ABOVE) found.push({ state: 'critical', reason: `${plural(counts.stuck, 'stuck job')}` });
    else if (counts.stuck > 0) found.push({ state: 'warning', reason: `${plural(counts.stuck, 'stuck job')}` });
  }

  // The clusters' own metric levels (wait time, processing rate, failure rate) as they report them.
  for (const entry of input.summary?.clusters ?? []) {
    const s = entry.summary;
    if (!s) continue;
    const metrics: [string, Level][] = [
      ['wait time', s.waitTimeP95Ms.level],
      ['processing rate', s.processingRatePerMin.level],
      ['failure rate', s.failureRate.level],
    ];
    for (const [name, level] of metrics) {
      if (level !== 'good') found.push({ state: FROM_LEVEL[level], reason: `${name} is ${level} on ${entry.clusterId}` });
    }
  }

  found.sort((a, b) => RANK[b.state] - RANK[a.state]);
  const state = found[0]?.state ?? 'ok';
  const head = counts
    ? `Sigmatiq: ${counts.running} running · ${counts.pending} pending · ${counts.failed} failed`
    : 'Sigmatiq Admin Jobs: waiting for data';
  const reasons = found.map((f) => f.reason);
  let tooltip = reasons.length > 0 ? `${head}\n${reasons.join('; ')}` : head;
  if (tooltip.length > TOOLTIP_MAX) tooltip = tooltip.slice(0, TOOLTIP_MAX - 1) + '…';
  return { state, tooltip, reasons, firing };
}
