/**
 * SharedStore on PostgreSQL (embedded or an existing server): our tables in their own schema.
 * Event appends are serialized with a transaction-scoped advisory lock, so ids are gapless, commit
 * in order, and a reader can never see id N+1 before id N. Wake-ups go through LISTEN/NOTIFY.
 */
import pg from 'pg';
import type { AuditRecord } from '../../contract/api.ts';
import { type JobType, PRIORITIES } from '../../contract/domain.ts';
import type { ClusterEvent } from '../../contract/events.ts';
import type { ResourceSample } from '../../contract/metrics.ts';
import { LOCK_CLASS, LOCK_MIGRATE, schemaSql } from './pg-store-schema.ts';
import { claimPgKey, putPgKey, trimPgKeys } from './idempotency-keys.ts';
import {
  type CountsByType,
  type EventRead,
  type FinishedSample,
  type HistoryRead,
  type JobRow,
  type LineCounts,
  type RecordChange,
  type RecordResult,
  type RowFilter,
  type RowPage,
  type RowQuery,
  type SharedStore,
  type IdempotencyEntry,
  clampStoredId,
  rowsByType,
  SCORE_BAND,
  sortScore,
} from './shared-store.ts';
import type { BullEventRecheck, BullOutcome, StreamTrimBound, RawBullJob } from './bull-jobs.ts';
import { pgDelayWaitingSql } from './bull-delay.ts';

type Queryable = pg.Pool | pg.PoolClient;

/** One row of sq_record_batch's answer: the change's place in the call (1-based), its event id and row. */
interface AppendRow {
  idx: string;
  event_id: string;
  row_json: Record<string, unknown> | null;
}

/** Changes joined into one sq_record_batch call (PgStore.joinAppend). */
interface AppendGroup {
  changes: unknown[];
  cursor: { queue: string; position: string } | null;
  wantRows: boolean;
  done: Promise<AppendRow[]>;
}

/**
 * Most changes one joined append carries: the append lock is held while they are applied, and the
 * recorders' small slices (event-recorder.ts) exist to keep that wait short for everyone else.
 */
const MAX_JOINED_CHANGES = 32;
/** Changes recorded between two checks of the job index's statistics (noteIndexWrites). */
const STATS_CHECK_WRITES = 500;
/** Audit records per insert at most (appendAudit). */
const MAX_JOINED_AUDITS = 200;

interface IndexRecord {
  id: string;
  type: string;
  priority: string;
  user_name: string;
  base: string;
  paused: boolean;
  ready: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress_at: string | null;
  created_seq: string;
  queue_seq: string;
  change_seq: string;
  src: string;
  search: string;
  record: JobRow['record'];
  payload: JobRow['payload'];
  detached: boolean;
  cancel_intent: JobRow['cancelIntent'];
  removed: boolean;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** A job_index row read through to_jsonb: bigints arrive as numbers. */
function jsonRecord(j: Record<string, unknown>): IndexRecord {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    ...(j as unknown as IndexRecord),
    created_at: String(j.created_at),
    started_at: str(j.started_at),
    finished_at: str(j.finished_at),
    progress_at: str(j.progress_at),
    created_seq: String(j.created_seq),
    queue_seq: String(j.queue_seq),
    change_seq: String(j.change_seq),
  };
}

