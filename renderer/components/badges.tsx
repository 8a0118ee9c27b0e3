/** Small coloured labels: job state, priority, threshold level and connection status. */
import type { ConnectionStatus } from '../../contract/admin-api.ts';
import { JOB_STATE_LABELS, PRIORITY_LABELS, type JobState, type Priority } from '../../contract/domain.ts';
import { QUEUE_LEVEL_LABELS, RESOURCE_LEVEL_LABELS, type Level } from '../../contract/thresholds.ts';

/** A job's state, coloured by what it asks of the admin. */
export function StateBadge({ state }: { state: JobState }) {
  return <span className={`badge state-${state}`}>{JOB_STATE_LABELS[state]}</span>;
}

/** A job's priority; critical and high stand out. */
export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span className={`priority priority-${priority}`}>{PRIORITY_LABELS[priority]}</span>;
}

/** A threshold level in words: Good/Warning/Critical for queues, Normal/High/Action Needed for resources. */
export function LevelBadge({ level, kind }: { level: Level; kind: 'queue' | 'resource' }) {
  const label = (kind === 'queue' ? QUEUE_LEVEL_LABELS : RESOURCE_LEVEL_LABELS)[level];
  return <span className={`badge level-${level}`}>{label}</span>;
}

/** Connection statuses in words an admin reads; connecting and degraded both mean "reconnecting". */
export const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Reconnecting',
  online: 'Online',
  degraded: 'Reconnecting',
  offline: 'Offline',
  unauthorized: 'Unauthorized',
  disabled: 'Switched off',
};

/** A dot and word for a connection status. */
export function StatusDot({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`status status-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      {CONNECTION_LABELS[status]}
    </span>
  );
}
