/**
 * SharedStore on Redis, under `<prefix>:sq:` next to BullMQ's `<prefix>:<queue>:…` keys.
 *
 * - event log: a stream whose entry ids are our event ids (`N-0`), appended by a Lua script that
 *   also does the dedup check, the INCR and the job-index update (redis-scripts.ts);
 * - job index: hashes (row JSON, record JSON, store meta) and sorted sets per sort order
 *   (`z:created`, `z:tb:<type>:<base>`, `z:pending[:<type>]`, `z:finished`, `z:priority`, `z:change`);
 *   lists walk those sets in small batches, so no single call is slow on 100k jobs;
 * - wake-ups: pub/sub on `<prefix>:sq:events`.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { AuditRecord } from '../../contract/api.ts';
import { JOB_TYPES, PRIORITIES } from '../../contract/domain.ts';
import type { ResourceSample } from '../../contract/metrics.ts';
import { ADVANCE_CURSOR, APPEND_AUDIT, RECORD_CHANGE } from './redis-scripts.ts';
import { claimRedisKey, putRedisKey } from './idempotency-keys.ts';
import {
  BASE_STATES,
  type BaseState,
  type CountsByType,
  type EventRead,
  type FinishedSample,
  type HistoryRead,
  type IdempotencyEntry,
  type JobRow,
  type JobRowInput,
  type RecordChange,
  type RecordResult,
  type RowFilter,
  type RowPage,
  type RowQuery,
  clampStoredId,
  SCORE_BAND,
  type SharedStore,
  type SortKey,
  sortScore,
} from './shared-store.ts';

interface ScriptedRedis extends Redis {
  sqRecordChange(...args: (string | number)[]): Promise<[string, string, string, string]>;
  sqAppendAudit(...args: (string | number)[]): Promise<string>;
}

const BATCH = 200;
/** Entries dropped per command when the event log and its dedup keys are trimmed. */
const TRIM_STEP = 1000;

/** Opens the store on its own connection (plus one for pub/sub when someone subscribes). */
export async function openRedisStore(options: { connection: RedisOptions; prefix: string }): Promise<SharedStore> {
  const redis = new Redis({ ...options.connection, lazyConnect: true }) as ScriptedRedis;
  redis.on('error', () => undefined); // reconnects on its own; calls fail while down
  redis.defineCommand('sqRecordChange', { numberOfKeys: 9, lua: RECORD_CHANGE });
  redis.defineCommand('sqAppendAudit', { numberOfKeys: 2, lua: APPEND_AUDIT });
  redis.defineCommand('sqAdvanceCursor', { numberOfKeys: 1, lua: ADVANCE_CURSOR });
  await redis.connect();
  const p = `${options.prefix}:sq:`;
  if ((await redis.get(`${p}ixv`)) !== INDEX_VERSION) {
    await backfillUserSets(redis, p);
    await redis.set(`${p}ixv`, INDEX_VERSION);
  }
  return new RedisStore(redis, options.connection, p);
}

/** Version of the index layout; 2 added the per-user sets `z:u:<user>`. */
const INDEX_VERSION = '2';

/** Builds the per-user sets of an index written before they existed, in small batches. */
async function backfillUserSets(redis: Redis, p: string): Promise<void> {
  let from = '-inf';
  for (;;) {
    const batch = await redis.zrangebyscore(`${p}z:created`, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 500);
    if (batch.length === 0) return;
    const ids = batch.filter((_, i) => i % 2 === 0);
    const rows = await redis.hmget(`${p}rows`, ...ids);
    const pipe = redis.pipeline();
    ids.forEach((id, i) => {
      const user = rows[i] ? (JSON.parse(rows[i]!) as { user?: string }).user : undefined;
      if (user) pipe.zadd(`${p}z:u:${user}`, batch[i * 2 + 1]!, id);
    });
    await pipe.exec();
    if (ids.length < 500) return;
    from = `(${batch.at(-1)}`;
  }
}

