/**
 * EventRecorder: turns one queue's BullMQ event stream into cluster events and job-index updates.
 *
 * Every engine runs one per queue, so several run per cluster. Each reads the stream a page at a
 * time (BullMQ's own read: up to 100 entries on PostgreSQL, everything new on Redis, cut into pages
 * of PAGE) and records the page with a handful of datastore calls, whatever its size: one to skip
 * entries another recorder already recorded, one to read the jobs the page touches, one to record
 * every change of the page in order (`store.recordChanges`: one transaction / one pipeline). Each
 * change carries a dedup key per BullMQ event, so each event is recorded exactly once whichever
 * recorder gets there first; the row guard (`src`, the padded BullMQ event id) keeps a slow
 * recorder from moving a job backwards. On start a recorder resumes from the cluster's last
 * recorded position of its queue, so events that happened while no recorder ran (BullMQ keeps the
 * last ~10k per queue) are recorded too.
 *
 * Engine actions that BullMQ does not announce (priority changed, concurrency set, control
 * requests) are published into the same BullMQ stream as custom events (`sigmatiq.*`), so they
 * are ordered with everything else and reach every node, workers included.
 *
 * On PostgreSQL a reader can pass an event id whose transaction commits late: the recorder re-reads
 * behind its position until no transaction that could hold such an id is running (late-events.ts).
 * What the stream still misses (removals by other tools are not announced on PostgreSQL; events
 * of a range given up on) is corrected by reconciliation (reconcile.ts).
 */
import type { IQueueBackend, Queue, QueueEvents } from 'bullmq';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import { padSeq, type JobRow, type JobRowInput, type RecordChange, type RecordResult } from '../datastore/shared-store.ts';
import { fetchBullJobs } from './bull-job-fetch.ts';
import { buildJobRow, cancelledRow, CANCELLED_PREFIX, progressReportOf } from './job-record.ts';
import { LateEventWatch } from './late-events.ts';
import { lostNodeIds } from './worker-nodes.ts';

/** Custom event names we publish into BullMQ's per-queue event streams. */
export const CUSTOM_EVENTS = {
  /** A job changed in a way BullMQ does not announce; args: jobId, change. */
  jobChanged: 'sigmatiq.job-changed',
  /** Jobs were removed (BullMQ's PostgreSQL backend does not announce removals); args: jobId, or jobIds (comma-separated). */
  jobRemoved: 'sigmatiq.job-removed',
  /** A queue was paused/resumed or its desired concurrency changed; args: concurrency (optional). */
  queueChanged: 'sigmatiq.queue-changed',
  /** A running-job control request for worker nodes; args: jobId, command, reason. */
  control: 'sigmatiq.control',
} as const;

/**
 * The change the monitor announces for each running job of a worker node it found lost: the job's
 * record is recorded with `workerLost` (while it is still active on that node), so event and
 * history consumers show it as waiting to be recovered; its next change (recovered, finished, or
 * `worker-back` when the node heartbeats again) records it without.
 */
export const WORKER_LOST_CHANGE = 'worker-lost';
export const WORKER_BACK_CHANGE = 'worker-back';

/** Max events kept in each BullMQ stream when we publish (BullMQ's own default is 10k). */
export const STREAM_MAX_EVENTS = 10_000;

const IGNORED = new Set(['error', 'drained', 'retries-exhausted', 'cleaned', 'duplicated', 'deduplicated', 'debounced', CUSTOM_EVENTS.control]);

/** BullMQ event ids as sortable strings: Redis `ms-seq`, PostgreSQL a bigint. */
export function streamPosition(id: string): string {
  const dash = id.indexOf('-');
  if (dash < 0) return padSeq(id, 20);
  return `${padSeq(id.slice(0, dash), 15)}-${padSeq(id.slice(dash + 1), 10)}`;
}

