/** Small coloured labels: job state, priority, threshold level and connection status. */
import type { ConnectionStatus } from '../../contract/admin-api.ts';
import { JOB_STATE_LABELS, PRIORITY_LABELS, type JobState, type Priority } from '../../contract/domain.ts';
import { QUEUE_LEVEL_LABELS, RESOURCE_LEVEL_LABELS, type Level } from '../../contract/thresholds.ts';

/** Shown instead of a running job's state once its worker node stopped heartbeating. */
export const WORKER_LOST_LABEL = 'Worker lost — waiting to be recovered';

/**
 * A job's state, coloured by what it asks of the admin. A job whose worker node is lost still
 * reads as running in the cluster until it is taken back, so it says what is really going on.
 */
export function StateBadge({ state, workerLost }: { state: JobState; workerLost?: boolean | undefined }) {
  if (workerLost && (state === 'running' || state === 'stuck' || state === 'paused')) {
    return (
      <span className="badge state-stuck" title="Its worker node stopped answering; the cluster takes the job back and runs it again, or fails it if its worker was lost before.">
        {WORKER_LOST_LABEL}
      </span>
    );
  }
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
