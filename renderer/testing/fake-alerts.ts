/**
 * Test-only: the alert part of the fake AdminApi — alerts as the core's mirror lists them, and a
 * cluster's rules, channels, delivery log and thresholds as the cluster keeps them. Results are
 * checked against the contract by the fake's wrapper like every other method.
 */
import type { AdminEvent, ClusterView } from '../../contract/admin-api.ts';
import { applyChannelUpdate, publicAlertChannel, type AlertChannel, type CreateAlertChannelRequest, type UpdateAlertChannelRequest } from '../../contract/alert-channels.ts';
import type { AlertDelivery } from '../../contract/alert-deliveries.ts';
import { alertRuleLabel, DEFAULT_CLUSTER_ALERT_RULES, type AlertSilence, type ClusterAlertRule, type SilenceAlertRequest } from '../../contract/alerts.ts';
import type { AlertQuery, DesktopAlert } from '../../contract/desktop-alerts.ts';
import { JOB_TYPES } from '../../contract/domain.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../contract/thresholds.ts';
import { applyUserContact, publicUserContact, type StoredUserContact, type UserContactRequest } from '../../contract/user-directory.ts';
import { AdminApiError } from '../api/admin-api-error.ts';

export interface FakeAlertHost {
  cluster(id: string): ClusterView;
  live(id: string): ClusterView;
  now(): number;
  emit(event: AdminEvent): void;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A firing queue-length alert on a cluster, as the mirror holds it. */
export function fakeAlert(clusterId: string, n: number, now: number, patch: Partial<DesktopAlert> = {}): DesktopAlert {
  const type = JOB_TYPES[n % JOB_TYPES.length]!;
  const critical = n % 3 === 0;
  const value = 120 + n * 7;
  return {
    id: `al-${clusterId}-${n}`,
    ruleId: critical ? 'failure-rate' : 'queue-length',
    ruleName: critical ? 'Failure rate > 10%' : 'Queue > 100 jobs',
    metric: critical ? 'failureRate' : 'queueLength',
    scope: { kind: 'queue', queue: type },
    state: 'firing',
    severity: critical ? 'critical' : 'warning',
    value: critical ? 0.1 + (n % 7) / 50 : value,
    startedAt: iso(now - (n + 1) * 4 * 60_000),
    message: critical ? `Failure rate > 10% (${type}): ${Math.round((0.1 + (n % 7) / 50) * 100)}%` : `Queue > 100 jobs (${type}): ${value} jobs`,
    dedupKey: `${critical ? 'failure-rate' : 'queue-length'}/queue:${type}`,
    clusterId,
    source: 'cluster',
    ...patch,
  };
}

export class FakeAlerts {
  alerts: DesktopAlert[] = [];
  readonly rules = new Map<string, ClusterAlertRule[]>();
  readonly channels = new Map<string, (CreateAlertChannelRequest & { id: string })[]>();
  readonly deliveries = new Map<string, AlertDelivery[]>();
  readonly thresholds = new Map<string, Thresholds>();
  /** Each cluster's silences, as `silenceAlert` makes them on the cluster. */
  readonly silences = new Map<string, AlertSilence[]>();
  /** Each cluster's user directory, secrets included, as the cluster keeps it. */
  readonly users = new Map<string, StoredUserContact[]>();
  private nextId = 1;

  constructor(private readonly host: FakeAlertHost) {}

  private rulesOf(id: string): ClusterAlertRule[] {
    if (!this.rules.has(id)) this.rules.set(id, DEFAULT_CLUSTER_ALERT_RULES.map((r) => ({ ...r })));
    return this.rules.get(id)!;
  }

  private channelsOf(id: string) {
    if (!this.channels.has(id)) this.channels.set(id, []);
    return this.channels.get(id)!;
  }

  private changed(clusterId: string): void {
    this.host.emit({ kind: 'alerts-changed', clusterId });
  }