/** True when a row passes a filter (Redis filters rows in the process, batch by batch). */
export function rowMatches(row: JobRow, filter: RowFilter, stuckBefore: number): boolean {
  if (filter.types && !filter.types.includes(row.type)) return false;
  if (filter.users && !filter.users.includes(row.user)) return false;
  if (filter.priorities && !filter.priorities.includes(row.priority)) return false;
  if (filter.bases) {
    if (!filter.bases.includes(row.base)) return false;
    if (row.base === 'active' && filter.activeKinds && !filter.activeKinds.includes(activeKind(row, stuckBefore))) return false;
  }
  if (filter.q && !row.search.includes(filter.q)) return false;
  if (filter.createdAfter !== undefined && !(row.createdAt > filter.createdAfter)) return false;
  if (filter.createdBefore !== undefined && !(row.createdAt < filter.createdBefore)) return false;
  if (filter.finishedBefore !== undefined && !(row.finishedAt !== null && row.finishedAt < filter.finishedBefore)) return false;
  return true;
}

/** running / paused / stuck for an active row. */
export function activeKind(row: Pick<JobRow, 'paused' | 'progressAt' | 'startedAt' | 'createdAt'>, stuckBefore: number): 'running' | 'paused' | 'stuck' {
  if (row.paused) return 'paused';
  return (row.progressAt ?? row.startedAt ?? row.createdAt) < stuckBefore ? 'stuck' : 'running';
}