export interface RecorderContext {
  datastore: Datastore;
  queue: Queue;
  type: JobType;
  stuckAfterMs: number;
  /** Desired concurrency of the queue (for queue events). */
  concurrency(): Promise<number>;
  /** Called after each processed page with each job it touched, null for queue changes (in-process wake-ups). */
  onApplied(jobId: string | null): void;
  /** Jobs completed: release jobs that wait for them. */
  onCompleted(jobIds: string[]): Promise<void>;
  /** A progress report was recorded: keep its resource sample. */
  onProgress(jobId: string, report: NonNullable<ReturnType<typeof progressReportOf>>): Promise<void>;
  onError(error: unknown): void;
  /**
   * A job this node added and records as `added` itself (submit), taken once: the recorder waits
   * for the submit's index write of it to end (`written`), then checks nothing when the submit
   * recorded it, else that change's dedup key instead of reading the job back from BullMQ.
   */
  takeSubmitted?(jobId: string): OwnSubmit | undefined;
}

/** A job this node's submit adds and records (engine-context.ts's SubmittedJob). */
export interface OwnSubmit {
  createdAt: number;
  recorded: boolean;
  written: Promise<void>;
}

/** Stream entries recorded per datastore call. */
export const PAGE = 200;
/** How long a recorder waits for more entries after a small read (event latency vs commits per event). */
const GATHER_MS = 25;
/**
 * Changes per recordChanges call on PostgreSQL. A call holds the append lock (~1–2 ms per change on a busy
 * server), and every other writer of events waits for it, so small slices keep each wait short
 * during a bulk cancel; `npm run bench bulk` shows the slowest single call against the ~50 ms target.
 */
const RECORD_SLICE = 10;
/**
 * Longest a recorder waits for this node's submits to finish writing jobs it meets: past it, it
 * checks them as any other node's (a write cut short by an outage ends sooner, with its failure).
 */
const SUBMIT_WRITE_WAIT_MS = 5_000;
/** How often at most a recorder re-reads behind its position while part of it may still gain events (PostgreSQL). */
const RECHECK_MS = 250;

interface Entry {
  name: string;
  args: Record<string, unknown>;
  streamId: string;
  src: string;
  /** The n-th job of an entry that names several (`jobIds`): part of its dedup key. */
  part?: number;
}

export class EventRecorder {
  private events: QueueEvents<unknown, IQueueBackend, unknown> | null = null;
  /** The read being processed (idle() waits for it). */
  private current: Promise<void> = Promise.resolve();
  private loop: Promise<void> = Promise.resolve();
  private closed = false;
  /** Where the stream can gain events behind the position (PostgreSQL only). */
  private readonly late = new LateEventWatch();
  private lastRecheck = 0;

  constructor(private readonly ctx: RecorderContext) {}

  async start(): Promise<void> {
    const { datastore, type } = this.ctx;
    const cursor = await datastore.store.recorderCursor(type);
    const { QueueEvents } = datastore.bullmq.classes;
    // Only for its blocking connection and BullMQ's stream read; we run the read loop ourselves.
    const events = new QueueEvents(type, { ...datastore.bullmq.options(), blockingTimeout: 5_000, autorun: false });
    events.on('error', (e: unknown) => this.ctx.onError(e));
    this.events = events;
    await events.waitUntilReady();
    if (cursor !== null && datastore.bullmq.recheckEvents) this.late.noteResume(rawPosition(cursor), Date.now());
    // No cursor yet: record what the stream still holds (jobs added while no engine ran).
    this.loop = this.run(cursor === null ? '0' : rawPosition(cursor));
  }

  /** Resolves when everything received so far has been processed. */
  async idle(): Promise<void> {
    await this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.events?.close().catch(() => undefined);
    await this.loop.catch(() => undefined);
  }

