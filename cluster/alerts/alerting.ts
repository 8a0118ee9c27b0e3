/**
 * Alerting on one API node: the delivery queue (cluster/alerts/delivery: senders, retries, rate
 * limits, the delivery log) and the evaluation scheduler (once per cluster per interval, whichever
 * node takes the job), plus what the alert routes need. `serve` starts it after the engine and
 * closes it before the engine.
 */
import type { Datastore } from '../datastore/open-datastore.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import type { AlertApiDeps } from '../api/routes/alert-routes.ts';
import { alertApiDepsOf } from './alert-api-deps.ts';
import type { EvaluationOutcome } from './alert-evaluation.ts';
import { AlertScheduler } from './alert-scheduler.ts';
import { AlertDeliveryQueue } from './delivery/delivery-queue.ts';
import { engineReadings } from './engine-readings.ts';
import type { GroupingOptions } from './notification-grouping.ts';

export interface AlertingOptions {
  datastore: Datastore;
  engine: Pick<JobEngine, 'summary' | 'workers' | 'resources'>;
  /** The cluster's name, for the messages. */
  clusterName: string;
  /** The admin app, for the links in messages (default: a placeholder that says where to set it). */
  adminUrl?: string;
  intervalMs?: number;
  grouping?: GroupingOptions;
  /** Tries per notification batch, the first included. */
  deliveryAttempts?: number;
  deliveryBackoffMs?: number;
  onEvaluated?: (outcome: EvaluationOutcome) => void;
  onError?: (error: unknown) => void;
}

export interface Alerting {
  /** What the alert routes of this node's API work with. */
  readonly api: AlertApiDeps;
  readonly delivery: AlertDeliveryQueue;
  close(): Promise<void>;
}

export async function startAlerting(options: AlertingOptions): Promise<Alerting> {
  const { datastore } = options;
  const onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq alerts: ${e instanceof Error ? e.message : String(e)}\n`));
  const delivery = await AlertDeliveryQueue.start({
    datastore,
    context: { clusterName: options.clusterName, adminUrl: options.adminUrl ?? 'sigmatiq://alerts' },
    ...(options.deliveryAttempts !== undefined ? { attempts: options.deliveryAttempts } : {}),
    ...(options.deliveryBackoffMs !== undefined ? { backoffMs: options.deliveryBackoffMs } : {}),
    onError,
  });
  let scheduler: AlertScheduler;
  try {
    scheduler = await AlertScheduler.start({
      datastore,
      readings: engineReadings(options.engine),
      notifier: delivery,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.grouping ? { grouping: options.grouping } : {}),
      ...(options.onEvaluated ? { onEvaluated: options.onEvaluated } : {}),
      onError,
    });
  } catch (error) {
    await delivery.close().catch(() => undefined);
    throw error;
  }
  const api: AlertApiDeps = {
    ...alertApiDepsOf(datastore),
    sendTest: (channelId) => delivery.sendTest(channelId),
    notifyUser: (input) => delivery.notifyUser(input),
  };
  return {
    api,
    delivery,
    async close() {
      await scheduler.close();
      await delivery.close();
    },
  };
}
