/**
 * Every action on one job, enabled when it fits the job's state (contract ACTIONS_BY_STATE) and
 * otherwise disabled with the reason: graceful stop, force stop, pause/resume, cancel, retry, retry
 * with a note for the job's owner, retry with edited configuration, change priority, delay and run
 * now (delay-actions.tsx), delete. Words, looks and confirmations come from the action table the job
 * tables' rows use too; stop, force stop, cancel and retry with a note offer a note for the job's
 * owner in their question.
 */
import { useState } from 'react';
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import { actionDisabledReason } from '../../api/job-commands.ts';
import { JobActionButton, PrioritySelect, RetryWithNoteButton } from '../../components/job-actions.tsx';
import { useClusterUnavailable } from '../../components/use-clusters.ts';
import { navigate, sectionHref } from '../../app/router.ts';
import { DelayActions } from './delay-actions.tsx';
import { RetryEditDialog } from './retry-edit-dialog.tsx';

/** The action bar of the job detail view. */
export function JobActionsBar({ job }: { job: CachedJobDetail }) {
  const offline = useClusterUnavailable(job.clusterId);
  const [editing, setEditing] = useState(false);
  const retryReason = offline ?? actionDisabledReason('retry', job.state);
  return (
    <div className="action-bar" role="toolbar" aria-label="Job actions">
      <JobActionButton job={job} action="stop" />
      <JobActionButton job={job} action="force-stop" />
      <JobActionButton job={job} action={job.state === 'paused' ? 'resume' : 'pause'} />
      <JobActionButton job={job} action="cancel" />
      <JobActionButton job={job} action="retry" />
      <RetryWithNoteButton job={job} />
      <button
        type="button"
        className="btn"
        aria-disabled={Boolean(retryReason) || undefined}
        title={retryReason ?? 'Submit a new job with an edited configuration'}
        onClick={() => !retryReason && setEditing(true)}
      >
        Retry with edits…
      </button>
      <label className="field-inline">
        <span className="field-label">Priority</span>
        <PrioritySelect job={job} />
      </label>
      <DelayActions job={job} />
      <JobActionButton job={job} action="delete" onDone={() => navigate(sectionHref('jobs'))} />
      {editing ? <RetryEditDialog job={job} onClose={() => setEditing(false)} /> : null}
    </div>
  );
}