  private async run(from: string): Promise<void> {
    let id = from;
    while (!this.closed) {
      await this.recheckBehind();
      let entries: [string, string[]][];
      try {
        // While a range behind may still gain events, come back to it soon even if nothing new arrives.
        const data = (await this.events!.backend.readEvents(id, this.late.open ? RECHECK_MS : 5_000)) as [string, [string, string[]][]][] | null | undefined;
        entries = data?.[0]?.[1] ?? [];
      } catch (error) {
        if (this.closed) return;
        this.ctx.onError(error);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      if (entries.length === 0 || this.closed) continue;
      if (entries.length < PAGE / 2) {
        // A trickle (jobs submitted one by one): gather a little more so a burst costs one commit, not one per event.
        await new Promise((r) => setTimeout(r, GATHER_MS));
        try {
          const more = (await this.events!.backend.readEvents(entries.at(-1)![0], 1)) as [string, [string, string[]][]][] | null | undefined;
          entries.push(...(more?.[0]?.[1] ?? []));
        } catch {
          // the next read retries
        }
      }
      if (this.ctx.datastore.bullmq.recheckEvents) {
        this.late.noteRead(
          id,
          entries.map(([streamId]) => streamId),
          Date.now(),
        );
      }
      id = (await this.recordEntries(entries)) ?? id;
    }
  }

  /** Records events that committed behind the position after it moved past their ids. */
  private async recheckBehind(): Promise<void> {
    const recheck = this.ctx.datastore.bullmq.recheckEvents;
    const range = this.late.pending();
    if (!recheck || !range || Date.now() - this.lastRecheck < RECHECK_MS) return;
    this.lastRecheck = Date.now();
    let found: Awaited<ReturnType<typeof recheck>>;
    try {
      found = await recheck(this.ctx.type, range.after, range.upTo, range.seen);
    } catch (error) {
      if (!this.closed) this.ctx.onError(error);
      return;
    }
    // Recorded after later events: each change's dedup key records it once, the row guard keeps a
    // job's newer record, and the job is read from BullMQ as it is now.
    await this.recordEntries(found.entries);
    this.late.reread(
      found.entries.map(([streamId]) => streamId),
      found.xmin,
      found.xmax,
      Date.now(),
    );
  }

  /** Records stream entries a page at a time (`idle()` waits for them); the last id recorded. */
  private async recordEntries(entries: [string, string[]][]): Promise<string | undefined> {
    let last: string | undefined;
    let done!: () => void;
    this.current = new Promise<void>((r) => (done = r));
    try {
      for (let i = 0; i < entries.length && !this.closed; i += PAGE) {
        const page = entries.slice(i, i + PAGE).map(parseEntry);
        await this.processWithRetry(page);
        last = page.at(-1)!.streamId;
      }
    } finally {
      done();
    }
    return last;
  }

  /** A failed page is tried again (the datastore may be restarting); after that, reconciliation corrects it. */
  private async processWithRetry(page: Entry[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.processPage(page);
        return;
      } catch (error) {
        this.ctx.onError(error);
        // While the datastore is down the page waits for it rather than being left to reconciliation.
        if (this.closed || (attempt >= 3 && this.ctx.datastore.availability.reachable)) return;
        await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 2_000)));
      }
    }
  }

  /** Records one page of stream entries, in order, with a fixed number of datastore calls. */
  async processPage(page: Entry[]): Promise<void> {
    const { type, datastore } = this.ctx;
    const store = datastore.store;
    const relevant = page.filter((e) => !IGNORED.has(e.name) && !e.name.includes(':') && !isAddedWaiting(e)).flatMap(perJob);
    const cursor = { queue: type, position: page.at(-1)!.src };
    const keyOf = (e: Entry) => `bull:${type}:${e.streamId}${e.part === undefined ? '' : `:${e.part}`}`;
    const jobIdOf = (e: Entry) => (typeof e.args.jobId === 'string' ? e.args.jobId : null);
    // Jobs this node submitted: their `added` is recorded by the submit under its key, so neither
    // the job nor a write is needed for it. A submit still writing them is waited for (a batch's
    // write outlasts the recorder's gathering of its events), not repeated; then a job the submit
    // recorded needs no check, and one it did not is checked under the submit's key with the rest.
    const mine = new Map<Entry, { jobId: string; job: OwnSubmit }>();
    for (const e of relevant) {
      const jobId = e.name === 'added' ? jobIdOf(e) : null;
      const job = jobId === null ? undefined : this.ctx.takeSubmitted?.(jobId);
      if (job !== undefined) mine.set(e, { jobId: jobId!, job });
    }
    if (mine.size > 0) await waitAtMost(Promise.all(new Set([...mine.values()].map((m) => m.job.written))), SUBMIT_WRITE_WAIT_MS);
    const submitted = new Map<Entry, string>();
    const recordedHere = new Set<Entry>();
    for (const [e, { jobId, job }] of mine) {
      if (job.recorded) recordedHere.add(e);
      else submitted.set(e, addedKey(type, jobId, job.createdAt));
    }
    const recorded = await store.recordedKeys([...relevant.filter((e) => !recordedHere.has(e)).map(keyOf), ...submitted.values()]);
    const isQueueEvent = (e: Entry) => e.name === 'paused' || e.name === 'resumed' || e.name === CUSTOM_EVENTS.queueChanged;
    const isRemoval = (e: Entry) => e.name === 'removed' || e.name === CUSTOM_EVENTS.jobRemoved;
    const recordedBySubmit = (e: Entry) => recordedHere.has(e) || recorded.has(submitted.get(e) ?? '');
    const todo = relevant.filter((e) => !recorded.has(keyOf(e)) && !recordedBySubmit(e) && (isQueueEvent(e) || jobIdOf(e) !== null));
    const jobIds = [...new Set(todo.filter((e) => !isQueueEvent(e)).map((e) => jobIdOf(e)!))];
    const removedIds = [...new Set(todo.filter(isRemoval).map((e) => jobIdOf(e)!))];
    const [jobs, indexed] = await Promise.all([
      fetchBullJobs(datastore, this.ctx.queue, jobIds),
      removedIds.length > 0 ? store.getRows(removedIds) : Promise.resolve(new Map<string, JobRow>()),
    ]);
    const now = Date.now();
    const at = new Date(now).toISOString();
    const rows = new Map<string, JobRowInput | null>();
    const rowOf = (jobId: string): JobRowInput | null => {
      if (!rows.has(jobId)) {
        const raw = jobs.get(jobId);
        rows.set(jobId, raw ? buildJobRow({ job: raw.job, type, bullState: raw.state, now, stuckAfterMs: this.ctx.stuckAfterMs }) : null);
      }
      return rows.get(jobId)!;
    };
    const changes: RecordChange[] = [];
    const progress: { jobId: string; data: unknown; slot: number }[] = [];
    // Read once per page, and only for pages that announce lost workers.
    let lostNodes: Promise<Set<string>> | null = null;
    for (const e of todo) {
      const base = { src: e.src, at, dedupKey: keyOf(e) };
      if (isQueueEvent(e)) {
        const paused = e.name === 'paused' ? true : e.name === 'resumed' ? false : await this.ctx.queue.isPaused();
        changes.push({ ...base, other: { kind: 'queue', at, type, paused, concurrency: await this.ctx.concurrency() } });
        continue;
      }
      const jobId = jobIdOf(e)!;
      if (isRemoval(e)) {
        const change = removalChange(indexed.get(jobId), jobs.has(jobId), type, base);
        if (change) {
          changes.push(change);
          // A later entry of this page about the same job sees the row as the removal left it.
          indexed.delete(jobId);
        }
        continue;
      }
      const row = rowOf(jobId);
      if (row === null) continue; // gone already: its removal follows (or reconciliation sees it)
      const change = e.name === CUSTOM_EVENTS.jobChanged && typeof e.args.change === 'string' ? e.args.change : e.name === 'failed' && row.base === 'cancelled' ? 'cancelled' : e.name;
      let recordedRow = row;
      if (change === WORKER_LOST_CHANGE && row.base === 'active' && row.record.workerId) {
        // Still on the lost node (BullMQ may have handed it to another node since the announcement).
        lostNodes ??= lostNodeIds(store, now);
        if ((await lostNodes).has(row.record.workerId)) recordedRow = { ...row, record: { ...row.record, workerLost: true } };
      }
      changes.push({ ...base, ...(e.name === 'added' ? { alsoKeys: [addedKey(type, jobId, row.createdAt)] } : {}), job: { row: recordedRow, change } });
      if (e.name === 'progress') progress.push({ jobId, data: e.args.data, slot: changes.length - 1 });
    }
    // Nothing new (another recorder got there first): no write, the cursor moved with its batch.
    const results: RecordResult[] = [];
    // Slices bound how long one call holds PostgreSQL's append lock (and the rows it touches). Redis
    // has no such lock (each change is its own script, other clients' commands run between them):
    // there the page is one pipeline, one round trip instead of one per slice.
    const sliceSize = store.kind === 'redis' ? Math.max(1, changes.length) : RECORD_SLICE;
    for (let i = 0; i < changes.length; i += sliceSize) {
      const slice = changes.slice(i, i + sliceSize);
      results.push(...(await store.recordChanges(slice, i + sliceSize >= changes.length ? { cursor } : {})));
    }
    // Only submits of this node's were new: the cursor moves past them as it would with a write.
    if (changes.length === 0 && relevant.some(recordedBySubmit)) await store.recordChanges([], { cursor });
    const touched = new Set<string>();
    for (const e of relevant) {
      const jobId = jobIdOf(e);
      if (jobId !== null) touched.add(jobId);
    }
    for (const jobId of touched) this.ctx.onApplied(jobId);
    if (relevant.some(isQueueEvent)) this.ctx.onApplied(null);
    const completed = [...new Set(relevant.filter((e) => e.name === 'completed').map(jobIdOf).filter((x): x is string => x !== null))];
    if (completed.length > 0) await this.ctx.onCompleted(completed);
    for (const p of progress) {
      if (results[p.slot]?.eventId === null) continue;
      const report = progressReportOf(p.data);
      if (report) await this.ctx.onProgress(p.jobId, report);
    }
  }
}