function toRow(r: IndexRecord): JobRow {
  return {
    id: r.id,
    type: r.type as JobType,
    priority: r.priority as JobRow['priority'],
    user: r.user_name,
    base: r.base as JobRow['base'],
    paused: r.paused,
    ready: r.ready,
    createdAt: Number(r.created_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    progressAt: num(r.progress_at),
    createdSeq: Number(r.created_seq),
    queueSeq: Number(r.queue_seq),
    changeSeq: Number(r.change_seq),
    src: r.src,
    search: r.search,
    record: r.record,
    payload: r.payload,
    detached: r.detached,
    cancelIntent: r.cancel_intent,
  };
}

/** Builds a WHERE clause for a RowFilter; pushes parameters onto `params`. */
export function filterSql(filter: RowFilter, stuckBefore: number, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // One value is an equality, not '= ANY': the planner then walks an index on (that column, sort
  // key) in sort order and stops at the page's end, where '= ANY' has it read and sort every match.
  const oneOf = (column: string, values: readonly unknown[]) => (values.length === 1 ? `${column} = ${p(values[0])}` : `${column} = ANY(${p(values)})`);
  const where: string[] = ['NOT removed'];
  if (filter.types) where.push(oneOf('type', filter.types));
  if (filter.users) where.push(oneOf('user_name', filter.users));
  if (filter.priorities) where.push(oneOf('priority', filter.priorities));
  if (filter.bases) {
    const plain = filter.bases.filter((b) => b !== 'active');
    const ors: string[] = [];
    if (plain.length > 0) ors.push(oneOf('base', plain));
    if (filter.bases.includes('active')) {
      const kinds = filter.activeKinds ?? ['running', 'paused', 'stuck'];
      const seen = 'COALESCE(progress_at, started_at, created_at)';
      const kindSql = kinds.map((k) =>
        k === 'paused' ? 'paused' : k === 'running' ? `(NOT paused AND ${seen} >= ${p(stuckBefore)})` : `(NOT paused AND ${seen} < ${p(stuckBefore)})`,
      );
      ors.push(`(base = 'active' AND (${kindSql.join(' OR ')}))`);
    }
    where.push(ors.length > 0 ? `(${ors.join(' OR ')})` : 'false');
  }
  if (filter.q) where.push(`strpos(search, ${p(filter.q)}) > 0`);
  if (filter.createdAfter !== undefined) where.push(`created_at > ${p(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${p(filter.createdBefore)}`);
  if (filter.finishedBefore !== undefined) where.push(`finished_at < ${p(filter.finishedBefore)}`);
  return where.join(' AND ');
}

const SORT_COLUMN = { created: 'created_seq', finished: 'finished_at', position: 's_position', priority: 's_priority' } as const;

/** Opens the store on a pool (which it owns) and creates its tables when missing. */
export async function openPgStore(
  options: { connectionString: string; schema?: string; poolSize?: number; kind: 'embedded' | 'postgres'; bullmqSchema: string },
): Promise<PgSharedStore> {
  const schema = options.schema ?? 'sigmatiq';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema '${schema}': use lower-case letters, digits and _ only`);
  // A server that cannot be reached fails a query within seconds instead of leaving it waiting.
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 8, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined); // idle-client errors surface on the next query
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]);
    await client.query(schemaSql(schema, options.bullmqSchema));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return new PgStore(pool, schema, options.connectionString, options.kind);
}

/** The PostgreSQL store, which can also read BullMQ's job rows in batches (same server). */
export interface PgSharedStore extends SharedStore {
  readBullJobs(bullmqSchema: string, queue: string, ids: string[]): Promise<Map<string, RawBullJob>>;
  readBullOutcomes(bullmqSchema: string, queue: string, ids: string[]): Promise<Map<string, BullOutcome>>;
  trimBullEvents(bullmqSchema: string, queue: string, bound: StreamTrimBound): Promise<number>;
  recheckBullEvents(bullmqSchema: string, ...args: Parameters<BullEventRecheck>): ReturnType<BullEventRecheck>;
  /** Moves a waiting BullMQ job to delayed until `runAtMs` in one statement; false when it was not waiting (bull-delay.ts). */
  delayWaitingBullJob(bullmqSchema: string, queue: string, id: string, runAtMs: number, delayMs: number): Promise<boolean>;
}

class PgStore implements PgSharedStore {
  private listener: pg.Client | null = null;
  private listenerStarting: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly t: (table: string) => string;
  /**
   * The last append of this process. Appends take one advisory lock on the server, so they run one
   * at a time anyway; queueing them here keeps the waiting in this process instead of in pool
   * connections parked on the lock (six queue recorders at once otherwise hold six connections and
   * each call's server time grows by the others' work).
   */
  private appendTail: Promise<unknown> = Promise.resolve();
  /** The append group still taking changes (joinAppend), sent once the append before it is done. */
  private openAppend: AppendGroup | null = null;
  /** Append groups sent or waiting to be sent. */
  private appendsPending = 0;
  /** Changes recorded by this process since the job index's statistics were last checked. */
  private writesSinceStatsCheck = 0;
  private statsCheck: Promise<void> | null = null;
  /** Audit records waiting for the insert under way to finish (appendAudit). */
  private readonly auditWaiting: { record: Omit<AuditRecord, 'id'>; resolve: (id: string) => void; reject: (error: unknown) => void }[] = [];
  private auditRunning = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly connectionString: string,
    readonly kind: 'embedded' | 'postgres',
  ) {
    this.t = (table) => `"${schema}".${table}`;
  }

  private channel(): string {
    return `sigmatiq_events_${this.schema}`;
  }

  async recordChange(change: RecordChange): Promise<RecordResult> {
    const [result] = await this.recordChanges([change], { cursor: change.cursor, returnRows: true });
    return result!;
  }

  async recordChanges(changes: RecordChange[], options: { cursor?: { queue: string; position: string }; returnRows?: boolean } = {}): Promise<RecordResult[]> {
    const results: RecordResult[] = changes.map(() => ({ eventId: null, row: null }));
    const payload: unknown[] = [];
    const slots: number[] = [];
    changes.forEach((change, i) => {
      const body = changeJson(change);
      if (body) {
        payload.push(body);
        slots.push(i);
      }
    });
    if (payload.length === 0) {
      if (options.cursor) await this.advanceCursor(options.cursor);
      return results;
    }
    const { rows, offset } = await this.joinAppend(payload, options.cursor ?? null, options.returnRows ?? false);
    this.noteIndexWrites(payload.length);
    for (const r of rows) {
      const n = Number(r.idx) - 1 - offset;
      if (n < 0 || n >= payload.length) continue;
      const i = slots[n]!;
      results[i] = { eventId: String(r.event_id), row: r.row_json ? toRow(jsonRecord(r.row_json)) : null };
    }
    return results;
  }

  /**
   * Moves a recorder's position with nothing to append (a page whose changes were all recorded
   * already, e.g. this node's own submits): no event id is taken, so it needs neither the append
   * lock nor a place in this process's line of appends, where it would hold back the submits behind
   * it. The position only moves forward, whoever writes it.
   */
  private async advanceCursor(cursor: { queue: string; position: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('recorder_cursor')} AS c (queue, position) VALUES ($1, $2)
       ON CONFLICT (queue) DO UPDATE SET position = EXCLUDED.position WHERE c.position < EXCLUDED.position`,
      [cursor.queue, cursor.position],
    );
  }

  /**
   * Keeps the planner's statistics of the job index current through a burst of submits. Autovacuum
   * analyses a table once a tenth of it has changed, but only at its next round (a minute apart by
   * default); until then a table that grew from nearly nothing is planned as nearly empty: a list of
   * 50 pending jobs read and sorted every pending row, and places in line walked the rows of a type
   * for each count (3,000 pending jobs: a list 125 ms instead of 30 ms, the place counts 219 ms
   * instead of 2.5 ms). Every STATS_CHECK_WRITES changes the server's count of changes since the
   * last analysis is read, and the table analysed then when autovacuum would at its next round.
   */
  private noteIndexWrites(changes: number): void {
    this.writesSinceStatsCheck += changes;
    if (this.writesSinceStatsCheck < STATS_CHECK_WRITES || this.statsCheck || this.closed) return;
    this.writesSinceStatsCheck = 0;
    this.statsCheck = this.analyzeIndexIfStale()
      .catch(() => undefined) // autovacuum still analyses it in its own time
      .finally(() => (this.statsCheck = null));
  }

  private async analyzeIndexIfStale(): Promise<void> {
    const table = this.t('job_index');
    const { rows } = await this.pool.query<{ live: string; changed: string }>(
      'SELECT n_live_tup AS live, n_mod_since_analyze AS changed FROM pg_stat_user_tables WHERE relid = $1::regclass',
      [table],
    );
    const stats = rows[0];
    // Autovacuum's own rule with its default settings: 50 rows plus a tenth of the table.
    if (!stats || Number(stats.changed) < 50 + 0.1 * Number(stats.live)) return;
    await this.pool.query(`ANALYZE ${table}`);
  }

  /**
   * Appends are group-committed: an append with none ahead of it goes at once, alone; changes that
   * arrive while appends run wait together and go in the next call as one transaction (one commit,
   * one WAL flush), in the order they came, up to MAX_JOINED_CHANGES. A call moves at most one
   * recorder cursor, so a second cursor starts a new group. Returns the group's result rows and
   * where this caller's changes start in it.
   */
  private joinAppend(payload: unknown[], cursor: { queue: string; position: string } | null, wantRows: boolean): Promise<{ rows: AppendRow[]; offset: number }> {
    let group = this.openAppend;
    if (!group || (cursor && group.cursor) || group.changes.length + payload.length > MAX_JOINED_CHANGES) {
      const fresh: AppendGroup = { changes: [], cursor: null, wantRows: false, done: null! };
      const send = () => {
        if (this.openAppend === fresh) this.openAppend = null;
        return this.pool.query<AppendRow>(`SELECT idx, event_id, row_json FROM ${this.t('sq_record_batch')}($1, $2, $3, $4, $5)`, [
          JSON.stringify(fresh.changes),
          fresh.cursor?.queue ?? null,
          fresh.cursor?.position ?? null,
          fresh.wantRows,
          this.channel(),
        ]);
      };
      const idle = this.appendsPending === 0;
      this.appendsPending += 1;
      fresh.done = this.appendTail.then(send, send).then((r) => r.rows);
      this.appendTail = fresh.done.catch(() => undefined).finally(() => (this.appendsPending -= 1));
      // Nothing to wait for: this one is not held back for others to join (nor do they share its failure).
      this.openAppend = idle ? null : fresh;
      group = fresh;
    }
    const offset = group.changes.length;
    group.changes.push(...payload);
    if (cursor) group.cursor = cursor;
    if (wantRows) group.wantRows = true;
    return group.done.then((rows) => ({ rows, offset }));
  }

  async recordedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.pool.query<{ key: string }>(`SELECT key FROM ${this.t('event_dedup')} WHERE key = ANY($1)`, [keys]);
    return new Set(rows.map((r) => r.key));
  }

  /** BullMQ's own rows of some jobs of one queue, in one query (the recorder's batch fetch). */
  async readBullJobs(bullmqSchema: string, queue: string, ids: string[]): Promise<Map<string, RawBullJob>> {
    const out = new Map<string, RawBullJob>();
    if (ids.length === 0) return out;
    const { rows } = await this.pool.query<BullJobRecord>(
      `SELECT id, name, state, data, opts, priority, delay_ms, added_at_ms, processed_at_ms, finished_at_ms, attempts_made,
         stalled_count, progress, failed_reason, parent_key, processed_by
       FROM "${bullmqSchema}".job WHERE queue = $1 AND id = ANY($2)`,
      [queue, ids],
    );
    for (const r of rows) out.set(r.id, rawBullJob(r));
    return out;
  }

  async readBullOutcomes(bullmqSchema: string, queue: string, ids: string[]): Promise<Map<string, BullOutcome>> {
    const out = new Map<string, BullOutcome>();
    if (ids.length === 0) return out;
    const { rows } = await this.pool.query<{ id: string; stacktrace: unknown; return_value: unknown }>(
      `SELECT id, stacktrace, return_value FROM "${bullmqSchema}".job WHERE queue = $1 AND id = ANY($2)`,
      [queue, ids],
    );
    for (const r of rows) {
      const stack = Array.isArray(r.stacktrace) ? r.stacktrace.filter((x): x is string => typeof x === 'string') : null;
      out.set(r.id, { stacktrace: stack, returnvalue: r.return_value ?? null });
    }
    return out;
  }

  async delayWaitingBullJob(bullmqSchema: string, queue: string, id: string, runAtMs: number, delayMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(pgDelayWaitingSql(bullmqSchema), [queue, id, Math.round(runAtMs), Math.round(delayMs)]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Deletes at most `bound.chunk` of the oldest rows of one queue's BullMQ event table, keeping the
   * newest `bound.keep` and everything after `bound.upTo`. Under BullMQ's own per-queue trim lock,
   * so it never competes with BullMQ's trim (it skips the step when BullMQ is trimming).
   */
  async trimBullEvents(bullmqSchema: string, queue: string, bound: StreamTrimBound): Promise<number> {
    const event = `"${bullmqSchema}".event`;
    const { rowCount } = await this.pool.query(
      `WITH cut AS (
         SELECT LEAST(max(id) - $2::bigint, COALESCE($3::bigint, max(id))) AS id FROM ${event} WHERE queue = $1
       ), doomed AS (
         SELECT e.id FROM ${event} e, cut WHERE e.queue = $1 AND e.id <= cut.id ORDER BY e.id LIMIT $4
       )
       DELETE FROM ${event} d USING doomed
        WHERE d.queue = $1 AND d.id = doomed.id AND pg_try_advisory_xact_lock(hashtext('bullmq:evtrim:' || $1))`,
      [queue, bound.keep, bound.upTo, bound.chunk],
    );
    return rowCount ?? 0;
  }

  async recheckBullEvents(bullmqSchema: string, ...[queue, after, upTo, seen]: Parameters<BullEventRecheck>): ReturnType<BullEventRecheck> {
    // One statement, so the snapshot returned is the one the rows were read in.
    const { rows } = await this.pool.query<{ id: string | null; event: string | null; data: Record<string, unknown> | null; xmin: string; xmax: string }>(
      `SELECT e.id, e.event, e.data, pg_snapshot_xmin(s.snap)::text AS xmin, pg_snapshot_xmax(s.snap)::text AS xmax
         FROM (SELECT pg_current_snapshot() AS snap) s
         LEFT JOIN "${bullmqSchema}".event e ON e.queue = $1 AND e.id > $2::bigint AND e.id <= $3::bigint AND e.id <> ALL($4::bigint[])
        ORDER BY e.id`,
      [queue, after, upTo, seen],
    );
    const entries = rows
      .filter((r) => r.id !== null)
      .map((r): [string, string[]] => [String(r.id), ['event', r.event!, ...Object.entries(r.data ?? {}).flatMap(([k, v]) => [k, typeof v === 'string' ? v : String(v)])]]);
    return { entries, xmin: BigInt(rows[0]!.xmin), xmax: BigInt(rows[0]!.xmax) };
  }

  async hasRecorded(dedupKey: string): Promise<boolean> {
    return (await this.recordedKeys([dedupKey])).has(dedupKey);
  }

  async recorderCursor(queue: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.t('recorder_cursor')} WHERE queue = $1`, [queue]);
    return rows[0]?.position ?? null;
  }

  async readEvents(afterId: string, limit: number): Promise<EventRead> {
    const [{ rows }, bounds] = await Promise.all([
      this.pool.query<{ id: string; body: ClusterEvent }>(`SELECT id, body FROM ${this.t('event_log')} WHERE id > $1 ORDER BY id LIMIT $2`, [clampStoredId(afterId), limit]),
      this.bounds(),
    ]);
    return { events: rows.map((r) => ({ id: r.id, event: r.body })), ...bounds };
  }

  private async bounds(): Promise<{ oldestId: string; lastId: string }> {
    const { rows } = await this.pool.query<{ oldest: string | null; last: string }>(
      `SELECT (SELECT min(id) FROM ${this.t('event_log')}) AS oldest, (SELECT value FROM ${this.t('counters')} WHERE name = 'event') AS last`,
    );
    return { oldestId: rows[0]!.oldest ?? '0', lastId: rows[0]!.last };
  }

  async lastEventId(): Promise<string> {
    return (await this.bounds()).lastId;
  }

  async trimEvents(keep: { maxEvents: number; maxAgeMs: number }): Promise<number> {
    const { lastId } = await this.bounds();
    const minKeep = Math.max(0, Number(lastId) - keep.maxEvents);
    const cutoff = Date.now() - keep.maxAgeMs;
    // Batches keep each statement short on big logs: look at the oldest 1,000 events (a walk of the
    // primary key), and delete the leading ones that are beyond the count or too old by an id range.
    // (A WHERE on the age had the planner scan the whole log: 385 ms at 300k events.)
    let total = 0;
    for (;;) {
      const { rows: oldest } = await this.pool.query<{ id: string; at_ms: string }>(
        `SELECT id, at_ms FROM ${this.t('event_log')} ORDER BY id LIMIT 1000`,
      );
      let doomed = 0;
      while (doomed < oldest.length && (Number(oldest[doomed]!.id) <= minKeep || Number(oldest[doomed]!.at_ms) < cutoff)) doomed++;
      if (doomed === 0) break;
      const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('event_log')} WHERE id <= $1`, [oldest[doomed - 1]!.id]);
      total += rowCount ?? 0;
      if (doomed < oldest.length) break;
    }
    const { rows } = await this.pool.query<{ oldest: string | null }>(`SELECT min(id) AS oldest FROM ${this.t('event_log')}`);
    const oldest = rows[0]!.oldest ?? lastId;
    // In batches too (a long cancel leaves tens of thousands of dedup keys), each an index range
    // on event_id: the 1,000th oldest key's event bounds the step. (Deleting by a list of keys had
    // the planner scan the whole table: 247 ms at 300k keys.)
    for (;;) {
      const { rows: edge } = await this.pool.query<{ event_id: string }>(
        `SELECT event_id FROM ${this.t('event_dedup')} WHERE event_id < $1 ORDER BY event_id OFFSET 999 LIMIT 1`,
        [oldest],
      );
      if (edge.length === 0) {
        await this.pool.query(`DELETE FROM ${this.t('event_dedup')} WHERE event_id < $1`, [oldest]); // fewer than 1,000 left
        break;
      }
      await this.pool.query(`DELETE FROM ${this.t('event_dedup')} WHERE event_id <= $1`, [edge[0]!.event_id]);
    }
    return total;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    void this.ensureListener();
    return () => this.listeners.delete(listener);
  }

  private ensureListener(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.listenerStarting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('error', () => {
        // The connection dropped: forget it, and re-listen on the next subscribe or after a pause.
        this.listener = null;
        this.listenerStarting = null;
        if (!this.closed && this.listeners.size > 0) setTimeout(() => void this.ensureListener(), 1000).unref();
      });
      client.on('notification', () => {
        for (const l of this.listeners) l();
      });
      await client.connect();
      await client.query(`LISTEN ${this.channel()}`);
      this.listener = client;
      // Events appended before LISTEN took effect (or while the connection was down) sent no
      // notification we could hear: wake everyone once, they read what is new.
      for (const l of this.listeners) l();
    })().catch(() => {
      this.listenerStarting = null;
    });
    return this.listenerStarting;
  }

  async getRow(id: string): Promise<JobRow | null> {
    const { rows } = await this.pool.query<IndexRecord>(`SELECT * FROM ${this.t('job_index')} WHERE id = $1 AND NOT removed`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async getRows(ids: string[]): Promise<Map<string, JobRow>> {
    const { rows } = await this.pool.query<IndexRecord>(`SELECT * FROM ${this.t('job_index')} WHERE id = ANY($1) AND NOT removed`, [ids]);
    return new Map(rows.map((r) => [r.id, toRow(r)]));
  }

  async setCancelIntents(ids: string[], intent: { reason: string; at: string } | null): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(`UPDATE ${this.t('job_index')} SET cancel_intent = $2 WHERE id = ANY($1::text[])`, [ids, intent]);
  }

  async listRows(query: RowQuery): Promise<RowPage> {
    const params: unknown[] = [];
    const filter: RowFilter = { ...query.filter };
    if (query.sort === 'position') filter.bases = (filter.bases ?? ['pending']).filter((b) => b === 'pending');
    let where = filterSql(filter, query.stuckBefore, params);
    const col = SORT_COLUMN[query.sort];
    if (query.sort === 'finished') where += ' AND finished_at IS NOT NULL';
    const dir = query.desc ? 'DESC' : 'ASC';
    if (query.after) {
      params.push(query.after.k, query.after.id);
      where += ` AND (${col}, id) ${query.desc ? '<' : '>'} ($${params.length - 1}, $${params.length})`;
    }
    params.push(query.limit + 1);
    const { rows } = await this.pool.query<IndexRecord>(
      `SELECT * FROM ${this.t('job_index')} WHERE ${where} ORDER BY ${col} ${dir}, id ${dir} LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit).map(toRow);
    const last = page.at(-1);
    return { rows: page, next: rows.length > query.limit && last ? { k: sortScore(query.sort, last), id: last.id } : null };
  }

  async positions(rows: JobRow[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    // Each ready row's place is the pending jobs of its type before it in the position order, which
    // puts jobs out of line after every job in line (sortScore), so only ready jobs are counted: the
    // rows in run order per type, the jobs in each gap between neighbours counted and summed. Rows
    // of one type and priority usually follow each other with nothing between (a batch submit, a
    // page of a list in line): such a run is counted as the gap before it and the jobs among it
    // that are not its rows, and its own gaps only when that is not none. Every count is a scalar
    // count with its own bounds, so each is planned as the index range it is even on tables whose
    // statistics lag behind a burst of submits (a join of the rows with the index was planned as a
    // scan per row there).
    const runs: { type: string; rows: { row: JobRow; score: number }[]; after: number }[] = [];
    for (const [type, list] of rowsByType(rows.filter((r) => r.base === 'pending' && r.ready))) {
      const scored = list.map((row) => ({ row, score: sortScore('position', row) })).sort((a, b) => a.score - b.score);
      let prev = -1;
      for (const item of scored) {
        const run = runs.at(-1);
        if (run && run.type === type && Math.floor(run.rows[0]!.score / SCORE_BAND) === Math.floor(item.score / SCORE_BAND)) run.rows.push(item);
        else runs.push({ type, rows: [item], after: prev });
        prev = item.score;
      }
    }
    if (runs.length === 0) return out;
    const pending = `${this.t('job_index')} WHERE NOT removed AND base = 'pending'`;
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const counts: string[] = [];
    for (const run of runs) {
      const first = run.rows[0]!.score;
      const last = run.rows.at(-1)!.score;
      const type = p(run.type);
      counts.push(`(SELECT count(*) FROM ${pending} AND type = ${type} AND s_position > ${p(run.after)} AND s_position < ${p(first)})`);
      counts.push(
        run.rows.length < 3
          ? '0'
          : `(SELECT count(*) FROM ${pending} AND type = ${type} AND s_position > ${p(first)} AND s_position < ${p(last)} AND id <> ALL(${p(run.rows.map((r) => r.row.id))}))`,
      );
    }
    const { rows: answer } = await this.pool.query<{ gaps: string[] }>(`SELECT ARRAY[${counts.join(', ')}]::text[] AS gaps`, params);
    const found = answer[0]!.gaps.map(Number);
    // Runs with other jobs among their rows: each gap of theirs counted, in one more statement.
    const broken = runs.filter((_, i) => found[2 * i + 1]! > 0);
    const inner = new Map<JobRow, number>();
    if (broken.length > 0) {
      params.length = 0;
      const gaps: string[] = [];
      const rowsOf: JobRow[] = [];
      for (const run of broken) {
        const type = p(run.type);
        for (let k = 1; k < run.rows.length; k++) {
          gaps.push(`(SELECT count(*) FROM ${pending} AND type = ${type} AND s_position > ${p(run.rows[k - 1]!.score)} AND s_position < ${p(run.rows[k]!.score)})`);
          rowsOf.push(run.rows[k]!.row);
        }
      }
      const { rows: more } = await this.pool.query<{ gaps: string[] }>(`SELECT ARRAY[${gaps.join(', ')}]::text[] AS gaps`, params);
      more[0]!.gaps.forEach((n, i) => inner.set(rowsOf[i]!, Number(n)));
    }
    let type = '';
    let place = 0;
    runs.forEach((run, i) => {
      if (run.type !== type) {
        type = run.type;
        place = 0;
      }
      run.rows.forEach(({ row }, k) => {
        place += (k === 0 ? found[2 * i]! : (inner.get(row) ?? 0)) + 1;
        out.set(row.id, place);
      });
    });
    return out;
  }

  async counts(stuckBefore: number): Promise<CountsByType[]> {
    const { rows } = await this.pool.query<{ type: JobType; state: string; n: string }>(
      `SELECT type, CASE WHEN base <> 'active' THEN base WHEN paused THEN 'paused'
         WHEN COALESCE(progress_at, started_at, created_at) < $1 THEN 'stuck' ELSE 'running' END AS state, count(*) AS n
       FROM ${this.t('job_index')} WHERE NOT removed GROUP BY 1, 2`,
      [stuckBefore],
    );
    const map = new Map<JobType, CountsByType>();
    for (const r of rows) {
      const c = map.get(r.type) ?? { type: r.type, pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 };
      c[r.state as Exclude<keyof CountsByType, 'type'>] = Number(r.n);
      map.set(r.type, c);
    }
    return [...map.values()];
  }

  async lineCounts(type: JobType): Promise<LineCounts> {
    // A priority's jobs in line are one range of the position order (sortScore): counted on its index.
    const inLine = PRIORITIES.map(
      (_, rank) => `(SELECT count(*) FROM ${this.t('job_index')} WHERE NOT removed AND base = 'pending' AND type = $1 AND s_position >= ${rank * SCORE_BAND} AND s_position < ${(rank + 1) * SCORE_BAND})`,
    );
    const active = `(SELECT count(*) FROM ${this.t('job_index')} WHERE NOT removed AND type = $1 AND base = 'active')`;
    const { rows } = await this.pool.query<{ n: string[] }>(`SELECT ARRAY[${[...inLine, active].join(', ')}]::text[] AS n`, [type]);
    const n = rows[0]!.n.map(Number);
    return { ready: Object.fromEntries(PRIORITIES.map((p, i) => [p, n[i]!])) as LineCounts['ready'], active: n[PRIORITIES.length]! };
  }

  async finishedSince(since: number, maxRows: number): Promise<FinishedSample[]> {
    const { rows } = await this.pool.query<{ type: JobType; base: FinishedSample['base']; created_at: string; started_at: string | null; finished_at: string; run_at: string | null; predicted_wait: string | null }>(
      `SELECT type, base, created_at, started_at, finished_at, record->>'runAt' AS run_at, record->>'predictedWaitMs' AS predicted_wait FROM ${this.t('job_index')}
       WHERE NOT removed AND finished_at IS NOT NULL AND finished_at >= $1 ORDER BY finished_at DESC LIMIT $2`,
      [since, maxRows],
    );
    return rows.map((r) => ({
      type: r.type,
      base: r.base,
      createdAt: Number(r.created_at),
      startedAt: num(r.started_at),
      finishedAt: Number(r.finished_at),
      runAt: r.run_at ? Date.parse(r.run_at) : null,
      predictedWaitMs: r.predicted_wait === null ? null : Number(r.predicted_wait),
    }));
  }

  async history(afterSeq: number, limit: number): Promise<HistoryRead> {
    const { rows } = await this.pool.query<IndexRecord>(
      `SELECT * FROM ${this.t('job_index')} WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`,
      [clampStoredId(afterSeq), limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      rows: page.filter((r) => !r.removed).map(toRow),
      removed: page.filter((r) => r.removed).map((r) => ({ id: r.id, type: r.type as JobType })),
      // One statement, one snapshot: its last row is where the page reached.
      reached: page.length > 0 ? Number(page.at(-1)!.change_seq) : afterSeq,
      hasMore: rows.length > limit,
    };
  }

  /** In steps of 500 rows found by the tombstone index (one DELETE of a whole day's removals took 83 ms). */
  async trimTombstones(beforeSeq: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM ${this.t('job_index')} WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM ${this.t('job_index')} WHERE removed AND change_seq < $1 ORDER BY change_seq LIMIT 500))`,
        [beforeSeq],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < 500) return total;
    }
  }

  async unfinished(afterCreatedSeq: number, limit: number): Promise<JobRow[]> {
    // One index range per state (base, created_seq): a plain IN would walk finished jobs too.
    const { rows } = await this.pool.query<IndexRecord>(
      `SELECT * FROM (
         (SELECT * FROM ${this.t('job_index')} WHERE NOT removed AND base = 'pending' AND created_seq > $1 ORDER BY created_seq LIMIT $2)
         UNION ALL
         (SELECT * FROM ${this.t('job_index')} WHERE NOT removed AND base = 'active' AND created_seq > $1 ORDER BY created_seq LIMIT $2)
       ) u ORDER BY created_seq LIMIT $2`,
      [afterCreatedSeq, limit],
    );
    return rows.map(toRow);
  }

  /**
   * Audit records are group-committed as appends are: one with no insert under way goes at once;
   * records that arrive while an insert runs (concurrent API calls) go together in the next one,
   * one statement and one commit, in the order they came.
   */
  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const id = await new Promise<string>((resolve, reject) => {
      this.auditWaiting.push({ record, resolve, reject });
      if (!this.auditRunning) void this.insertAudits();
    });
    return { ...record, id };
  }

  private async insertAudits(): Promise<void> {
    this.auditRunning = true;
    try {
      while (this.auditWaiting.length > 0) {
        const group = this.auditWaiting.splice(0, MAX_JOINED_AUDITS);
        try {
          // Ids come from the sequence in the order the rows are inserted, which is the input order.
          const { rows } = await this.pool.query<{ id: string }>(
            `INSERT INTO ${this.t('audit')} (body) SELECT body FROM unnest($1::jsonb[]) WITH ORDINALITY AS r(body, n) ORDER BY n RETURNING id`,
            [group.map((g) => JSON.stringify(g.record))],
          );
          const ids = rows.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          group.forEach((g, i) => g.resolve(String(ids[i])));
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      this.auditRunning = false;
    }
  }

  async listAudit(beforeId: string | undefined, limit: number): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<{ id: string; body: Omit<AuditRecord, 'id'> }>(
      `SELECT id, body FROM ${this.t('audit')} WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [beforeId === undefined ? null : clampStoredId(beforeId), limit],
    );
    return rows.map((r) => ({ ...r.body, id: r.id }));
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const { rows } = await this.pool.query<{ value: T }>(`SELECT value FROM ${this.t('settings')} WHERE key = $1`, [key]);
    return rows[0]?.value ?? null;
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.t('settings')} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [key, JSON.stringify(value)],
    );
  }

  async deleteSetting(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('settings')} WHERE key = $1`, [key]);
    return (rowCount ?? 0) > 0;
  }

  async listSettings<T>(prefix: string): Promise<{ key: string; value: T }[]> {
    const { rows } = await this.pool.query<{ key: string; value: T }>(
      `SELECT key, value FROM ${this.t('settings')} WHERE starts_with(key, $1) ORDER BY key`,
      [prefix],
    );
    return rows;
  }

  async appendSamples(samples: ResourceSample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.t('resource_sample')} (node_id, at_ms, body) SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])`,
      [samples.map((s) => s.nodeId), samples.map((s) => Date.parse(s.at)), samples.map((s) => JSON.stringify(s))],
    );
  }

  async readSamples(since: number, nodeId: string | undefined, limit: number): Promise<ResourceSample[]> {
    const { rows } = await this.pool.query<{ body: ResourceSample }>(
      `SELECT body FROM ${this.t('resource_sample')} WHERE at_ms >= $1 AND ($2::text IS NULL OR node_id = $2) ORDER BY at_ms, id LIMIT $3`,
      [since, nodeId ?? null, limit],
    );
    return rows.map((r) => r.body);
  }

  async trimSamples(before: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.t('resource_sample')} WHERE at_ms < $1`, [before]);
    return rowCount ?? 0;
  }

  claimIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry> {
    return claimPgKey(this.pool, this.t('idempotency_key'), key, entry, ttlMs);
  }

  putIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void> {
    return putPgKey(this.pool, this.t('idempotency_key'), key, entry, ttlMs);
  }

  trimIdempotencyKeys(): Promise<number> {
    return trimPgKeys(this.pool, this.t('idempotency_key'));
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.pool.query('SELECT 1');
    return performance.now() - started;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.listenerStarting?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.pool.end();
  }
}

