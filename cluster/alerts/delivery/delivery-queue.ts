/**
 * The alert delivery queue: each notification batch (notification-grouping.ts) and each note to a
 * job's owner is one job of an internal BullMQ queue, `sigmatiq-alert-delivery`. It is not a job
 * type: the engine, the job lists, `/api/v1/queues` and the desktop's sync only know JOB_TYPES.
 *
 * - Exactly once: a job's id is derived from its batch key, so adding the same batch again (the
 *   evaluation retried, two nodes adding it) is a no-op while the job is kept (a day after it
 *   completes), and BullMQ's lock hands each job to one worker of one node.
 * - Retries: `attempts` tries with exponential backoff (or the receiver's Retry-After); an error
 *   that another try cannot fix (a revoked webhook, a refused login) fails at once.
 * - Rate limits per channel: channel-rate-limit.ts.
 * - The delivery log: every attempt is one record through the AlertStore, with the result and the
 *   error in words; the last failed attempt says it gave up. Secrets stay in the AlertStore: job
 *   data carries channel ids and alerts, and the channel is read when the job runs.
 */
import { createHash } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job as BullJob, type Queue, type Worker } from 'bullmq';
import { z } from 'zod';
import type { AlertDeliveryInput, DeliveryKind } from '../../../contract/alert-deliveries.ts';
import type { StoredAlertChannel } from '../../../contract/alert-channels.ts';
import { AlertNotification } from '../../../contract/alerts.ts';
import type { Datastore } from '../../datastore/open-datastore.ts';
import type { AlertStore } from '../alert-store.ts';
import { testNotification, type MessageContext } from '../message-format.ts';
import type { NotificationBatch } from '../notification-grouping.ts';
import { claimChannelSlot, DEFAULT_MIN_INTERVAL_MS } from './channel-rate-limit.ts';
import { sendToChannel } from './channel-sender.ts';
import { DeliveryError } from './delivery-error.ts';
import { sendSlack } from './slack-sender.ts';
import { sendEmail } from './smtp-sender.ts';
import { sendTwilioSms } from './twilio-sender.ts';
import { UserNote, userNoteEmail, userNoteSlack, userNoteSms } from './user-note-message.ts';

export const DELIVERY_QUEUE = 'sigmatiq-alert-delivery';

const USER_NOTE_WAYS = ['email', 'sms', 'slack'] as const;
type UserNoteWay = (typeof USER_NOTE_WAYS)[number];

const BatchJobData = z.object({ kind: z.literal('batch'), batchKey: z.string().min(1), channelId: z.string().min(1), notifications: z.array(AlertNotification).min(1) });
const UserNoteJobData = z.object({ kind: z.literal('user-note'), batchKey: z.string().min(1), way: z.enum(USER_NOTE_WAYS), note: UserNote });
const DeliveryJobData = z.discriminatedUnion('kind', [BatchJobData, UserNoteJobData]);
type DeliveryJobData = z.infer<typeof DeliveryJobData>;

export interface AlertDeliveryOptions {
  datastore: Datastore;
  /** Channels, the user directory and the delivery log (default: the datastore's). */
  alerts?: AlertStore;
  /** The cluster's name and the admin app's URL, for the messages. */
  context: MessageContext;
  /** A link to one job in the admin app (notes to a job's owner); the admin URL without it. */
  jobUrl?: (jobId: string) => string;
  /** Run a worker on this node (default true); without one this node only adds jobs. */
  worker?: boolean;
  /** Tries per batch, the first included (default 5). */
  attempts?: number;
  /** First retry delay; each next one doubles (default 5 s: 5, 10, 20, 40 s). */
  backoffMs?: number;
  /** Least time between two sends to one channel, per kind (default DEFAULT_MIN_INTERVAL_MS). */
  minIntervalMs?: Partial<Record<StoredAlertChannel['kind'], number>>;
  /** Per receiver call (default: each sender's own). */
  timeoutMs?: number;
  concurrency?: number;
  onError?: (error: unknown) => void;
  now?: () => number;
}

/** What "Send test" answers: whether the receiver took the message, in words. */
export interface SendTestResult {
  ok: boolean;
  message: string;
}

