/**
 * Alert evaluation exactly once per cluster per interval, however many API nodes run: BullMQ's
 * job scheduler on an internal queue (`sigmatiq-alert-evaluation`, not a job type, so the engine,
 * the job lists, `/api/v1/queues` and the desktop's sync never see it) adds one job per interval,
 * and BullMQ hands each job to one worker. Every API node runs such a worker, so evaluation goes on
 * while any node is up; every node upserts the same scheduler (same id, same interval), which is
 * a no-op once it exists. No leader election of our own.
 */
import type { Job as BullJob, Queue, Worker } from 'bullmq';
import type { Datastore } from '../datastore/open-datastore.ts';
import { evaluateOnce, type AlertNotifier, type EvaluationOutcome } from './alert-evaluation.ts';
import { storeAlertEvents } from './alert-events.ts';
import type { AlertStore } from './alert-store.ts';
import type { GroupingOptions } from './notification-grouping.ts';
import type { MetricReadings } from './rule-evaluator.ts';

export const ALERT_EVALUATION_QUEUE = 'sigmatiq-alert-evaluation';
const SCHEDULER_ID = 'alert-evaluation';

/** Within the 15 s an on-call admin may wait for an alert to start counting. */
export const DEFAULT_EVALUATION_INTERVAL_MS = 10_000;

/** Resolved alerts and delivery records are kept this long; ended silences a day. */
const HISTORY_KEPT_MS = 30 * 24 * 3600_000;
const SILENCES_KEPT_MS = 24 * 3600_000;
const TRIM_EVERY_MS = 3600_000;

export interface AlertSchedulerOptions {
  datastore: Datastore;
  /** Defaults to the datastore's. */
  alerts?: AlertStore;
  /** The readings of one evaluation (engine-readings.ts). */
  readings: () => Promise<MetricReadings>;
  notifier: AlertNotifier;
  intervalMs?: number;
  grouping?: GroupingOptions;
  /** Run the evaluation worker on this node (default true); without it this node only keeps the scheduler. */
  worker?: boolean;
  /** After each evaluation this node ran. */
  onEvaluated?: (outcome: EvaluationOutcome) => void;
  onError?: (error: unknown) => void;
}

export class AlertScheduler {
  private worker: Worker | null = null;
  private lastTrim = 0;
  private readonly alerts: AlertStore;
  private readonly onError: (error: unknown) => void;

  private constructor(
    private readonly options: AlertSchedulerOptions,
    private readonly queue: Queue,
  ) {
    this.alerts = options.alerts ?? options.datastore.alerts;
    this.onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq alert evaluation: ${e instanceof Error ? e.message : String(e)}\n`));
  }

  static async start(options: AlertSchedulerOptions): Promise<AlertScheduler> {
    const { Queue } = options.datastore.bullmq.classes;
    const queue = new Queue(ALERT_EVALUATION_QUEUE, { ...options.datastore.bullmq.producerOptions() }) as Queue;
    const scheduler = new AlertScheduler(options, queue);
    queue.on('error', scheduler.onError);
    try {
      await queue.waitUntilReady();
      const every = options.intervalMs ?? DEFAULT_EVALUATION_INTERVAL_MS;
      await queue.upsertJobScheduler(
        SCHEDULER_ID,
        { every },
        // One try: a failed evaluation is simply the next interval's to do; keep a few for inspection.
        { name: 'evaluate', opts: { attempts: 1, removeOnComplete: 50, removeOnFail: 50 } },
      );
      if (options.worker !== false) await scheduler.startWorker();
    } catch (error) {
      await scheduler.close().catch(() => undefined);
      throw error;
    }
    return scheduler;
  }

  private async startWorker(): Promise<void> {
    const { Worker } = this.options.datastore.bullmq.classes;
    this.worker = new Worker(ALERT_EVALUATION_QUEUE, (job: BullJob) => this.process(job), { ...this.options.datastore.bullmq.options(), concurrency: 1 }) as Worker;
    this.worker.on('error', this.onError);
    this.worker.on('failed', (_job, error) => this.onError(error));
    await this.worker.waitUntilReady();
  }

  private async process(_job: BullJob): Promise<void> {
    const now = Date.now();
    const outcome = await evaluateOnce(
      {
        alerts: this.alerts,
        readings: this.options.readings,
        notifier: this.options.notifier,
        events: storeAlertEvents(this.options.datastore.store),
        ...(this.options.grouping ? { grouping: this.options.grouping } : {}),
      },
      now,
    );
    this.options.onEvaluated?.(outcome);
    if (now - this.lastTrim >= TRIM_EVERY_MS) {
      this.lastTrim = now;
      await this.alerts.trimAlerts(now - HISTORY_KEPT_MS);
      await this.alerts.trimDeliveries(now - HISTORY_KEPT_MS);
      await this.alerts.trimSilences(now - SILENCES_KEPT_MS);
    }
  }

  /** Stops this node's worker (waiting for an evaluation in flight); the scheduler stays for the other nodes. */
  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
    await this.queue.close();
  }
}