  private find(clusterId: string, alertId: string): number {
    const i = this.alerts.findIndex((a) => a.clusterId === clusterId && a.id === alertId);
    if (i < 0) throw new AdminApiError('not-found', `Alert ${alertId} of ${clusterId} is not known to this app: reload the alerts.`);
    return i;
  }

  methods() {
    const h = this.host;
    return {
      listAlerts: (q: Required<Pick<AlertQuery, 'state' | 'limit'>> & AlertQuery) => {
        const match = this.alerts
          .filter((a) => (q.clusterIds ? q.clusterIds.includes(a.clusterId) : true))
          .filter((a) => q.state === 'all' || a.state === q.state)
          .filter((a) => !q.severity || a.severity === q.severity)
          .filter((a) => !q.source || a.source === q.source)
          .filter((a) => !q.until || a.startedAt < q.until)
          .filter((a) => !q.since || !a.resolvedAt || a.resolvedAt >= q.since)
          .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
        const from = q.cursor ? Number(q.cursor) : 0;
        const items = match.slice(from, from + q.limit);
        return { items, nextCursor: from + q.limit < match.length ? String(from + q.limit) : null, total: match.length };
      },
      acknowledgeAlert: (clusterId: string, alertId: string) => {
        const i = this.find(clusterId, alertId);
        if (this.alerts[i]!.source === 'cluster') h.live(clusterId);
        this.alerts[i] = { ...this.alerts[i]!, acknowledgedBy: 'admin', acknowledgedAt: iso(h.now()) };
        this.changed(clusterId);
        return this.alerts[i];
      },
      silenceAlert: (clusterId: string, alertId: string, req: SilenceAlertRequest) => {
        const i = this.find(clusterId, alertId);
        if (this.alerts[i]!.source === 'cluster') h.live(clusterId);
        const alert = this.alerts[i]!;
        this.alerts[i] = { ...alert, silencedUntil: req.until };
        if (alert.source === 'cluster') {
          const scope = alert.scope?.kind === 'queue' ? { queue: alert.scope.queue } : alert.scope?.kind === 'node' ? { node: alert.scope.node } : {};
          const silence: AlertSilence = { id: `silence-${this.nextId++}`, ruleId: alert.ruleId, ...scope, until: req.until, createdBy: 'admin', createdAt: iso(h.now()), ...(req.comment ? { comment: req.comment } : {}) };
          this.silences.set(clusterId, [...(this.silences.get(clusterId) ?? []), silence]);
        }
        this.changed(clusterId);
        return this.alerts[i];
      },
      listAlertSilences: (clusterId: string) => (h.live(clusterId), this.silences.get(clusterId) ?? []),
      endAlertSilence: (clusterId: string, silenceId: string) => {
        h.live(clusterId);
        const silences = this.silences.get(clusterId) ?? [];
        const ended = silences.find((s) => s.id === silenceId);
        if (!ended) throw new AdminApiError('not_found', `no silence '${silenceId}': list them with GET /api/v1/alerts/silences`);
        this.silences.set(clusterId, silences.filter((s) => s.id !== silenceId));
        this.alerts = this.alerts.map((a) => (a.clusterId === clusterId && a.silencedUntil === ended.until && a.ruleId === ended.ruleId ? { ...a, silencedUntil: undefined } : a));
        this.changed(clusterId);
        return { ok: true };
      },
      listAlertRules: (id: string) => (h.live(id), this.rulesOf(id)),
      createAlertRule: (id: string, rule: Omit<ClusterAlertRule, 'id'>) => {
        h.live(id);
        const created = { ...rule, id: `rule-${this.nextId++}` };
        this.rulesOf(id).push(created);
        return created;
      },
      updateAlertRule: (id: string, ruleId: string, rule: Omit<ClusterAlertRule, 'id'>) => {
        h.live(id);
        const rules = this.rulesOf(id);
        const i = rules.findIndex((r) => r.id === ruleId);
        if (i < 0) throw new AdminApiError('not_found', `No rule ${ruleId} (${alertRuleLabel(rule)}) on ${id}.`);
        rules[i] = { ...rule, id: ruleId };
        return rules[i];
      },
      deleteAlertRule: (id: string, ruleId: string) => {
        h.live(id);
        this.rules.set(id, this.rulesOf(id).filter((r) => r.id !== ruleId));
        return { ok: true };
      },
      listAlertChannels: (id: string): AlertChannel[] => (h.live(id), this.channelsOf(id).map(publicAlertChannel)),
      createAlertChannel: (id: string, req: CreateAlertChannelRequest) => {
        h.live(id);
        const stored = { ...req, id: `ch-${this.nextId++}` };
        this.channelsOf(id).push(stored);
        return publicAlertChannel(stored);
      },
      updateAlertChannel: (id: string, channelId: string, req: UpdateAlertChannelRequest) => {
        h.live(id);
        const channels = this.channelsOf(id);
        const i = channels.findIndex((c) => c.id === channelId);
        if (i < 0) throw new AdminApiError('not_found', `no alert channel '${channelId}': list them with GET /api/v1/alerts/channels`);
        const updated = applyChannelUpdate(channels[i]!, req);
        if ('problem' in updated) throw new AdminApiError('validation_failed', updated.problem);
        channels[i] = updated.channel;
        return publicAlertChannel(updated.channel);
      },
      deleteAlertChannel: (id: string, channelId: string) => {
        h.live(id);
        this.channels.set(id, this.channelsOf(id).filter((c) => c.id !== channelId));
        return { ok: true };
      },
      testAlertChannel: (id: string, channelId: string) => {
        h.live(id);
        const channel = this.channelsOf(id).find((c) => c.id === channelId);
        if (!channel) throw new AdminApiError('not_found', `No channel ${channelId} on ${id}.`);
        const log = this.deliveries.get(id) ?? [];
        log.unshift({ id: String(log.length + 1), channelId, channelName: channel.name, channelKind: channel.kind, kind: 'test', batchKey: `test-${log.length + 1}`, alertIds: [], attempt: 1, result: 'sent', at: iso(h.now()) });
        this.deliveries.set(id, log);
        return { ok: true, message: `Test message sent to ${channel.name}.` };
      },
      listAlertDeliveries: (id: string, q: { channelId?: string; limit: number }) => {
        h.live(id);
        const items = (this.deliveries.get(id) ?? []).filter((d) => !q.channelId || d.channelId === q.channelId).slice(0, q.limit);
        return { items, nextCursor: null };
      },
      listAlertUsers: (id: string) => (h.live(id), (this.users.get(id) ?? []).map(publicUserContact)),
      putAlertUser: (id: string, user: string, req: UserContactRequest) => {
        h.live(id);
        const list = this.users.get(id) ?? [];
        const applied = applyUserContact(user, list.find((u) => u.user === user) ?? null, req);
        if ('problem' in applied) throw new AdminApiError('validation_failed', applied.problem);
        this.users.set(id, [...list.filter((u) => u.user !== user), applied.entry].sort((a, b) => a.user.localeCompare(b.user)));
        return publicUserContact(applied.entry);
      },
      deleteAlertUser: (id: string, user: string) => {
        h.live(id);
        const list = this.users.get(id) ?? [];
        if (!list.some((u) => u.user === user)) throw new AdminApiError('not_found', `the user directory has no entry for '${user}'`);
        this.users.set(id, list.filter((u) => u.user !== user));
        return { ok: true };
      },
      getClusterThresholds: (id: string) => (h.live(id), this.thresholds.get(id) ?? DEFAULT_THRESHOLDS),
      updateClusterThresholds: (id: string, t: Thresholds) => {
        h.live(id);
        this.thresholds.set(id, t);
        return t;
      },
    };
  }
}
