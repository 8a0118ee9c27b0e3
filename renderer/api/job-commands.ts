/**
 * Job actions as the UI runs them: one call, and an ActionResult that was skipped or failed becomes
 * an error carrying the cluster's words, so every caller shows the same feedback.
 */
import type { AdminApi } from '../../contract/admin-api.ts';
import type { BulkActionResponse } from '../../contract/api.ts';
import {
  ACTIONS_BY_STATE,
  JOB_ACTION_LABELS,
  JOB_STATE_LABELS,
  isActionAllowed,
  type JobAction,
  type JobState,
  type Priority,
} from '../../contract/domain.ts';
import { AdminApiError } from './admin-api-error.ts';

const DONE_WORDS: Record<JobAction, string> = {
  cancel: 'cancelled',
  stop: 'asked to stop after its current step',
  'force-stop': 'force stopped',
  pause: 'paused',
  resume: 'resumed',
  retry: 'queued for retry',
  delete: 'deleted',
  'set-priority': 'given a new priority',
  delay: 'delayed',
  'run-now': 'set to run now',
};

/**
 * Runs one action on one job; resolves to a success message or throws with the cluster's reason.
 * With a note for the job's owner, the message also says what became of the note (the cluster's words).
 */
export async function runJobAction(
  api: AdminApi,
  clusterId: string,
  jobId: string,
  action: JobAction,
  body: { priority?: Priority; reason?: string; note?: string } = {},
): Promise<string> {
  const result = await api.jobAction(clusterId, jobId, action, body);
  if (result.outcome === 'ok') return `Job ${jobId} ${DONE_WORDS[action]}.${result.note ? ` ${capitalized(result.note)}.` : ''}`;
  throw new AdminApiError(
    result.outcome,
    result.message ?? `The cluster ${result.outcome === 'skipped' ? 'skipped' : 'could not do'} ${JOB_ACTION_LABELS[action].toLowerCase()} for job ${jobId}.`,
  );
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Why an action is not available in a state, naming what is; null when it is available. */
export function actionDisabledReason(action: JobAction, state: JobState): string | null {
  if (isActionAllowed(action, state)) return null;
  const possible = ACTIONS_BY_STATE[state].map((a) => JOB_ACTION_LABELS[a]).join(', ');
  return `${JOB_ACTION_LABELS[action]} is not possible for a ${JOB_STATE_LABELS[state].toLowerCase()} job. Possible now: ${possible}.`;
}

/** A one-line summary of a bulk action's outcome. */
export function describeBulk(r: Pick<BulkActionResponse, 'ok' | 'skipped' | 'failed' | 'matched'>): string {
  return `${r.ok} done, ${r.skipped} skipped, ${r.failed} failed of ${r.matched}.`;
}
