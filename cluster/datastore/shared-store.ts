/**
 * The SharedStore: our own data next to BullMQ's, in the same datastore (tables in PostgreSQL,
 * keys in Redis). One interface, two implementations (pg-store.ts, redis-store.ts), so the engine
 * runs unchanged on every datastore.
 *
 * What lives here:
 * - the job index: one row per job with the fields we filter/sort on and the last published `Job`
 *   record, so lists, counts, positions and history never scan BullMQ;
 * - the cluster event log: ids increase across the whole cluster and are assigned by the datastore
 *   (never by a process), appended atomically together with the job-index change they describe;
 * - audit records, settings (queue concurrency, schedules, maintenance windows, workers) and
 *   resource samples.
 */
import type { AuditRecord, DatastoreKind } from '../../contract/api.ts';
import type { JobType, Priority } from '../../contract/domain.ts';
import type { ClusterEvent } from '../../contract/events.ts';
import type { Job } from '../../contract/jobs.ts';
import type { ResourceSample } from '../../contract/metrics.ts';

/**
 * The largest id either datastore can hold (PostgreSQL bigint; Redis stream ids go further).
 * Ids and cursors from clients are clamped to it before a query: a larger one is simply "after
 * everything", where the datastore would answer an error ("value out of range", "Invalid stream ID").
 */
export const MAX_STORED_ID = 9223372036854775807n;

/** A decimal id from a client, clamped to MAX_STORED_ID. */
export function clampStoredId(id: string | number): string {
  const n = typeof id === 'number' ? BigInt(Number.isFinite(id) ? Math.trunc(id) : 0) : BigInt(id);
  return n > MAX_STORED_ID ? String(MAX_STORED_ID) : String(n);
}

/** The stored part of a job's state; `running`/`paused`/`stuck` are derived from `active` at read time. */
export type BaseState = 'pending' | 'active' | 'completed' | 'failed' | 'cancelled';
export const BASE_STATES: readonly BaseState[] = ['pending', 'active', 'completed', 'failed', 'cancelled'];

/** What the engine writes for a job. The store adds createdSeq/changeSeq. */
export interface JobRowInput {
  id: string;
  type: JobType;
  priority: Priority;
  user: string;
  base: BaseState;
  /** Active and the worker reported `paused: true`. */
  paused: boolean;
  /**
   * Pending and in line to run: waiting (in a paused queue too) or prioritized in BullMQ. A pending
   * job delayed to a later time, held for its dependencies or waiting for its child jobs is not:
   * it is ahead of no one and has no place in line until it joins (see queueSeq for where).
   */
  ready: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Last progress report, or the start time; a running job whose value is too old is stuck. */
  progressAt: number | null;
  /** Lower-case text searched by `q`: id, user, config JSON, error. */
  search: string;
  /** The record published in events and lists (state as stored; derived states are applied on read). */
  record: Job;
  /** Enough to re-create the BullMQ job when it was removed from BullMQ (cancelled while pending). */
  payload: { data: unknown; opts: Record<string, unknown> } | null;
  /** True when the job is no longer in BullMQ but kept in the index (cancelled while pending). */
  detached: boolean;
}

export interface JobRow extends JobRowInput {
  /** Cluster-wide creation order, assigned on first insert. */
  createdSeq: number;
  /**
   * FIFO order within (type, priority) among pending jobs: taken from the creation sequence when a
   * job enters pending, changes priority or joins the line (BullMQ puts it at the back of its
   * priority group then). Except on PostgreSQL, where BullMQ promotes a job whose delay ran out
   * with the place it had: there a job joining the line keeps its order unless BullMQ gave it a
   * new place (run-now), which the store sees in BullMQ's own sequence of the job.
   */
  queueSeq: number;
  /** Event id of the last change (history cursor). */
  changeSeq: number;
  /** Ordering key of the source event that produced this row (see RecordChange.src). */
  src: string;
  /** Set by a cancel of a pending job before it is removed from BullMQ. */
  cancelIntent: { reason: string; at: string } | null;
}

/**
 * One change to record atomically: dedup check, event id assignment, event append and job-index
 * update. `src` orders changes of one job: a change whose src is not newer than the row's keeps the
 * row (and its newer record is published instead), so racing writers never move a job backwards.
 */