/** The JSON that sq_record_batch takes for one change, or null when there is nothing to record. */
function changeJson(change: RecordChange): Record<string, unknown> | null {
  let mode: 'job' | 'removed' | 'other';
  let event: Record<string, unknown>;
  let row: Record<string, unknown> | null = null;
  if (change.job) {
    mode = 'job';
    event = { at: change.at, kind: 'job', change: change.job.change };
    row = { ...change.job.row, rank: PRIORITIES.indexOf(change.job.row.priority) };
  } else if (change.removed) {
    mode = 'removed';
    event = { at: change.at, kind: 'job-removed', jobId: change.removed.id, type: change.removed.type };
  } else if (change.other) {
    mode = 'other';
    event = { ...change.other };
  } else {
    return null;
  }
  return {
    keys: [change.dedupKey, ...(change.alsoKeys ?? [])],
    src: change.src,
    mode,
    at: Date.parse(change.at),
    event,
    row,
    removedId: change.removed?.id ?? null,
    clearCancel: change.clearCancelIntent === true,
  };
}

interface BullJobRecord {
  id: string;
  name: string;
  state: string;
  data: unknown;
  opts: Record<string, unknown> | null;
  priority: number;
  delay_ms: string | null;
  added_at_ms: string;
  processed_at_ms: string | null;
  finished_at_ms: string | null;
  attempts_made: number | null;
  stalled_count: number | null;
  progress: unknown;
  failed_reason: string | null;
  parent_key: string | null;
  processed_by: string | null;
}

/** A BullMQ job row as the fields BullMQ's Job exposes (the PostgreSQL backend's own mapping). */
function rawBullJob(r: BullJobRecord): RawBullJob {
  const opts = (r.opts ?? {}) as RawBullJob['job']['opts'];
  return {
    // BullMQ reports a waiting job with a priority as prioritized.
    state: r.state === 'waiting' && r.priority > 0 ? 'prioritized' : r.state,
    job: {
      id: r.id,
      name: r.name,
      data: r.data ?? {},
      opts,
      timestamp: Number(r.added_at_ms),
      delay: r.delay_ms === null ? undefined : Number(r.delay_ms),
      processedOn: num(r.processed_at_ms),
      finishedOn: num(r.finished_at_ms),
      attemptsMade: r.attempts_made ?? 0,
      stalledCounter: r.stalled_count ?? 0,
      progress: r.progress ?? 0,
      failedReason: r.failed_reason,
      parentKey: r.parent_key,
      processedBy: r.processed_by,
    },
  };
}

export type { Queryable };
