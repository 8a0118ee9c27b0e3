/**
 * Delay of one pending job as the UI runs it: the cluster's answer carries the job's new runAt,
 * which the success message names (and the desktop core has written into the cache already).
 */
import type { AdminApi } from '../../contract/admin-api.ts';
import { AdminApiError } from './admin-api-error.ts';

/** The body of a delay: exactly one of the two, as the cluster takes it. */
export type DelayBody = { until: string } | { seconds: number };

/** Delays one job; resolves to a success message naming when it runs, or throws with the cluster's reason. */
export async function delayJob(api: AdminApi, clusterId: string, jobId: string, body: DelayBody, formatTime: (iso: string) => string): Promise<string> {
  const result = await api.jobAction(clusterId, jobId, 'delay', body);
  if (result.outcome === 'ok') return result.job?.runAt ? `Job ${jobId} delayed: it runs at ${formatTime(result.job.runAt)}.` : `Job ${jobId} delayed.`;
  throw new AdminApiError(result.outcome, result.message ?? `The cluster ${result.outcome === 'skipped' ? 'skipped' : 'could not do'} the delay of job ${jobId}.`);
}
