/**
 * What an operator does to an alert through the API: acknowledge it (no repeats until it
 * resolves) and silence its rule and scope until a time. Acknowledging changes the evaluation
 * state, so it is written compare-and-set like an evaluation and retried when one came in between;
 * the change is an `alert.acknowledged` event. Errors are EngineErrors whose words say what to do.
 */
import { randomUUID } from 'node:crypto';
import { silenceUntilProblem, type Alert, type AlertSilence } from '../../contract/alerts.ts';
import { EngineError } from '../engine/job-engine.ts';
import type { AlertEventSink } from './alert-events.ts';
import { silencedUntil } from './alert-evaluation.ts';
import type { AlertStore } from './alert-store.ts';
import { acknowledge, alertOf } from './rule-evaluator.ts';

const MAX_ATTEMPTS = 5;

export interface AlertActionDeps {
  alerts: AlertStore;
  events: AlertEventSink;
}

function notFiring(alertId: string, known: Alert | null): EngineError {
  if (known === null) return new EngineError('not_found', `no alert ${alertId}: list alerts with GET /api/v1/alerts?state=all`);
  if (known.state === 'resolved') return new EngineError('conflict', `alert ${alertId} resolved at ${known.resolvedAt ?? 'an earlier time'}: there is nothing left to acknowledge`);
  return new EngineError('conflict', `alert ${alertId} is pending, not firing yet: only a firing alert can be acknowledged`);
}

/** Acknowledges a firing alert as `by`; an alert acknowledged already stays as it was. */
export async function acknowledgeAlert(deps: AlertActionDeps, alertId: string, by: string, now: number): Promise<Alert> {
  const { alerts } = deps;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const [{ state, version }, silences] = await Promise.all([alerts.readState(), alerts.listSilences()]);
    const target = state.instances.find((i) => i.id === alertId);
    if (target?.acknowledgedAt !== undefined) return alertOf(target, silencedUntil(silences, target, now));
    const result = acknowledge(state.instances, alertId, by, now);
    if (!result.ok) throw notFiring(alertId, await alerts.getAlert(alertId));
    const acked = result.instances.find((i) => i.id === alertId)!;
    const shown = alertOf(acked, silencedUntil(silences, acked, now));
    const written = await alerts.writeState(version, { ...state, instances: result.instances }, { upsert: [shown], drop: [] });
    if (written === null) continue;
    await deps.events.record([{ event: 'alert.acknowledged', alert: shown }]);
    return shown;
  }
  throw new EngineError('unavailable', `alert ${alertId} kept changing while it was acknowledged; try again`);
}

/**
 * Silences the alert's rule in the alert's scope (its queue or node) until `until`: notifications
 * of that rule and scope are held back until then, the alert keeps its state. Answers the silence.
 */
export async function silenceAlert(deps: AlertActionDeps, alertId: string, request: { until: string; comment?: string | undefined }, by: string, now: number): Promise<AlertSilence> {
  const problem = silenceUntilProblem(request.until, now);
  if (problem) throw new EngineError('validation_failed', problem, [{ path: 'until', message: problem }]);
  const alert = await deps.alerts.getAlert(alertId);
  if (alert === null) throw new EngineError('not_found', `no alert ${alertId}: list alerts with GET /api/v1/alerts?state=all`);
  const scope = alert.scope ?? { kind: 'cluster' as const };
  const silence: AlertSilence = {
    id: `silence-${randomUUID().replace(/-/g, '').slice(0, 16)}`,
    ruleId: alert.ruleId,
    ...(scope.kind === 'queue' ? { queue: scope.queue } : scope.kind === 'node' ? { node: scope.node } : {}),
    until: new Date(Date.parse(request.until)).toISOString(),
    createdBy: by,
    createdAt: new Date(now).toISOString(),
    ...(request.comment !== undefined ? { comment: request.comment } : {}),
  };
  await deps.alerts.putSilence(silence);
  return silence;
}
