/**
 * The per-row job actions of the job tables: Stop and View (active), Cancel and Change priority
 * (queue), View results and Retry (completed). Each gives feedback and says why when disabled.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import { PRIORITIES, PRIORITY_LABELS, type Priority } from '../../contract/domain.ts';
import { useAdminApi } from '../api/api-context.tsx';
import { actionDisabledReason, runJobAction } from '../api/job-commands.ts';
import { jobHref } from '../app/router.ts';
import { runWithFeedback } from '../store/toast-store.ts';
import { ActionButton, type ConfirmSpec } from './action-button.tsx';
import { useRowTabIndex } from './row-navigation.tsx';
import { useClusterUnavailable } from './use-clusters.ts';

type JobRef = Pick<CachedJob, 'id' | 'clusterId' | 'state' | 'priority' | 'type'>;

/** What a cancel does, said before it is done (a sweep takes its child backtests along). */
export function cancelConfirm(job: Pick<CachedJob, 'id' | 'type'>): ConfirmSpec {
  return {
    title: `Cancel job ${job.id}?`,
    body:
      job.type === 'sweep'
        ? 'The sweep leaves the queue and will not run. Its child backtests that have not started are cancelled with it; running ones finish and finished ones are kept. You can retry it later.'
        : 'The job leaves the queue and will not run. You can retry it later.',
    confirmLabel: 'Cancel job',
  };
}

/** What a delete does, said before it is done. */
export function deleteConfirm(job: Pick<CachedJob, 'id' | 'type'>): ConfirmSpec {
  return {
    title: `Delete job ${job.id}?`,
    body:
      job.type === 'sweep'
        ? 'The sweep, all its child backtests and their logs are removed from the cluster. This cannot be undone.'
        : 'The job and its logs are removed from the cluster. This cannot be undone.',
    confirmLabel: 'Delete job',
  };
}

/** Link to a job's detail view. */
export function ViewLink({ job, label = 'View', tab }: { job: JobRef; label?: string; tab?: 'results' }) {
  const tabIndex = useRowTabIndex();
  return (
    <a className="btn btn-small btn-ghost" href={jobHref(job.clusterId, job.id, tab)} aria-label={`${label} job ${job.id}`} tabIndex={tabIndex}>
      {label}
    </a>
  );
}

/** Graceful stop: finish the current step, then stop. */
export function StopButton({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  return (
    <ActionButton
      small
      label="Stop"
      ariaLabel={`Stop job ${job.id}`}
      feedbackTitle={`Stopping job ${job.id}`}
      disabledReason={offline ?? actionDisabledReason('stop', job.state)}
      confirm={{
        title: `Stop job ${job.id}?`,
        body: 'The job finishes its current step, then stops. Its work so far is kept; it will show as cancelled.',
        confirmLabel: 'Graceful stop',
      }}
      run={() => runJobAction(api, job.clusterId, job.id, 'stop')}
    />
  );
}

/** Cancel a pending job, with confirmation. */
export function CancelButton({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  return (
    <ActionButton
      small
      label="Cancel"
      ariaLabel={`Cancel job ${job.id}`}
      feedbackTitle={`Cancelling job ${job.id}`}
      disabledReason={offline ?? actionDisabledReason('cancel', job.state)}
      confirm={cancelConfirm(job)}
      run={() => runJobAction(api, job.clusterId, job.id, 'cancel')}
    />
  );
}

/** Retry a finished job. */
export function RetryButton({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  return (
    <ActionButton
      small
      label="Retry"
      ariaLabel={`Retry job ${job.id}`}
      feedbackTitle={`Retrying job ${job.id}`}
      disabledReason={offline ?? actionDisabledReason('retry', job.state)}
      run={() => runJobAction(api, job.clusterId, job.id, 'retry')}
    />
  );
}

/** A select that changes a pending job's priority at once, with feedback. */
export function PrioritySelect({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  const reason = offline ?? actionDisabledReason('set-priority', job.state);
  const tabIndex = useRowTabIndex();
  return (
    <select
      className="select select-small"
      tabIndex={tabIndex}
      aria-label={`Change priority of job ${job.id}`}
      title={reason ?? 'Change priority'}
      disabled={Boolean(reason)}
      value={job.priority}
      onChange={(e) => {
        const priority = e.target.value as Priority;
        void runWithFeedback(`Changing priority of job ${job.id} to ${PRIORITY_LABELS[priority]}`, () =>
          runJobAction(api, job.clusterId, job.id, 'set-priority', { priority }),
        );
      }}
    >
      {PRIORITIES.map((p) => (
        <option key={p} value={p}>
          {PRIORITY_LABELS[p]}
        </option>
      ))}
    </select>
  );
}
