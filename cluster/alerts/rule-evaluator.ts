/**
 * The alert rule life cycle, as a pure function: given the rules, the current readings, the alerts
 * tracked so far, the silences and the time, `evaluate` returns the alerts to track next, the
 * transitions (for the event stream and the alert history) and the notifications to send. It
 * reads no clock and keeps no state, so a job scheduler can call it once per interval on whichever
 * node runs the job and store its result in the datastore; the same input gives the same output.
 *
 * One alert per rule and scope (its dedup key): inactive → pending (the condition holds, for
 * `forSeconds`) → firing → resolved. Flapping is damped three ways, as Prometheus and Grafana do:
 * - the pending period: a value that crosses the threshold and falls back before `forSeconds`
 *   never fires (pending starts over on each fall);
 * - hysteresis: a firing alert resolves only once the value is back past `clearThreshold` (when
 *   set), not as soon as it is back past the threshold;
 * - the resolve hold (`keepFiringForSeconds`, Prometheus' keep_firing_for): the value must stay
 *   clear that long; one clear reading among breaching ones keeps the alert firing.
 * A value oscillating around the threshold therefore fires once and resolves once.
 *
 * Notifications: firing when it starts firing, resolved when it resolves (only if its firing went
 * out: a receiver should not get the end of something it never heard of), and a repeat every
 * `repeatMinutes` while it fires unacknowledged. A silence holds back firing and repeat
 * notifications (the transitions still happen); an alert still firing when its silence ends is
 * notified then. Resolved notifications are not held back by silences: the incident a receiver
 * opened should close. No reading for an alert (its node left, the metric is unavailable) counts
 * as clear, so it resolves after the hold instead of firing for ever.
 */
import { createHash } from 'node:crypto';
import {
  ALERT_METRIC_INFO,
  alertDedupKey,
  alertRuleLabel,
  formatAlertValue,
  silenceMatches,
  type Alert,
  type AlertInstance,
  type AlertMetric,
  type AlertNotification,
  type AlertScope,
  type AlertSilence,
  type ClusterAlertRule,
} from '../../contract/alerts.ts';
import type { JobType } from '../../contract/domain.ts';

type MetricValues = Partial<Record<AlertMetric, number | null>>;

/** The readings of one evaluation: cluster-wide, per queue (job type) and per worker node. */
export interface MetricReadings {
  cluster: MetricValues;
  queues: Partial<Record<JobType, MetricValues>>;
  nodes: Readonly<Record<string, MetricValues>>;
}

export interface EvaluationInput {
  rules: readonly ClusterAlertRule[];
  readings: MetricReadings;
  /** The alerts the previous evaluation returned (pending and firing). */
  previous: readonly AlertInstance[];
  silences: readonly AlertSilence[];
  /** Epoch milliseconds of this evaluation. */
  now: number;
}

export type AlertTransitionEvent = 'alert.pending' | 'alert.firing' | 'alert.resolved';

/** One change of an alert's state, e.g. for the event stream and the alert history. */
export interface AlertTransition {
  event: AlertTransitionEvent;
  alert: Alert;
}

export interface EvaluationResult {
  /** The alerts to track until the next evaluation (pending and firing), by dedup key. */
  instances: AlertInstance[];
  transitions: AlertTransition[];
  notifications: AlertNotification[];
}

/** A new id per alert episode, derived from its dedup key and start so a re-run gives the same id. */
export function alertIdFor(dedupKey: string, activeSince: string): string {
  return `alert-${createHash('sha256').update(`${dedupKey}\n${activeSince}`).digest('hex').slice(0, 20)}`;
}

function scopeFields(scope: AlertScope): { queue?: string; node?: string } {
  return scope.kind === 'queue' ? { queue: scope.queue } : scope.kind === 'node' ? { node: scope.node } : {};
}

function watchesEachNode(rule: ClusterAlertRule): boolean {
  return rule.node === undefined && ALERT_METRIC_INFO[rule.metric].scope === 'node';
}

/** The scopes a rule watches now: its own scope, each node for a node rule without one, else the cluster. */
function scopesOf(rule: ClusterAlertRule, readings: MetricReadings): AlertScope[] {
  if (rule.queue !== undefined) return [{ kind: 'queue', queue: rule.queue }];
  if (rule.node !== undefined) return [{ kind: 'node', node: rule.node }];
  if (watchesEachNode(rule)) {
    return Object.keys(readings.nodes)
      .sort()
      .map((node) => ({ kind: 'node', node }));
  }
  return [{ kind: 'cluster' }];
}

