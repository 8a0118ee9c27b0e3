/**
 * One evaluation of the cluster's alert rules, as the evaluation job runs it: read the rules,
 * silences and readings, evaluate against the stored state, group the notifications per channel,
 * hand the batches that are due to the delivery queue, and write the new state and the alert
 * history in one compare-and-set step. Transitions become cluster events once the state is
 * written.
 *
 * The batches are handed over before the state is written: if the write loses to an acknowledge
 * on another node, the evaluation runs again at the same `now`, which gives the same batch keys,
 * and the delivery queue adds a batch key once. A crash between the two sends a batch again at the
 * next evaluation rather than never.
 */
import { silenceMatches, type Alert, type AlertInstance, type AlertSilence } from '../../contract/alerts.ts';
import type { AlertHistoryWrite, AlertState, AlertStore } from './alert-store.ts';
import type { AlertEventSink } from './alert-events.ts';
import { DEFAULT_GROUPING, queueNotifications, takeDueBatches, type GroupingOptions, type NotificationBatch } from './notification-grouping.ts';
import { alertOf, evaluate, type AlertTransition, type MetricReadings } from './rule-evaluator.ts';

/** Where due notification batches go: the delivery queue (cluster/alerts/delivery). */
export interface AlertNotifier {
  enqueue(batches: readonly NotificationBatch[]): Promise<void>;
}

export interface EvaluationDeps {
  alerts: AlertStore;
  readings: () => Promise<MetricReadings>;
  notifier: AlertNotifier;
  events: AlertEventSink;
  grouping?: GroupingOptions;
}

export interface EvaluationOutcome {
  transitions: AlertTransition[];
  batches: NotificationBatch[];
  /** Tries it took to write the state (more than one when an acknowledge came in between). */
  attempts: number;
}

/** Tries before an evaluation gives up to the next interval (each lost try means someone else wrote). */
const MAX_ATTEMPTS = 5;

/** The latest end among the silences covering an alert at `now`, if any. */
export function silencedUntil(silences: readonly AlertSilence[], instance: Pick<AlertInstance, 'ruleId' | 'scope'>, now: number): string | undefined {
  const ends = silences.filter((s) => silenceMatches(s, instance.ruleId, instance.scope, now)).map((s) => s.until);
  return ends.length === 0 ? undefined : ends.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/**
 * The history change of one evaluation: every tracked alert as it reads now (value, silence),
 * every resolved one, and the pending ones that fell back before firing dropped.
 */
export function historyOf(previous: readonly AlertInstance[], next: readonly AlertInstance[], transitions: readonly AlertTransition[], silences: readonly AlertSilence[], now: number): AlertHistoryWrite {
  const upsert: Alert[] = next.map((i) => alertOf(i, silencedUntil(silences, i, now)));
  const resolved = transitions.filter((t) => t.event === 'alert.resolved').map((t) => t.alert);
  upsert.push(...resolved);
  const kept = new Set([...next.map((i) => i.id), ...resolved.map((a) => a.id)]);
  const drop = previous.filter((i) => i.state === 'pending' && !kept.has(i.id)).map((i) => i.id);
  return { upsert, drop };
}

export async function evaluateOnce(deps: EvaluationDeps, now: number): Promise<EvaluationOutcome> {
  const { alerts } = deps;
  const [rules, silences, readings] = await Promise.all([alerts.listRules(), alerts.listSilences(), deps.readings()]);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { state, version } = await alerts.readState();
    const result = evaluate({ rules, readings, previous: state.instances, silences, now });
    const due = takeDueBatches({
      queue: [...state.queue, ...queueNotifications(result.notifications, now)],
      lastSentAt: state.lastSentAt,
      now,
      options: deps.grouping ?? DEFAULT_GROUPING,
    });
    if (due.batches.length > 0) await deps.notifier.enqueue(due.batches);
    const next: AlertState = { instances: result.instances, queue: due.remaining, lastSentAt: due.lastSentAt, evaluatedAt: new Date(now).toISOString() };
    const written = await alerts.writeState(version, next, historyOf(state.instances, result.instances, result.transitions, silences, now));
    if (written === null) continue;
    await deps.events.record(result.transitions);
    return { transitions: result.transitions, batches: due.batches, attempts: attempt };
  }
  throw new Error(`the alert state changed under ${MAX_ATTEMPTS} evaluation tries in a row; the next interval tries again`);
}
