/**
 * Every action on one job, enabled when it fits the job's state (contract ACTIONS_BY_STATE) and
 * otherwise disabled with the reason: graceful stop, force stop (confirmed), pause/resume, cancel,
 * retry, retry with edited configuration, change priority, delete (confirmed).
 */
import { useState } from 'react';
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import { PRIORITIES, PRIORITY_LABELS, type JobAction, type Priority } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { actionDisabledReason, runJobAction } from '../../api/job-commands.ts';
import { ActionButton, type ConfirmSpec } from '../../components/action-button.tsx';
import { useClusterUnavailable } from '../../components/use-clusters.ts';
import { cancelConfirm, deleteConfirm } from '../../components/job-actions.tsx';
import { runWithFeedback } from '../../store/toast-store.ts';
import { navigate, sectionHref } from '../../app/router.ts';
import { RetryEditDialog } from './retry-edit-dialog.tsx';

/** The action bar of the job detail view. */
export function JobActionsBar({ job }: { job: CachedJobDetail }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  const [editing, setEditing] = useState(false);
  const reason = (a: JobAction) => offline ?? actionDisabledReason(a, job.state);
  const button = (action: JobAction, label: string, opts: { variant?: 'danger' | 'primary'; confirm?: ConfirmSpec; after?: () => void } = {}) => (
    <ActionButton
      label={label}
      ariaLabel={`${label} job ${job.id}`}
      feedbackTitle={`${label}: job ${job.id}`}
      disabledReason={reason(action)}
      variant={opts.variant}
      confirm={opts.confirm}
      run={() => runJobAction(api, job.clusterId, job.id, action)}
      onDone={(ok) => ok && opts.after?.()}
    />
  );
  const priorityReason = reason('set-priority');
  return (
    <div className="action-bar" role="toolbar" aria-label="Job actions">
      {button('stop', 'Graceful stop', { confirm: { title: `Stop job ${job.id}?`, body: 'The job finishes its current step, then stops.', confirmLabel: 'Graceful stop' } })}
      {button('force-stop', 'Force stop', {
        variant: 'danger',
        confirm: { title: `Force stop job ${job.id}?`, body: 'The job is terminated immediately; the step in progress is lost. Use this when the job is stuck and a graceful stop does not work.', confirmLabel: 'Force stop now' },
      })}
      {job.state === 'paused' ? button('resume', 'Resume') : button('pause', 'Pause')}
      {button('cancel', 'Cancel', { confirm: cancelConfirm(job) })}
      {button('retry', 'Retry', { variant: 'primary' })}
      <button
        type="button"
        className="btn"
        aria-disabled={Boolean(reason('retry')) || undefined}
        title={reason('retry') ?? 'Submit a new job with an edited configuration'}
        onClick={() => !reason('retry') && setEditing(true)}
      >
        Retry with edits…
      </button>
      <label className="field-inline" title={priorityReason ?? 'Change priority'}>
        <span className="field-label">Priority</span>
        <select
          className="select"
          aria-label={`Change priority of job ${job.id}`}
          disabled={Boolean(priorityReason)}
          value={job.priority}
          onChange={(e) => {
            const priority = e.target.value as Priority;
            void runWithFeedback(`Changing priority of job ${job.id} to ${PRIORITY_LABELS[priority]}`, () => runJobAction(api, job.clusterId, job.id, 'set-priority', { priority }));
          }}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      {button('delete', 'Delete', {
        variant: 'danger',
        confirm: deleteConfirm(job),
        after: () => navigate(sectionHref('jobs')),
      })}
      {editing ? <RetryEditDialog job={job} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}
