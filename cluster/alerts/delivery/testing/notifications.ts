/** Alert notifications for delivery tests: a rule firing or resolving on one queue. */
import { JobType } from '../../../../contract/domain.ts';
import type { AlertNotification } from '../../../../contract/alerts.ts';

/** `where` is a job type (a queue scope) or any other name (a node scope, so tests can have many). */
export function queueAlert(kind: AlertNotification['kind'], where: string, channels: string[], at = new Date().toISOString()): AlertNotification {
  const resolved = kind === 'resolved';
  const queue = where;
  const scope = JobType.safeParse(where).success ? { kind: 'queue' as const, queue: where as JobType } : { kind: 'node' as const, node: where };
  return {
    kind,
    channels,
    at,
    alert: {
      id: `alert-${queue}`,
      ruleId: 'queue-length',
      ruleName: 'Queue > 100 jobs',
      metric: 'queueLength',
      scope,
      dedupKey: `queue-length/${scope.kind}:${queue}`,
      state: resolved ? 'resolved' : 'firing',
      severity: 'warning',
      value: resolved ? 12 : 140,
      startedAt: '2026-03-01T11:58:00.000Z',
      ...(resolved ? { resolvedAt: at } : {}),
      message: `Queue > 100 jobs (${queue}): ${resolved ? 12 : 140} jobs`,
    },
  };
}