/**
 * The change a removal makes: nothing for a job we do not index (or another queue's, or one kept on
 * purpose, or one re-added since); `cancelled` for a pending cancel; otherwise a tombstone.
 */
export function removalChange(
  row: JobRow | undefined,
  stillInBullmq: boolean,
  type: JobType,
  base: Pick<RecordChange, 'src' | 'at' | 'dedupKey'>,
): RecordChange | null {
  if (!row || row.type !== type || row.detached || stillInBullmq) return null;
  if (row.cancelIntent) {
    // Cancelled while pending: BullMQ forgot it, we keep it as cancelled (retryable).
    const reason = row.cancelIntent.reason;
    const cancelled = cancelledRow(row, reason.startsWith(CANCELLED_PREFIX) ? reason.slice(CANCELLED_PREFIX.length).trim() : reason, Date.parse(base.at));
    return { ...base, clearCancelIntent: true, job: { row: cancelled, change: 'cancelled' } };
  }
  return { ...base, removed: { id: row.id, type } };
}

/**
 * BullMQ announces a job it adds as `added` and, in the same atomic step, `waiting` without `prev`
 * (Redis's add scripts, PostgreSQL's add_job and add_jobs_bulk): the `added` change records the job
 * as pending already, so that `waiting` would only repeat it. Every other move to waiting names
 * where the job came from (`prev`).
 */