export interface NotifyUserInput {
  user: string;
  jobId: string;
  action: UserNote['action'];
  note: string;
  by: string;
}

/** What a note to a user was handed to: the ways the directory knows, or why none. */
export interface NotifyUserResult {
  queued: UserNoteWay[];
  /** Why nothing or less than every way was queued, in words. */
  problems: string[];
}

/** BullMQ job ids may not contain ':' and must not read as integers: a hash of the key is neither. */
export function deliveryJobId(batchKey: string): string {
  return `delivery-${createHash('sha256').update(batchKey).digest('hex').slice(0, 40)}`;
}

function kindOf(notifications: readonly AlertNotification[]): DeliveryKind {
  const kinds = new Set(notifications.map((n) => n.kind));
  return kinds.size === 1 ? [...kinds][0]! : 'mixed';
}

function wordsOf(error: unknown): string {
  if (error instanceof DeliveryError) return error.message;
  // Anything else (a bug, the datastore) is named without its details, which could carry anything.
  return `sending failed unexpectedly (${error instanceof Error ? error.name : 'error'})`;
}

export class AlertDeliveryQueue {
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly alerts: AlertStore;

  private constructor(private readonly options: AlertDeliveryOptions) {
    this.alerts = options.alerts ?? options.datastore.alerts;
    const { Queue } = options.datastore.bullmq.classes;
    this.queue = new Queue(DELIVERY_QUEUE, { ...options.datastore.bullmq.producerOptions() }) as Queue;
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((e: unknown) => process.stderr.write(`sigmatiq alert delivery: ${e instanceof Error ? e.message : String(e)}\n`));
    this.queue.on('error', this.onError);
  }

  static async start(options: AlertDeliveryOptions): Promise<AlertDeliveryQueue> {
    const delivery = new AlertDeliveryQueue(options);
    await delivery.queue.waitUntilReady();
    if (options.worker !== false) await delivery.startWorker();
    return delivery;
  }

