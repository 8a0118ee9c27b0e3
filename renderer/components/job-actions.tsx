/**
 * Job actions as components: a button for any action of the action table (job-action-table.ts),
 * the priority select, the link to a job's detail, and the actions each job table's rows offer.
 * Each gives feedback and, when it cannot run, says why.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import { JobActionBody, NOTE_ACTIONS } from '../../contract/api.ts';
import { PRIORITIES, PRIORITY_LABELS, type JobState, type Priority } from '../../contract/domain.ts';
import { useAdminApi } from '../api/api-context.tsx';
import { actionDisabledReason, runJobAction } from '../api/job-commands.ts';
import { jobHref } from '../app/router.ts';
import { runWithFeedback } from '../store/toast-store.ts';
import { ActionButton, type NoteSpec } from './action-button.tsx';
import { JOB_ACTIONS, type JobButtonAction } from './job-action-table.ts';
import { useRowTabIndex } from './row-navigation.tsx';
import { useClusterUnavailable } from './use-clusters.ts';

type JobRef = Pick<CachedJob, 'id' | 'clusterId' | 'state' | 'priority' | 'type'> & Partial<Pick<CachedJob, 'user'>>;

const NOTE_MAX = JobActionBody.shape.note.unwrap().maxLength ?? 1000;

/**
 * The note field an action's question offers when the action takes a note for the job's owner
 * (the cluster sends it through its user directory and audits it); null otherwise.
 */
export function ownerNoteOf(action: string, job: Partial<Pick<CachedJob, 'user'>>): NoteSpec | null {
  if (!(NOTE_ACTIONS as readonly string[]).includes(action)) return null;
  const owner = job.user ?? "the job's owner";
  return {
    label: `Note for ${owner} (optional)`,
    hint: `Sent to ${owner} by email, SMS or Slack as the cluster's user directory lists them, and kept in the audit log.`,
    maxLength: NOTE_MAX,
  };
}

/**
 * One action of the action table on one job. `inRow`: the small form with the row's shorter words
 * (the accessible name stays the same, so the action is named alike everywhere).
 */
export function JobActionButton({ job, action, inRow = false, onDone }: { job: JobRef; action: JobButtonAction; inRow?: boolean; onDone?: () => void }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  const spec = JOB_ACTIONS[action];
  const note = spec.confirm ? ownerNoteOf(action, job) : null;
  return (
    <ActionButton
      small={inRow}
      label={inRow ? spec.rowLabel : spec.label}
      ariaLabel={`${spec.label} job ${job.id}`}
      feedbackTitle={`${spec.doing} job ${job.id}`}
      disabledReason={offline ?? actionDisabledReason(action, job.state)}
      variant={spec.variant}
      confirm={spec.confirm?.(job)}
      note={note ?? undefined}
      run={(typed) => runJobAction(api, job.clusterId, job.id, action, typed ? { note: typed } : {})}
      onDone={(ok) => ok && onDone?.()}
      target={`${job.clusterId}/${job.id}/${action}`}
    />
  );
}

/**
 * Retry with a note for the job's owner: retry runs at once everywhere else (it is easily undone),
 * so the note gets a button of its own that asks first and offers the field.
 */
export function RetryWithNoteButton({ job }: { job: JobRef }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  return (
    <ActionButton
      label="Retry with a note…"
      ariaLabel={`Retry job ${job.id} with a note for its owner`}
      feedbackTitle={`Retrying job ${job.id}`}
      disabledReason={offline ?? actionDisabledReason('retry', job.state)}
      confirm={{ title: `Retry job ${job.id}?`, body: 'The job goes back to the queue with its configuration and runs again.', confirmLabel: 'Retry job', tone: 'primary' }}
      note={ownerNoteOf('retry', job) ?? undefined}
      run={(typed) => runJobAction(api, job.clusterId, job.id, 'retry', typed ? { note: typed } : {})}
    />
  );
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

/** A select that changes a pending job's priority at once, with feedback. */
export function PrioritySelect({ job, inRow = false }: { job: JobRef; inRow?: boolean }) {
  const api = useAdminApi();
  const offline = useClusterUnavailable(job.clusterId);
  const reason = offline ?? actionDisabledReason('set-priority', job.state);
  const tabIndex = useRowTabIndex();
  return (
    <select
      className={inRow ? 'select select-small' : 'select'}
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
      <PriorityOptions />
    </select>
  );
}

/** The priorities as the options of a select, most urgent first. */
export function PriorityOptions() {
  return PRIORITIES.map((p) => (
    <option key={p} value={p}>
      {PRIORITY_LABELS[p]}
    </option>
  ));
}

/** The job tables: active jobs, the queue, finished jobs, and every job (the Jobs view). */
export type JobTableKind = 'active' | 'queue' | 'completed' | 'all';

/** The actions of one job table row: what the jobs of that table most often need. */
export function JobRowActions({ job, kind }: { job: JobRef; kind: JobTableKind }) {
  switch (kind) {
    case 'active':
      return (
        <>
          <JobActionButton job={job} action="stop" inRow />
          <ViewLink job={job} />
        </>
      );
    case 'queue':
      return (
        <>
          <JobActionButton job={job} action="cancel" inRow />
          <PrioritySelect job={job} inRow />
        </>
      );
    case 'completed':
      return (
        <>
          <ViewLink job={job} label="View results" tab="results" />
          <JobActionButton job={job} action="retry" inRow />
        </>
      );
    case 'all':
      return (
        <>
          <JobActionButton job={job} action={allTableAction(job.state)} inRow />
          <ViewLink job={job} />
        </>
      );
  }
}

/** In the list of every job, the one action that fits the state: cancel a pending job, stop an active one, retry a finished one. */
function allTableAction(state: JobState): JobButtonAction {
  if (state === 'pending') return 'cancel';
  return state === 'running' || state === 'paused' || state === 'stuck' ? 'stop' : 'retry';
}