function isAddedWaiting(e: Entry): boolean {
  return e.name === 'waiting' && e.args.prev === undefined;
}

/** Resolves when `work` does or `ms` have passed, whichever is first. */
async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** An entry naming several jobs (`jobIds`) as one entry per job; others as they are. */
function perJob(e: Entry): Entry[] {
  if (typeof e.args.jobIds !== 'string') return [e];
  const { jobIds, ...args } = e.args;
  return (jobIds as string)
    .split(',')
    .filter((id) => id !== '')
    .map((jobId, part) => ({ ...e, args: { ...args, jobId }, part }));
}

/** One raw stream entry as QueueEvents would emit it (name, args). */
function parseEntry([streamId, fields]: [string, string[]]): Entry {
  const args: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) args[fields[i]!] = fields[i + 1];
  const name = String(args.event ?? '');
  delete args.event;
  if (name === 'progress' && typeof args.data === 'string') {
    try {
      args.data = JSON.parse(args.data);
    } catch {
      // not JSON: keep the string
    }
  }
  return { name, args, streamId, src: streamPosition(streamId) };
}

/** The dedup key of a job's `added` change: the engine's submit and every recorder use the same one. */
export function addedKey(type: JobType, jobId: string, timestamp: number): string {
  return `added:${type}:${jobId}:${timestamp}`;
}

/** Back from a sortable position to BullMQ's id form. */
export function rawPosition(position: string): string {
  const dash = position.indexOf('-');
  if (dash < 0) return String(BigInt(position));
  return `${BigInt(position.slice(0, dash))}-${BigInt(position.slice(dash + 1))}`;
}

export { JOB_TYPES };