class RedisStore implements SharedStore {
  readonly kind = 'redis' as const;
  private subscriber: Redis | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly connection: RedisOptions,
    private readonly p: string,
  ) {}

  private k(name: string): string {
    return this.p + name;
  }

  /** The script arguments of one change, or null when there is nothing to record. */
  private changeArgs(change: RecordChange): (string | number)[] | null {
    let mode: 'job' | 'removed' | 'other' = 'other';
    let id = '';
    let type = '';
    let rowJson = '';
    let recordJson = '';
    let head: Record<string, unknown>;
    let base = '';
    let rank = 0;
    let finished = '';
    let priority = '';
    let user = '';
    if (change.job) {
      const { record, ...rest } = change.job.row;
      mode = 'job';
      id = rest.id;
      type = rest.type;
      rowJson = JSON.stringify(rest);
      recordJson = JSON.stringify(record);
      head = { at: change.at, kind: 'job', change: change.job.change };
      base = rest.base;
      rank = PRIORITIES.indexOf(rest.priority);
      priority = rest.priority;
      user = rest.user;
      finished = rest.finishedAt === null ? '' : String(rest.finishedAt);
    } else if (change.removed) {
      mode = 'removed';
      id = change.removed.id;
      type = change.removed.type;
      rowJson = JSON.stringify({ id, type });
      head = { at: change.at, kind: 'job-removed', jobId: id, type };
    } else if (change.other) {
      head = { ...change.other } as Record<string, unknown>;
    } else {
      return null;
    }
    const headJson = JSON.stringify(head).slice(1, -1);
    const also = change.alsoKeys ?? [];
    if (also.length > 1) throw new Error('redis store: at most one extra dedup key per change');
    return [
      this.k('ev:counter'), this.k('job:counter'), this.k('ev:log'), this.k('ev:dedup'), this.k('cursors'),
      this.k('rows'), this.k('rec'), this.k('meta'), this.k('z:change'),
      change.dedupKey, change.src, change.cursor?.queue ?? '', change.cursor?.position ?? '', mode, id, type, rowJson,
      recordJson, headJson, base, rank, finished, this.p, this.k('events'), Date.parse(change.at), SCORE_BAND, priority,
      also[0] ?? '', change.clearCancelIntent ? '1' : '', user,
    ];
  }

  async recordChange(change: RecordChange): Promise<RecordResult> {
    const [result] = await this.recordChanges([change], { returnRows: true });
    return result!;
  }

  async recordChanges(changes: RecordChange[], options: { cursor?: { queue: string; position: string }; returnRows?: boolean } = {}): Promise<RecordResult[]> {
    // One pipeline: every script runs atomically and in order, so ids stay gapless and ordered.
    const pipe = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
      sqRecordChange(...args: (string | number)[]): unknown;
      sqAdvanceCursor(...args: (string | number)[]): unknown;
    };
    const slots: number[] = [];
    changes.forEach((change, i) => {
      const args = this.changeArgs(change);
      if (!args) return;
      pipe.sqRecordChange(...args);
      slots.push(i);
    });
    if (options.cursor) pipe.sqAdvanceCursor(this.k('cursors'), options.cursor.queue, options.cursor.position);
    const results: RecordResult[] = changes.map(() => ({ eventId: null, row: null }));
    if (slots.length === 0 && !options.cursor) return results;
    const replies = (await pipe.exec())!;
    for (let n = 0; n < slots.length; n++) {
      const [error, reply] = replies[n]!;
      if (error) throw error;
      const [eventId, createdSeq, queueSeq, published] = reply as [string, string, string, string];
      if (eventId === '') continue;
      const change = changes[slots[n]!]!;
      results[slots[n]!] = { eventId, row: null };
      if (!change.job || !options.returnRows) continue;
      const id = change.job.row.id;
      const cancel = await this.redis.hget(this.k('cancel'), id);
      const row: JobRow = {
        ...change.job.row,
        record: JSON.parse(published) as JobRow['record'],
        createdSeq: Number(createdSeq),
        queueSeq: Number(queueSeq),
        changeSeq: Number(eventId),
        src: change.src,
        cancelIntent: cancel ? (JSON.parse(cancel) as JobRow['cancelIntent']) : null,
      };
      results[slots[n]!] = { eventId, row: published === JSON.stringify(change.job.row.record) ? row : ((await this.getRow(id)) ?? row) };
    }
    const last = replies.at(-1);
    if (options.cursor && last?.[0]) throw last[0];
    return results;
  }

  async recordedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.k('ev:dedup'), ...keys);
    return new Set(keys.filter((_, i) => scores[i] !== null));
  }

  async hasRecorded(dedupKey: string): Promise<boolean> {
    return (await this.recordedKeys([dedupKey])).has(dedupKey);
  }

  async recorderCursor(queue: string): Promise<string | null> {
    return this.redis.hget(this.k('cursors'), queue);
  }

  async readEvents(afterId: string, limit: number): Promise<EventRead> {
    const [entries, bounds] = await Promise.all([
      this.redis.xrange(this.k('ev:log'), `(${clampStoredId(afterId)}-0`, '+', 'COUNT', limit),
      this.bounds(),
    ]);
    return {
      events: entries.map(([entryId, fields]) => ({ id: entryId.split('-')[0]!, event: JSON.parse(fields[1]!) })),
      ...bounds,
    };
  }

  private async bounds(): Promise<{ oldestId: string; lastId: string }> {
    const [first, last] = await this.redis
      .multi()
      .xrange(this.k('ev:log'), '-', '+', 'COUNT', 1)
      .get(this.k('ev:counter'))
      .exec()
      .then((r) => r!.map(([, v]) => v) as [[string, string[]][], string | null]);
    return { oldestId: first[0]?.[0].split('-')[0] ?? '0', lastId: last ?? '0' };
  }

  async lastEventId(): Promise<string> {
    return (await this.redis.get(this.k('ev:counter'))) ?? '0';
  }

  async trimEvents(keep: { maxEvents: number; maxAgeMs: number }): Promise<number> {
    const last = Number(await this.lastEventId());
    let minKeep = Math.max(0, last - keep.maxEvents) + 1;
    const cutoff = Date.now() - keep.maxAgeMs;
    // Walk the oldest entries in small batches to find the first one young enough.
    let from = '-';
    for (;;) {
      const batch = await this.redis.xrange(this.k('ev:log'), from, '+', 'COUNT', 500);
      const young = batch.find(([, f]) => Number(f[3]) >= cutoff);
      if (young) {
        minKeep = Math.max(minKeep, Number(young[0].split('-')[0]));
        break;
      }
      if (batch.length < 500) {
        minKeep = Math.max(minKeep, last + 1);
        break;
      }
      from = `(${batch.at(-1)![0]}`;
    }
    // Both in steps of TRIM_STEP entries: one command over a long backlog holds the server.
    let removed = 0;
    for (;;) {
      const oldest = await this.redis.xrange(this.k('ev:log'), '-', '+', 'COUNT', TRIM_STEP);
      const last = oldest.at(-1);
      const step = last ? Math.min(minKeep, Number(last[0].split('-')[0]) + 1) : minKeep;
      const n = await this.redis.xtrim(this.k('ev:log'), 'MINID', `${step}-0`);
      removed += n;
      if (step >= minKeep || n === 0) break;
    }
    const dedup = this.k('ev:dedup');
    for (;;) {
      const edge = await this.redis.zrange(dedup, TRIM_STEP - 1, TRIM_STEP - 1, 'WITHSCORES');
      if (edge.length === 2 && Number(edge[1]) < minKeep) await this.redis.zremrangebyrank(dedup, 0, TRIM_STEP - 1);
      else {
        await this.redis.zremrangebyscore(dedup, '-inf', `(${minKeep}`); // fewer than TRIM_STEP left to drop
        break;
      }
    }
    return removed;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.subscriber) {
      const sub = new Redis({ ...this.connection });
      sub.on('error', () => undefined);
      sub.on('message', () => {
        for (const l of this.listeners) l();
      });
      void sub.subscribe(this.k('events')).catch(() => undefined);
      this.subscriber = sub;
    }
    return () => this.listeners.delete(listener);
  }

  private async loadRows(ids: string[]): Promise<Map<string, JobRow & { removed: boolean }>> {
    const out = new Map<string, JobRow & { removed: boolean }>();
    if (ids.length === 0) return out;
    const pipe = this.redis.pipeline();
    pipe.hmget(this.k('rows'), ...ids);
    pipe.hmget(this.k('rec'), ...ids);
    pipe.hmget(this.k('meta'), ...ids);
    pipe.hmget(this.k('cancel'), ...ids);
    pipe.zmscore(this.k('z:change'), ...ids);
    const results = (await pipe.exec())!.map(([error, value]) => {
      if (error) throw error;
      return value as (string | null)[];
    });
    const [rows, recs, metas, cancels, changes] = results as [(string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
    ids.forEach((id, i) => {
      const rowJson = rows[i];
      const meta = metas[i];
      if (!rowJson || !meta) return;
      const [cs, qs, removed, ...src] = meta.split('|');
      const input = JSON.parse(rowJson) as Omit<JobRowInput, 'record'>;
      out.set(id, {
        ...input,
        record: recs[i] ? JSON.parse(recs[i]!) : null,
        createdSeq: Number(cs),
        queueSeq: Number(qs),
        changeSeq: Number(changes[i] ?? 0),
        src: src.join('|'),
        cancelIntent: cancels[i] ? JSON.parse(cancels[i]!) : null,
        removed: removed === '1',
      });
    });
    return out;
  }

  async getRow(id: string): Promise<JobRow | null> {
    const row = (await this.loadRows([id])).get(id);
    return row && !row.removed ? strip(row) : null;
  }

  async getRows(ids: string[]): Promise<Map<string, JobRow>> {
    const out = new Map<string, JobRow>();
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const [id, row] of await this.loadRows(ids.slice(i, i + BATCH))) if (!row.removed) out.set(id, strip(row));
    }
    return out;
  }

  async setCancelIntents(ids: string[], intent: { reason: string; at: string } | null): Promise<void> {
    if (ids.length === 0) return;
    if (intent) {
      const value = JSON.stringify(intent);
      await this.redis.hset(this.k('cancel'), Object.fromEntries(ids.map((id) => [id, value])));
    } else {
      await this.redis.hdel(this.k('cancel'), ...ids);
    }
  }

  /** The sorted sets that hold every candidate of a query, all scored in the query's sort order. */
  private drivingSets(query: RowQuery): string[] {
    const f = query.filter;
    switch (query.sort) {
      case 'created':
        // A user filter is usually the most selective: walk those users' sets (bulk actions by user).
        if (f.users) return f.users.map((u) => this.k(`z:u:${u}`));
        if (!f.types && !f.bases) return [this.k('z:created')];
        return (f.types ?? JOB_TYPES).flatMap((t) => (f.bases ?? BASE_STATES).map((b) => this.k(`z:tb:${t}:${b}`)));
      case 'position':
        if (f.bases && !f.bases.includes('pending')) return [];
        return f.types ? f.types.map((t) => this.k(`z:pending:${t}`)) : [this.k('z:pending')];
      case 'finished':
        return [this.k('z:finished')];
      case 'priority':
        return [this.k('z:priority')];
    }
  }

  async listRows(query: RowQuery): Promise<RowPage> {
    const sets = this.drivingSets(query);
    const scan = new MergeScan(this.redis, sets, query.desc, query.after);
    const found: JobRow[] = [];
    for (;;) {
      const ids = await scan.next(BATCH);
      if (ids.length === 0) break;
      const rows = await this.loadRows(ids);
      for (const id of ids) {
        const row = rows.get(id);
        if (row && !row.removed && rowMatches(row, query.filter, query.stuckBefore)) found.push(strip(row));
        if (found.length > query.limit) break;
      }
      if (found.length > query.limit) break;
    }
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    return { rows: page, next: found.length > query.limit && last ? { k: sortScore(query.sort, last), id: last.id } : null };
  }

  async positions(rows: JobRow[]): Promise<Map<string, number>> {
    const pending = rows.filter((r) => r.base === 'pending');
    if (pending.length === 0) return new Map();
    const pipe = this.redis.pipeline();
    for (const r of pending) pipe.zrank(this.k(`z:pending:${r.type}`), r.id);
    const ranks = (await pipe.exec())!;
    const out = new Map<string, number>();
    pending.forEach((r, i) => {
      const rank = ranks[i]![1];
      if (typeof rank === 'number') out.set(r.id, rank + 1);
    });
    return out;
  }

  async counts(stuckBefore: number): Promise<CountsByType[]> {
    const pipe = this.redis.pipeline();
    for (const t of JOB_TYPES) for (const b of BASE_STATES) pipe.zcard(this.k(`z:tb:${t}:${b}`));
    const cards = (await pipe.exec())!.map(([, v]) => Number(v));
    const out: CountsByType[] = [];
    let i = 0;
    for (const t of JOB_TYPES) {
      const c: CountsByType = { type: t, pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 };
      for (const b of BASE_STATES) {
        const n = cards[i++]!;
        if (b !== 'active') c[b] = n;
      }
      // Active jobs are bounded by worker slots: read them to split running/paused/stuck.
      let cursorScore = '-inf';
      for (;;) {
        const ids = await this.redis.zrangebyscore(this.k(`z:tb:${t}:active`), cursorScore, '+inf', 'WITHSCORES', 'LIMIT', 0, BATCH);
        if (ids.length === 0) break;
        const members = ids.filter((_, j) => j % 2 === 0);
        const rows = await this.loadRows(members);
        for (const row of rows.values()) if (!row.removed) c[activeKind(row, stuckBefore)] += 1;
        if (members.length < BATCH) break;
        cursorScore = `(${ids.at(-1)}`;
      }
      if (Object.values(c).some((v) => typeof v === 'number' && v > 0)) out.push(c);
    }
    return out;
  }

  async finishedSince(since: number, maxRows: number): Promise<FinishedSample[]> {
    const ids = await this.redis.zrangebyscore(this.k('z:finished'), since, '+inf', 'LIMIT', 0, maxRows);
    const out: FinishedSample[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const row of (await this.loadRows(ids.slice(i, i + BATCH))).values()) {
        if (row.removed || row.finishedAt === null || (row.base !== 'completed' && row.base !== 'failed' && row.base !== 'cancelled')) continue;
        out.push({
          type: row.type,
          base: row.base,
          createdAt: row.createdAt,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          runAt: row.record?.runAt ? Date.parse(row.record.runAt) : null,
        });
      }
    }
    return out;
  }

  async history(afterSeq: number, limit: number): Promise<HistoryRead> {
    const scored = await this.redis.zrangebyscore(this.k('z:change'), `(${afterSeq}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1);
    const ids = scored.filter((_, i) => i % 2 === 0);
    const page = ids.slice(0, limit);
    // Rows are read in a second call: one may have changed since (a newer changeSeq), so the page
    // reaches the position it had in the change order when the page was taken, not the row's.
    const reached = page.length > 0 ? Number(scored[2 * page.length - 1]) : afterSeq;
    const rows = await this.loadRows(page);
    const out: HistoryRead = { rows: [], removed: [], reached, hasMore: ids.length > limit };
    for (const id of page) {
      const row = rows.get(id);
      if (!row) continue;
      if (row.removed) out.removed.push({ id, type: row.type });
      else out.rows.push(strip(row));
    }
    return out;
  }

  async trimTombstones(beforeSeq: number): Promise<number> {
    let total = 0;
    let from = '-inf';
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.k('z:change'), from, `(${beforeSeq}`, 'WITHSCORES', 'LIMIT', 0, BATCH);
      if (ids.length === 0) break;
      const members = ids.filter((_, j) => j % 2 === 0);
      const rows = await this.loadRows(members);
      const dead = members.filter((id) => rows.get(id)?.removed);
      if (dead.length > 0) {
        await this.redis
          .multi()
          .hdel(this.k('rows'), ...dead)
          .hdel(this.k('rec'), ...dead)
          .hdel(this.k('meta'), ...dead)
          .hdel(this.k('cancel'), ...dead)
          .zrem(this.k('z:change'), ...dead)
          .exec();
        total += dead.length;
      }
      if (members.length < BATCH) break;
      from = `(${ids.at(-1)}`;
    }
    return total;
  }

  async unfinished(afterCreatedSeq: number, limit: number): Promise<JobRow[]> {
    const sets = JOB_TYPES.flatMap((t) => (['pending', 'active'] as BaseState[]).map((b) => this.k(`z:tb:${t}:${b}`)));
    const scan = new MergeScan(this.redis, sets, false, { k: afterCreatedSeq, id: '\uffff' });
    const ids = await scan.next(limit);
    const rows = await this.loadRows(ids);
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row && !row.removed ? [strip(row)] : [];
    });
  }

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const id = await this.redis.sqAppendAudit(this.k('audit:counter'), this.k('audit'), JSON.stringify(record));
    return { ...record, id };
  }

  async listAudit(beforeId: string | undefined, limit: number): Promise<AuditRecord[]> {
    const end = beforeId ? `(${clampStoredId(beforeId)}-0` : '+';
    const entries = await this.redis.xrevrange(this.k('audit'), end, '-', 'COUNT', limit);
    return entries.map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as Omit<AuditRecord, 'id'>), id: id.split('-')[0]! }));
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const v = await this.redis.hget(this.k('settings'), key);
    return v === null ? null : (JSON.parse(v) as T);
  }

  async putSetting(key: string, value: unknown): Promise<void> {
    await this.redis.hset(this.k('settings'), key, JSON.stringify(value));
  }

  async deleteSetting(key: string): Promise<boolean> {
    return (await this.redis.hdel(this.k('settings'), key)) > 0;
  }

  async listSettings<T>(prefix: string): Promise<{ key: string; value: T }[]> {
    const all = await this.redis.hgetall(this.k('settings'));
    return Object.entries(all)
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value: JSON.parse(value) as T }));
  }

  async appendSamples(samples: ResourceSample[]): Promise<void> {
    if (samples.length === 0) return;
    const args = samples.flatMap((s) => [Date.parse(s.at), JSON.stringify(s)]);
    await this.redis.zadd(this.k('samples'), ...args);
  }

  async readSamples(since: number, nodeId: string | undefined, limit: number): Promise<ResourceSample[]> {
    const out: ResourceSample[] = [];
    let from = String(since);
    while (out.length < limit) {
      const batch = await this.redis.zrangebyscore(this.k('samples'), from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1000);
      if (batch.length === 0) break;
      for (let i = 0; i < batch.length; i += 2) {
        const s = JSON.parse(batch[i]!) as ResourceSample;
        if (!nodeId || s.nodeId === nodeId) out.push(s);
      }
      if (batch.length < 2000) break;
      from = `(${batch.at(-1)}`;
    }
    return out.slice(0, limit);
  }

  async trimSamples(before: number): Promise<number> {
    return this.redis.zremrangebyscore(this.k('samples'), '-inf', `(${before}`);
  }

  claimIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<IdempotencyEntry> {
    return claimRedisKey(this.redis, this.k(`idem:${key}`), entry, ttlMs);
  }

  putIdempotencyKey(key: string, entry: IdempotencyEntry, ttlMs: number): Promise<void> {
    return putRedisKey(this.redis, this.k(`idem:${key}`), entry, ttlMs);
  }

  async trimIdempotencyKeys(): Promise<number> {
    return 0; // Redis expires them itself
  }

  async ping(): Promise<number> {
    // While reconnecting a PING would wait in the offline queue: say at once that it is down.
    if (this.redis.status !== 'ready') throw new Error(`connection ${this.redis.status}`);
    const started = performance.now();
    await this.redis.ping();
    return performance.now() - started;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = null;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function strip(row: JobRow & { removed?: boolean }): JobRow {
  const { removed: _removed, ...rest } = row;
  return rest;
}

/**
 * Walks several sorted sets as one, in score order then member order, from a keyset position.
 * Each refill reads at most `batch` members of one set, so every Redis call stays small.
 */
class MergeScan {
  private readonly buffers: { key: string; items: { score: number; id: string }[]; done: boolean; last: SortKey | undefined }[];

  constructor(
    private readonly redis: Redis,
    keys: string[],
    private readonly desc: boolean,
    after: SortKey | undefined,
  ) {
    this.buffers = keys.map((key) => ({ key, items: [], done: false, last: after }));
  }

  private before(a: { score: number; id: string }, b: { score: number; id: string }): boolean {
    if (a.score !== b.score) return this.desc ? a.score > b.score : a.score < b.score;
    return this.desc ? a.id > b.id : a.id < b.id;
  }

  private async refill(buf: (typeof this.buffers)[number], want: number): Promise<void> {
    let offset = 0;
    for (;;) {
      const from = buf.last ? String(buf.last.k) : this.desc ? '+inf' : '-inf';
      const to = this.desc ? '-inf' : '+inf';
      const raw = this.desc
        ? await this.redis.zrevrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want)
        : await this.redis.zrangebyscore(buf.key, from, to, 'WITHSCORES', 'LIMIT', offset, want);
      const items: { score: number; id: string }[] = [];
      for (let i = 0; i < raw.length; i += 2) items.push({ id: raw[i]!, score: Number(raw[i + 1]) });
      const last = buf.last;
      const fresh = last ? items.filter((it) => this.before({ score: last.k, id: last.id }, it)) : items;
      if (raw.length < want * 2 && fresh.length === 0) {
        buf.done = true;
        return;
      }
      if (fresh.length > 0) {
        buf.items.push(...fresh);
        const tail = fresh.at(-1)!;
        buf.last = { k: tail.score, id: tail.id };
        if (raw.length < want * 2) buf.done = true;
        return;
      }
      // A whole batch of equal scores at or before the position: skip past it.
      offset += want;
    }
  }

  /** The next `n` members in order (fewer at the end). */
  async next(n: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < n) {
      for (const buf of this.buffers) if (buf.items.length === 0 && !buf.done) await this.refill(buf, n);
      let best: (typeof this.buffers)[number] | null = null;
      for (const buf of this.buffers) {
        if (buf.items.length === 0) continue;
        if (!best || this.before(buf.items[0]!, best.items[0]!)) best = buf;
      }
      if (!best) break;
      out.push(best.items.shift()!.id);
    }
    return out;
  }
}
