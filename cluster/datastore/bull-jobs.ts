/**
 * Batch reads of BullMQ jobs for the engine's recorder and reconciliation. BullMQ reads one job
 * per call (`getJob` then `getState`: two round trips each); on PostgreSQL the datastore reads a
 * page of jobs with one query on BullMQ's `job` table instead. On Redis, concurrent BullMQ calls
 * share one connection's pipeline, so the engine's fallback (many calls at once) is already cheap.
 */

/** The BullMQ job fields we read (a Job instance or its JSON both fit). */
export interface BullJobLike {
  id?: string;
  name: string;
  data: unknown;
  opts: { priority?: number; attempts?: number; delay?: number };
  timestamp: number;
  delay?: number;
  processedOn?: number | null;
  finishedOn?: number | null;
  attemptsMade: number;
  /** Times the job was taken back from a lost worker (BullMQ's stalled check). */
  stalledCounter?: number;
  progress: unknown;
  failedReason?: string | null;
  parentKey?: string | null;
  processedBy?: string | null;
}

/** The BullMQ job fields the engine reads (the shape of BullMQ's Job / JobJson). */
export interface RawBullJob {
  /** BullMQ's state name (`waiting`, `prioritized`, `delayed`, `active`, …). */
  state: string;
  job: BullJobLike & { id: string };
}

/** One bounded step of trimming a queue's BullMQ event stream. */
export interface StreamTrimBound {
  /** Newest events always kept. */
  keep: number;
  /** Never trim past this BullMQ event id (what the cluster has recorded); null = no such bound. */
  upTo: string | null;
  /** At most this many events per step. */
  chunk: number;
}

/**
 * Events of one queue's BullMQ stream in (after, upTo] other than `seen`, oldest first, as BullMQ's
 * read returns them (`[id, [field, value, …]]`), with the transaction snapshot they were read in:
 * `xmin`, the oldest transaction still running then, and `xmax`, the next one to start.
 */
export type BullEventRecheck = (
  queue: string,
  after: string,
  upTo: string,
  seen: string[],
) => Promise<{ entries: [string, string[]][]; xmin: bigint; xmax: bigint }>;

/** Reads the jobs of one queue by id in one call; ids that no longer exist are absent. */
export type BullJobReader = (queue: string, ids: string[]) => Promise<Map<string, RawBullJob>>;

/** What a finished BullMQ job ended with: the stack of each attempt (oldest first) and its return value. */
export interface BullOutcome {
  stacktrace: string[] | null;
  returnvalue: unknown;
}

/** Reads the outcomes of jobs of one queue by id in one call; ids that no longer exist are absent. */
export type BullOutcomeReader = (queue: string, ids: string[]) => Promise<Map<string, BullOutcome>>;