function readingOf(metric: AlertMetric, scope: AlertScope, readings: MetricReadings): number | null {
  const values = scope.kind === 'cluster' ? readings.cluster : scope.kind === 'queue' ? readings.queues[scope.queue] : readings.nodes[scope.node];
  const value = values?.[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function breaches(rule: ClusterAlertRule, value: number | null): boolean {
  if (value === null) return false;
  return rule.op === 'above' ? value > rule.threshold : value < rule.threshold;
}

/** Back on the resolving side: past the clear threshold when there is one, else no longer breaching. */
function isClear(rule: ClusterAlertRule, value: number | null): boolean {
  if (value === null) return true;
  if (rule.clearThreshold === undefined) return !breaches(rule, value);
  return rule.op === 'above' ? value <= rule.clearThreshold : value >= rule.clearThreshold;
}

function messageOf(rule: Pick<ClusterAlertRule, 'metric' | 'op' | 'threshold'>, scope: AlertScope, value: number | null, resolved: boolean): string {
  const label = alertRuleLabel({ ...rule, ...scopeFields(scope) });
  if (value === null) return `${label}: no reading${resolved ? ', resolved' : ''}`;
  return `${label}: ${resolved ? 'back to ' : ''}${formatAlertValue(rule.metric, value)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const elapsedMs = (sinceIso: string, now: number) => now - Date.parse(sinceIso);

/** The wire alert of a tracked instance (pending alerts count from when the condition first held). */
export function alertOf(instance: AlertInstance, silencedUntil?: string): Alert {
  return {
    id: instance.id,
    ruleId: instance.ruleId,
    state: instance.state,
    severity: instance.severity,
    value: instance.value,
    startedAt: instance.startedAt ?? instance.activeSince,
    ...(instance.acknowledgedBy !== undefined ? { acknowledgedBy: instance.acknowledgedBy } : {}),
    message: instance.message,
    ruleName: instance.ruleName,
    metric: instance.metric,
    scope: instance.scope,
    dedupKey: instance.dedupKey,
    ...(instance.acknowledgedAt !== undefined ? { acknowledgedAt: instance.acknowledgedAt } : {}),
    ...(silencedUntil !== undefined ? { silencedUntil } : {}),
  };
}

/** The latest end among the silences covering this alert now, if any. */
function silencedUntil(silences: readonly AlertSilence[], instance: Pick<AlertInstance, 'ruleId' | 'scope'>, now: number): string | undefined {
  const ends = silences.filter((s) => silenceMatches(s, instance.ruleId, instance.scope, now)).map((s) => s.until);
  return ends.length === 0 ? undefined : ends.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

interface Step {
  next?: AlertInstance;
  transitions: AlertTransition[];
  notifications: AlertNotification[];
}

/** Resolve a firing alert (or drop a pending one) at `now`. */
function resolve(prev: AlertInstance, value: number | null, message: string, now: number): Step {
  if (prev.state === 'pending') return { transitions: [], notifications: [] };
  const at = iso(now);
  const alert: Alert = { ...alertOf({ ...prev, value: value ?? prev.value, message }), state: 'resolved', resolvedAt: at };
  const notifications: AlertNotification[] =
    prev.notifiedAt !== undefined && prev.channels.length > 0 ? [{ kind: 'resolved', alert, channels: prev.channels, at }] : [];
  return { transitions: [{ event: 'alert.resolved', alert }], notifications };
}

/** One alert, one evaluation. `prev` is what was tracked for this rule and scope, if anything. */
function step(rule: ClusterAlertRule, scope: AlertScope, prev: AlertInstance | undefined, value: number | null, silences: readonly AlertSilence[], now: number): Step {
  const at = iso(now);
  const dedupKey = alertDedupKey(rule.id, scope);
  const common = { ruleName: rule.name, metric: rule.metric, severity: rule.severity, channels: rule.channels };

  if (prev === undefined) {
    if (!breaches(rule, value)) return { transitions: [], notifications: [] };
    const pending: AlertInstance = {
      id: alertIdFor(dedupKey, at),
      dedupKey,
      ruleId: rule.id,
      scope,
      state: 'pending',
      value: value!,
      activeSince: at,
      message: messageOf(rule, scope, value, false),
      ...common,
    };
    return advancePending(rule, pending, silences, now);
  }

  if (prev.state === 'pending') {
    if (!breaches(rule, value)) return { transitions: [], notifications: [] };
    const pending: AlertInstance = { ...prev, ...common, value: value!, message: messageOf(rule, scope, value, false) };
    return advancePending(rule, pending, silences, now);
  }

  // Firing.
  if (isClear(rule, value)) {
    const clearSince = prev.clearSince ?? at;
    if (elapsedMs(clearSince, now) >= rule.keepFiringForSeconds * 1000) {
      return resolve({ ...prev, ...common }, value, messageOf(rule, scope, value, true), now);
    }
    return notifyIfDue(rule, { ...prev, ...common, value: value ?? prev.value, clearSince }, silences, now);
  }
  const stillFiring: AlertInstance = { ...prev, ...common, value: value!, message: messageOf(rule, scope, value, false) };
  delete stillFiring.clearSince;
  return notifyIfDue(rule, stillFiring, silences, now);
}

/** A pending alert fires once it has held for the pending period. */
function advancePending(rule: ClusterAlertRule, pending: AlertInstance, silences: readonly AlertSilence[], now: number): Step {
  const isNew = pending.activeSince === iso(now);
  if (elapsedMs(pending.activeSince, now) < rule.forSeconds * 1000) {
    return { next: pending, transitions: isNew ? [{ event: 'alert.pending', alert: alertOf(pending) }] : [], notifications: [] };
  }
  const firing: AlertInstance = { ...pending, state: 'firing', startedAt: iso(now) };
  const step = notifyIfDue(rule, firing, silences, now);
  return { ...step, transitions: [{ event: 'alert.firing', alert: alertOf(step.next!, silencedUntil(silences, firing, now)) }] };
}

/** While firing: the first notification if none went out yet, then repeats until acknowledged; none while silenced. */
function notifyIfDue(rule: ClusterAlertRule, firing: AlertInstance, silences: readonly AlertSilence[], now: number): Step {
  const silenced = silencedUntil(silences, firing, now) !== undefined;
  const due =
    firing.notifiedAt === undefined
      ? 'firing'
      : firing.acknowledgedAt === undefined && rule.repeatMinutes > 0 && elapsedMs(firing.notifiedAt, now) >= rule.repeatMinutes * 60_000
        ? 'repeat'
        : undefined;
  if (silenced || due === undefined || firing.channels.length === 0) {
    // Without channels nothing is sent, but the alert counts as told (the banner and the app show it).
    const next = !silenced && due === 'firing' ? { ...firing, notifiedAt: iso(now) } : firing;
    return { next, transitions: [], notifications: [] };
  }
  const next = { ...firing, notifiedAt: iso(now) };
  return { next, transitions: [], notifications: [{ kind: due, alert: alertOf(next), channels: next.channels, at: iso(now) }] };
}

/**
 * One evaluation of every rule. Alerts of rules that were deleted or disabled, or whose scope
 * the rule no longer names, resolve at once; the alert of a node that stopped reporting gets no
 * reading and resolves after the hold.
 */
export function evaluate(input: EvaluationInput): EvaluationResult {
  const { readings, silences, now } = input;
  const previous = new Map(input.previous.map((i) => [i.dedupKey, i]));
  const rulesById = new Map(input.rules.map((r) => [r.id, r]));
  const work = new Map<string, { rule: ClusterAlertRule; scope: AlertScope }>();
  for (const rule of input.rules) {
    if (!rule.enabled) continue;
    for (const scope of scopesOf(rule, readings)) work.set(alertDedupKey(rule.id, scope), { rule, scope });
  }

  const instances: AlertInstance[] = [];
  const transitions: AlertTransition[] = [];
  const notifications: AlertNotification[] = [];
  const keys = [...new Set([...work.keys(), ...previous.keys()])].sort();
  for (const key of keys) {
    const prev = previous.get(key);
    const item = work.get(key);
    let result: Step;
    const rule = rulesById.get(prev?.ruleId ?? '');
    if (item) {
      result = step(item.rule, item.scope, prev, readingOf(item.rule.metric, item.scope, readings), silences, now);
    } else if (rule?.enabled && watchesEachNode(rule) && prev!.scope.kind === 'node') {
      // A node that stopped reporting: no reading, so it resolves after the hold like any clear value.
      result = step(rule, prev!.scope, prev, null, silences, now);
    } else {
      // A rule gone, disabled or no longer watching this scope: it resolves now, saying why.
      const why = rule === undefined ? 'rule deleted' : !rule.enabled ? 'rule disabled' : 'no longer watched';
      result = resolve(prev!, null, `${prev!.ruleName}: ${why}`, now);
    }
    if (result.next) instances.push(result.next);
    transitions.push(...result.transitions);
    notifications.push(...result.notifications);
  }
  return { instances, transitions, notifications };
}

export type AcknowledgeResult =
  | { ok: true; instances: AlertInstance[]; transition: { event: 'alert.acknowledged'; alert: Alert } }
  | { ok: false; reason: 'not_found' | 'not_firing'; message: string };

/** Acknowledge a firing alert: no repeats until it resolves (a new episode starts unacknowledged). */
export function acknowledge(instances: readonly AlertInstance[], alertId: string, by: string, now: number): AcknowledgeResult {
  const target = instances.find((i) => i.id === alertId);
  if (!target) return { ok: false, reason: 'not_found', message: `no alert ${alertId} is pending or firing: it may have resolved already` };
  if (target.state !== 'firing') return { ok: false, reason: 'not_firing', message: `alert ${alertId} is pending, not firing yet: only a firing alert can be acknowledged` };
  const acked: AlertInstance = target.acknowledgedAt !== undefined ? target : { ...target, acknowledgedBy: by, acknowledgedAt: iso(now) };
  return {
    ok: true,
    instances: instances.map((i) => (i.id === alertId ? acked : i)),
    transition: { event: 'alert.acknowledged', alert: alertOf(acked) },
  };
}