export interface RecordChange {
  /** Unique per change; a second call with the same key is a no-op (several recorders, one write). */
  dedupKey: string;
  /** Sortable source position: a padded BullMQ event id, or '' for "older than any event". */
  src: string;
  /** Recorder position to advance for this queue (BullMQ event id), if any. */
  cursor?: { queue: string; position: string };
  at: string;
  /** A job changed: upsert its row; the event carries the row's record. */
  job?: { row: JobRowInput; change: string };
  /** A job was removed: the row becomes a tombstone and a `job-removed` event is appended. */
  removed?: { id: string; type: JobType };
  /** More dedup keys of the same change (e.g. the recorder's stream key next to the `added` key): skipped when any is recorded; all are marked when it is. */
  alsoKeys?: string[];
  /** Clear the row's cancel intent in the same step (a pending cancel became the `cancelled` record). */
  clearCancelIntent?: boolean;
  /** Any other event (queue, worker). */
  other?: Exclude<ClusterEvent, { kind: 'job' | 'job-removed' | 'reset' }> extends infer E
    ? E extends { id: string }
      ? Omit<E, 'id'>
      : never
    : never;
}

export interface RecordResult {
  /** The new event id, or null when the dedup key was already recorded (or nothing to record). */
  eventId: string | null;
  /** The row after the change (job changes). */
  row: JobRow | null;
}

/** Stored event: the ClusterEvent as JSON plus its id. */
export interface StoredEvent {
  id: string;
  event: ClusterEvent;
}

export interface EventRead {
  events: StoredEvent[];
  /** Oldest retained id ('0' when none retained). */
  oldestId: string;
  /** Newest id ('0' when none ever). */
  lastId: string;
}

/** A keyset position inside one sort order: the sort score and the id tie-break. */
export interface SortKey {
  k: number;
  id: string;
}

/** The sort orders of the job index; `score` computes the key (same on every store). */
export type IndexSort = 'created' | 'finished' | 'position' | 'priority';

export interface RowFilter {
  types?: JobType[];
  /** Base states to include (derived states are translated by the engine). */
  bases?: BaseState[];
  /** For `active`: which derived states to keep. Undefined = all. */
  activeKinds?: ('running' | 'paused' | 'stuck')[];
  users?: string[];
  priorities?: Priority[];
  /** Lower-case substring. */
  q?: string;
  createdAfter?: number;
  createdBefore?: number;
  finishedBefore?: number;
}

export interface RowQuery {
  filter: RowFilter;
  sort: IndexSort;
  desc: boolean;
  after?: SortKey;
  limit: number;
  /** For the stuck test: now − stuckAfterMs. */
  stuckBefore: number;
}

export interface RowPage {
  rows: JobRow[];
  /** Position of the last row in the sort order, when there may be more. */
  next: SortKey | null;
  /** The places in line of the page's rows (as `positions` gives them), when the store read them with the page. */
  positions?: Map<string, number>;
}

export interface HistoryRead {
  rows: JobRow[];
  /** Removed jobs (tombstones) in the same change order. */
  removed: { id: string; type: JobType }[];
  /**
   * The change position this page is complete up to: the next page starts after it. Not the
   * newest changeSeq among the rows: a row changed while the page was read carries a newer one,
   * and rows changed between its old and new position were not read yet.
   */
  reached: number;
  hasMore: boolean;
}

/** Counts per type and derived state, and finished-job samples for queue metrics. */
export interface CountsByType {
  type: JobType;
  pending: number;
  running: number;
  paused: number;
  stuck: number;
  completed: number;
  failed: number;
  cancelled: number;
}

/** A queue's line as the job index holds it, for the wait predicted at submit (wait-forecast.ts). */
export interface LineCounts {
  /** Pending jobs in line (ready to run: see JobRowInput.ready) per priority. */
  ready: Record<Priority, number>;
  /** Jobs holding a worker slot (running, paused, stuck). */
  active: number;
}

export interface FinishedSample {
  type: JobType;
  base: 'completed' | 'failed' | 'cancelled';
  createdAt: number;
  startedAt: number | null;
  finishedAt: number;
  runAt: number | null;
  /** The wait predicted when it was queued (Job.predictedWaitMs); null or absent when none was. */
  predictedWaitMs?: number | null;
}

export interface SharedStore {
  readonly kind: DatastoreKind;

  recordChange(change: RecordChange): Promise<RecordResult>;
  /**
   * Several changes in one datastore call (one transaction on PostgreSQL, one pipeline on Redis),
   * applied in order, each exactly as recordChange would; the recorder cursor of `options.cursor`
   * moves forward with them. Results are in the order of `changes`; rows only when `returnRows`.
   */
  recordChanges(changes: RecordChange[], options?: { cursor?: { queue: string; position: string }; returnRows?: boolean }): Promise<RecordResult[]>;
  /** The dedup keys among `keys` that were recorded already (one round trip). */
  recordedKeys(keys: string[]): Promise<Set<string>>;
  /** True when a change with this dedup key was recorded (a cheap check before expensive work). */
  hasRecorded(dedupKey: string): Promise<boolean>;
  /** Recorder cursor (last BullMQ event position recorded) of a queue, or null. */
  recorderCursor(queue: string): Promise<string | null>;
  readEvents(afterId: string, limit: number): Promise<EventRead>;
  lastEventId(): Promise<string>;
  /** Drop events beyond the retention (count and age); returns how many were dropped. */
  trimEvents(keep: { maxEvents: number; maxAgeMs: number }): Promise<number>;
  /** Call the listener (cheaply, possibly coalesced) when events were appended anywhere. */
  subscribe(listener: () => void): () => void;