  private async startWorker(): Promise<void> {
    const { Worker } = this.options.datastore.bullmq.classes;
    const backoffMs = this.backoffMs;
    this.worker = new Worker(DELIVERY_QUEUE, (job: BullJob, token?: string) => this.process(job, token), {
      ...this.options.datastore.bullmq.options(),
      concurrency: this.options.concurrency ?? 4,
      settings: {
        // The receiver's Retry-After when it sent one (Slack, Twilio on 429), else 5, 10, 20… s, at most 10 min.
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof DeliveryError && err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, 600_000) : Math.min(backoffMs * 2 ** Math.max(0, attemptsMade - 1), 600_000),
      },
    }) as Worker;
    this.worker.on('error', this.onError);
    await this.worker.waitUntilReady();
  }

  /** Adds one job per batch; a batch already added (same key) is not added again. */
  async enqueue(batches: readonly NotificationBatch[]): Promise<void> {
    if (batches.length === 0) return;
    await this.queue.addBulk(
      batches.map((batch) => ({
        name: 'batch',
        data: { kind: 'batch', batchKey: batch.key, channelId: batch.channelId, notifications: batch.notifications } satisfies DeliveryJobData,
        opts: this.jobOptions(batch.key),
      })),
    );
  }

  /**
   * Queues a note about a job for its owner, one job per way the user directory knows (email,
   * SMS, Slack). Email and SMS go through the cluster's first email and SMS channel (by name):
   * the directory holds addresses, the channels hold the SMTP server and the Twilio account.
   */
  async notifyUser(input: NotifyUserInput): Promise<NotifyUserResult> {
    const note: UserNote = UserNote.parse({ ...input, at: new Date(this.now()).toISOString() });
    const contact = await this.alerts.getUser(input.user);
    if (!contact) return { queued: [], problems: [`the user directory has no entry for ${input.user}: add one (PUT /api/v1/alerts/users/${encodeURIComponent(input.user)}) to reach them`] };
    const channels = await this.alerts.listChannels();
    const ways: UserNoteWay[] = [];
    const problems: string[] = [];
    if (contact.email !== undefined) {
      if (firstOf(channels, 'email')) ways.push('email');
      else problems.push(`no email channel to send ${input.user} an email through: add one under Alert channels`);
    }
    if (contact.phone !== undefined) {
      if (firstOf(channels, 'sms')) ways.push('sms');
      else problems.push(`no SMS channel to text ${input.user} through: add a Twilio channel under Alert channels`);
    }
    if (contact.slackWebhookUrl !== undefined) ways.push('slack');
    if (ways.length > 0) {
      await this.queue.addBulk(
        ways.map((way) => {
          const batchKey = `note/${note.jobId}/${note.action}/${note.at}/${way}`;
          return { name: 'user-note', data: { kind: 'user-note', batchKey, way, note } satisfies DeliveryJobData, opts: this.jobOptions(batchKey) };
        }),
      );
    }
    return { queued: ways, problems };
  }

  /**
   * Sends a test message to a channel now (not queued: the admin waits for the answer) and answers
   * the result in words; logged as a `test` delivery. It takes the channel's rate-limit slot like
   * any send, waiting one interval when another send holds it.
   */
  async sendTest(channelId: string): Promise<SendTestResult> {
    const channel = await this.alerts.getChannel(channelId);
    if (!channel) return { ok: false, message: `there is no channel ${channelId}` };
    const interval = this.minInterval(channel.kind);
    if (!(await claimChannelSlot(this.options.datastore.store, `channel/${channel.id}`, interval))) await new Promise((r) => setTimeout(r, interval));
    const now = this.now();
    const notification = testNotification(channelId, now);
    const batchKey = `test/${channelId}@${new Date(now).toISOString()}`;
    let result: SendTestResult;
    try {
      const said = await sendToChannel(channel, [notification], this.options.context, batchKey, this.sendOptions());
      result = { ok: true, message: `Test sent to ${channel.name}: ${said}` };
    } catch (error) {
      result = { ok: false, message: `Test to ${channel.name} failed: ${wordsOf(error)}` };
    }
    await this.log({ channel, kind: 'test', batchKey, alertIds: [], attempt: 1, result: result.ok ? 'sent' : 'failed', ...(result.ok ? {} : { error: result.message }) });
    return result;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  /** The queue's job counts (tests and diagnostics). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  private jobOptions(batchKey: string) {
    return {
      jobId: deliveryJobId(batchKey),
      attempts: this.attempts,
      backoff: { type: 'delivery' },
      // Kept a day after success so the same batch added again is still recognised; failures a week.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  private sendOptions() {
    return this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {};
  }

  private minInterval(kind: StoredAlertChannel['kind']): number {
    return this.options.minIntervalMs?.[kind] ?? DEFAULT_MIN_INTERVAL_MS[kind];
  }

  private async process(job: BullJob, token: string | undefined): Promise<string> {
    const parsed = DeliveryJobData.safeParse(job.data);
    if (!parsed.success) {
      const why = `delivery job ${job.id ?? ''} cannot be read by this version (${parsed.error.issues[0]?.message ?? 'unknown shape'}): not sent`;
      this.onError(new Error(why));
      throw new UnrecoverableError(why);
    }
    const data = parsed.data;
    const attempt = job.attemptsMade + 1;
    const target = data.kind === 'batch' ? await this.batchTarget(data, attempt) : await this.noteTarget(data, attempt);

    // The channel's slot: another send to it within its interval puts this one back, attempt unspent.
    if (!(await claimChannelSlot(this.options.datastore.store, target.slot, target.minIntervalMs))) {
      await job.moveToDelayed(this.now() + target.minIntervalMs, token);
      throw new DelayedError();
    }

    try {
      const said = await target.send();
      await this.log({ ...target.log, attempt, result: 'sent' });
      return said;
    } catch (error) {
      const words = wordsOf(error);
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      const attempts = job.opts.attempts ?? 1;
      const final = !retryable || attempt >= attempts;
      const outcome = final
        ? `${words} — gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'}`
        : `${words} — attempt ${attempt} of ${attempts}, tried again later`;
      await this.log({ ...target.log, attempt, result: final ? 'failed' : 'retrying', error: outcome });
      if (!retryable) throw new UnrecoverableError(words);
      throw error instanceof DeliveryError ? error : new Error(words);
    }
  }

  private async batchTarget(data: z.infer<typeof BatchJobData>, attempt: number): Promise<Target> {
    const alertIds = data.notifications.map((n) => n.alert.id);
    const kind = kindOf(data.notifications);
    const channel = await this.alerts.getChannel(data.channelId);
    if (!channel) {
      await this.log({ channelId: data.channelId, kind, batchKey: data.batchKey, alertIds, attempt, result: 'failed', error: `the channel ${data.channelId} was deleted before the message went out — not sent` });
      throw new UnrecoverableError(`channel ${data.channelId} was deleted`);
    }
    return {
      slot: `channel/${channel.id}`,
      minIntervalMs: this.minInterval(channel.kind),
      log: { channel, kind, batchKey: data.batchKey, alertIds },
      send: () => sendToChannel(channel, data.notifications, this.options.context, data.batchKey, this.sendOptions()),
    };
  }

  private async noteTarget(data: z.infer<typeof UserNoteJobData>, attempt: number): Promise<Target> {
    const { note, way, batchKey } = data;
    const base = { user: note.user, kind: 'user-note' as const, batchKey, alertIds: [], channelKind: way };
    const gone = async (why: string): Promise<never> => {
      await this.log({ ...base, attempt, result: 'failed', error: `${why} — not sent` });
      throw new UnrecoverableError(why);
    };
    const contact = await this.alerts.getUser(note.user);
    if (!contact) return gone(`the user directory no longer has ${note.user}`);
    const cluster = this.options.context.clusterName;
    const jobUrl = this.options.jobUrl?.(note.jobId) ?? this.options.context.adminUrl;
    const timeoutMs = this.options.timeoutMs;
    if (way === 'slack') {
      const url = contact.slackWebhookUrl;
      if (url === undefined) return gone(`${note.user} no longer has a Slack webhook in the user directory`);
      return { slot: `user/${note.user}/slack`, minIntervalMs: this.minInterval('slack'), log: base, send: () => sendSlack(url, userNoteSlack(note, cluster, jobUrl), timeoutMs) };
    }
    const channels = await this.alerts.listChannels();
    if (way === 'email') {
      const channel = firstOf(channels, 'email');
      const to = contact.email;
      if (to === undefined) return gone(`${note.user} no longer has an email address in the user directory`);
      if (!channel) return gone('there is no email channel to send through any more');
      return { slot: `channel/${channel.id}`, minIntervalMs: this.minInterval('email'), log: { ...base, channel }, send: () => sendEmail(channel, [to], userNoteEmail(note, cluster, jobUrl), timeoutMs) };
    }
    const channel = firstOf(channels, 'sms');
    const to = contact.phone;
    if (to === undefined) return gone(`${note.user} no longer has a phone number in the user directory`);
    if (!channel) return gone('there is no SMS channel to send through any more');
    return { slot: `channel/${channel.id}`, minIntervalMs: this.minInterval('sms'), log: { ...base, channel }, send: () => sendTwilioSms(channel, to, userNoteSms(note, cluster), timeoutMs) };
  }

  private async log(entry: LogEntry): Promise<void> {
    const { channel, ...rest } = entry;
    const record: AlertDeliveryInput = {
      ...rest,
      ...(channel ? { channelId: channel.id, channelName: channel.name, channelKind: channel.kind } : {}),
      at: new Date(this.now()).toISOString(),
    };
    try {
      await this.alerts.appendDelivery(record);
    } catch (error) {
      // The send's outcome stands; a log that could not be written is reported, not retried as a send.
      this.onError(new Error(`could not write the delivery log (${error instanceof Error ? error.message : String(error)})`));
    }
  }
}

type LogEntry = Omit<AlertDeliveryInput, 'at' | 'channelId' | 'channelName'> & { channel?: StoredAlertChannel; channelId?: string };

interface Target {
  /** The rate-limit slot this send takes. */
  slot: string;
  minIntervalMs: number;
  log: Omit<LogEntry, 'attempt' | 'result' | 'error'>;
  send: () => Promise<string>;
}

function firstOf<K extends StoredAlertChannel['kind']>(channels: readonly StoredAlertChannel[], kind: K): Extract<StoredAlertChannel, { kind: K }> | undefined {
  return channels
    .filter((c): c is Extract<StoredAlertChannel, { kind: K }> => c.kind === kind)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0];
}
