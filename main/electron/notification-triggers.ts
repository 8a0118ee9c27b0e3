/**
 * When the shell raises a notification outside alerts: a job the admin acted on from this app
 * failing. A cluster going offline or refusing the token is an alert the core raises once it lasts
 * (main/core/alerts), notified with the other alerts (alert-notifications.ts), so a connection
 * that drops for seconds notifies nobody. Fed by core events and by the IPC bridge's accepted calls.
 */
import type { AdminApi, AdminEvent, CachedJob } from '../../contract/admin-api.ts';
import type { ActionResult, BulkActionResponse } from '../../contract/api.ts';
import { JOB_TYPE_LABELS } from '../../contract/domain.ts';
import type { Notifier } from '../core/ports.ts';
import type { AcceptedCall } from './ipc-bridge.ts';

/** Jobs are watched for a day after the admin acted on them, at most this many at once. */
const WATCH_MS = 24 * 60 * 60_000;
const WATCH_MAX = 2_000;
const CLOCK_SLACK_MS = 60_000;

export interface NotificationTriggersOptions {
  notifier: Notifier;
  api: Pick<AdminApi, 'getJob'>;
  now?: () => number;
  log?: (line: string) => void;
}

/** Decides which core events and admin actions become notifications. */
export class NotificationTriggers {
  /** `clusterId\njobId` → when the admin acted on it. */
  private readonly watched = new Map<string, number>();

  constructor(private readonly options: NotificationTriggersOptions) {}

  /** Core events: job changes. Returns when any lookups are done (for tests). */
  async onEvent(event: AdminEvent): Promise<void> {
    if (event.kind === 'jobs-changed') await this.onJobsChanged(event.clusterId, event.jobIds);
  }

  /** Accepted AdminApi calls: remember the jobs the admin acted on. */
  onAcceptedCall(call: AcceptedCall): void {
    const clusterId = call.args[0];
    if (typeof clusterId !== 'string') return;
    if (call.method === 'jobAction') {
      const jobId = call.args[1];
      if (typeof jobId === 'string' && call.args[2] !== 'delete') this.watch(clusterId, jobId);
    } else if (call.method === 'submitJob') {
      const job = call.result as CachedJob | undefined;
      if (job?.id) this.watch(clusterId, job.id);
    } else if (call.method === 'bulkAction') {
      const response = call.result as BulkActionResponse | undefined;
      if (response?.dryRun || response?.action === 'delete') return;
      for (const r of response?.results ?? ([] as ActionResult[])) if (r.outcome === 'ok') this.watch(clusterId, r.id);
    }
  }

  private watch(clusterId: string, jobId: string): void {
    const now = (this.options.now ?? Date.now)();
    this.watched.delete(`${clusterId}\n${jobId}`);
    this.watched.set(`${clusterId}\n${jobId}`, now);
    while (this.watched.size > WATCH_MAX) this.watched.delete(this.watched.keys().next().value!);
  }

  private async onJobsChanged(clusterId: string, jobIds: readonly string[]): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const mine: { jobId: string; since: number }[] = [];
    for (const id of jobIds) {
      const key = `${clusterId}\n${id}`;
      const since = this.watched.get(key);
      if (since === undefined) continue;
      if (now - since > WATCH_MS) this.watched.delete(key);
      else mine.push({ jobId: id, since });
    }
    await Promise.all(
      mine.map(async ({ jobId, since }) => {
        try {
          const job = await this.options.api.getJob(clusterId, jobId);
          // A failure from before the action (e.g. the cache still shows the failure a retry
          // is about to replace) is not news; a minute of slack covers clock differences.
          const finished = job.finishedAt ? Date.parse(job.finishedAt) : null;
          if (job.state === 'failed' && (finished === null || finished >= since - CLOCK_SLACK_MS)) {
            this.watched.delete(`${clusterId}\n${jobId}`);
            this.options.notifier.notify({
              title: `${JOB_TYPE_LABELS[job.type]} job ${jobId} failed`,
              body: job.errorMessage ?? 'Open the job for its logs and error.',
              clusterId,
              jobId,
              level: 'critical',
            });
          } else if (job.state === 'completed' || job.state === 'cancelled') {
            this.watched.delete(`${clusterId}\n${jobId}`);
          }
        } catch (error) {
          this.options.log?.(`could not check job ${jobId} on ${clusterId}: ${String(error)}`);
        }
      }),
    );
  }
}