  getRow(id: string): Promise<JobRow | null>;
  getRows(ids: string[]): Promise<Map<string, JobRow>>;
  /** Marks (or, with null, clears) the cancel intent of pending rows, in one call. */
  setCancelIntents(ids: string[], intent: { reason: string; at: string } | null): Promise<void>;
  listRows(query: RowQuery): Promise<RowPage>;
  /** Place in line (1 = next) of each ready row among the ready jobs of its type; none for other rows. */
  positions(rows: JobRow[]): Promise<Map<string, number>>;
  counts(stuckBefore: number): Promise<CountsByType[]>;
  /** One queue's jobs in line per priority and its active jobs: index ranges only, whatever the queue holds. */
  lineCounts(type: JobType): Promise<LineCounts>;
  finishedSince(since: number, maxRows: number): Promise<FinishedSample[]>;
  history(afterSeq: number, limit: number): Promise<HistoryRead>;
  /** Forget tombstones older than the given event id. */
  trimTombstones(beforeSeq: number): Promise<number>;
  /** Job-index rows that are pending or active (reconciliation), paged by creation order. */
  unfinished(afterCreatedSeq: number, limit: number): Promise<JobRow[]>;

  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  listAudit(beforeId: string | undefined, limit: number): Promise<AuditRecord[]>;

  getSetting<T>(key: string): Promise<T | null>;
  putSetting(key: string, value: unknown): Promise<void>;
  deleteSetting(key: string): Promise<boolean>;
  listSettings<T>(prefix: string): Promise<{ key: string; value: T }[]>;

  appendSamples(samples: ResourceSample[]): Promise<void>;
  readSamples(since: number, nodeId: string | undefined, limit: number): Promise<ResourceSample[]>;
  trimSamples(before: number): Promise<number>;

  /**
   * Stores `entry` under an idempotency key unless the key holds one that has not expired, and
   * returns the entry the key holds afterwards (ours, or the earlier one). Expires after `ttlMs`.
   */
  claimIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry>;
  /** Replaces the entry of a key (with the answer to keep), expiring `ttlMs` from now. */
  putIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void>;
  /** Forgets expired idempotency keys (Redis expires them on its own); returns how many. */
  trimIdempotencyKeys(): Promise<number>;

  /** Round trip to the datastore, in ms. */
  ping(): Promise<number>;
  close(): Promise<void>;
}

/**
 * What an idempotency key holds: the request it was first used with (a hash), the job ids that
 * request creates (fixed before anything is created, so a retry re-uses them and BullMQ adds
 * each id once), and once it succeeded, the answer every repetition gets.
 */
export interface IdempotencyEntry {
  fingerprint: string;
  jobIds: string[];
  response: { status: number; body: unknown } | null;
}

/** The sort score of a row in one order; identical for every store so cursors are portable. */
export function sortScore(sort: IndexSort, row: Pick<JobRow, 'createdSeq' | 'finishedAt' | 'queueSeq' | 'priority' | 'ready'>): number {
  const rank = PRIORITY_RANK[row.priority];
  switch (sort) {
    case 'created':
      return row.createdSeq;
    case 'finished':
      return row.finishedAt ?? 0;
    case 'position':
      // Jobs out of line come after every job in line, so the jobs ahead of a ready job in this
      // order are exactly the ready jobs ahead of it in BullMQ's (a count or rank of the range).
      return ((row.ready ? 0 : OUT_OF_LINE_RANK) + rank) * SCORE_BAND + row.queueSeq;
    case 'priority':
      return rank * SCORE_BAND + row.createdSeq;
  }
}

/** Priority bands in composite scores; sequences stay below it (2^53 / 8 ≈ 1.1e15 is the limit). */
export const SCORE_BAND = 1e15;
/** Bands a job out of line is moved by in the position order: past the four priorities of those in line. */
export const OUT_OF_LINE_RANK = 4;
const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, normal: 2, low: 3 };

/** Rows grouped by job type, in their order (Map.groupBy is Node 21+). */
export function rowsByType<R extends Pick<JobRow, 'type'>>(rows: Iterable<R>): Map<JobType, R[]> {
  const out = new Map<JobType, R[]>();
  for (const row of rows) {
    const list = out.get(row.type);
    if (list) list.push(row);
    else out.set(row.type, [row]);
  }
  return out;
}

/** Pads a non-negative integer string so that string order is numeric order. */
export function padSeq(n: string | number | bigint, width = 20): string {
  return String(n).padStart(width, '0');
}
