/**
 * The Redis store's job index: one row per job in hashes (row JSON, record JSON, store meta, cancel
 * intent) and sorted sets per sort order (`z:created`, `z:tb:<type>:<base>`, `z:u:<user>`,
 * `z:pending[:<type>]`, `z:finished`, `z:priority`, `z:change`). Rows are written with the event
 * that changes them (redis-event-log.ts, one Lua script); this reads them. Lists walk the sets in
 * small batches (redis-merge-scan.ts), so no single call is slow on 100k jobs.
 */
import type { Redis } from 'ioredis';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import { MergeScan } from './redis-merge-scan.ts';
import type { RedisSpace, ScriptedPipeline } from './redis-space.ts';
import {
  BASE_STATES,
  type BaseState,
  type CountsByType,
  type FinishedSample,
  type HistoryRead,
  type JobRow,
  type RowFilter,
  type RowPage,
  type RowQuery,
  sortScore,
} from './shared-store.ts';

const BATCH = 200;

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

/** Rows as stored: the live ones, and the ids whose rows are tombstones of removed jobs, with their type. */
export interface StoredRows {
  live: Map<string, JobRow>;
  removed: Map<string, JobType>;
  /** Places in line of ready live rows, when asked for (some may be missing: see loadRows). */
  places: Map<string, number>;
}

/** Job types longest first, so a type that starts another's name is not taken for it. */
const TYPES_BY_LENGTH = [...JOB_TYPES].sort((a, b) => b.length - a.length);

/** The type our job ids start with (`<type>-…`); null for ids of other forms (jobs added by other tools). */
function typeNamedBy(id: string): JobType | null {
  return TYPES_BY_LENGTH.find((t) => id.startsWith(t) && id[t.length] === '-') ?? null;
}

export class RedisJobIndex {
  constructor(private readonly space: RedisSpace) {}

  /** Brings an index written by an older layout up to this one (once per datastore). */
  async upgradeLayout(): Promise<void> {
    const { redis } = this.space;
    if ((await redis.get(this.space.k('ixv'))) === INDEX_VERSION) return;
    await backfillUserSets(redis, this.space.prefix);
    await redis.set(this.space.k('ixv'), INDEX_VERSION);
  }

  /**
   * The stored rows of some ids, in one round trip: live rows, and the ids whose rows are tombstones
   * (with their type). A row is built on the object its JSON parses to: lists read 50-200 rows at a
   * time, and copies of each made up much of a page's time and garbage.
   */
  async loadRows(ids: string[], options: { places?: boolean } = {}): Promise<StoredRows> {
    const out: StoredRows = { live: new Map(), removed: new Map(), places: new Map() };
    if (ids.length === 0) return out;
    const pipe = this.space.redis.pipeline() as ScriptedPipeline;
    pipe.hmget(this.space.k('rows'), ...ids);
    pipe.hmget(this.space.k('rec'), ...ids);
    pipe.hmget(this.space.k('meta'), ...ids);
    pipe.hmget(this.space.k('cancel'), ...ids);
    pipe.zmscore(this.space.k('z:change'), ...ids);
    // Places in line ride along in the same round trip: the pending set of a job is named by its
    // type, which our ids start with. A rank read in the set of a type the row turns out not to
    // have is dropped below, and the caller reads the places still missing (positions).
    const guessed = options.places ? ids.map(typeNamedBy) : [];
    const asked = options.places ? ids.filter((_, i) => guessed[i] !== null) : [];
    if (asked.length > 0) pipe.sqPlacesInLine(...ids.flatMap((id, i) => (guessed[i] ? [this.space.k(`z:pending:${guessed[i]}`), id] : [])));
    const results = (await pipe.exec())!.map(([error, value]) => {
      if (error) throw error;
      return value as (string | number | null)[];
    });
    const [rows, recs, metas, cancels, changes] = results as [(string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
    const ranks = asked.length > 0 ? new Map(asked.map((id, i) => [id, results[5]![i]])) : null;
    for (let i = 0; i < ids.length; i++) {
      const rowJson = rows[i];
      const meta = metas[i];
      if (!rowJson || !meta) continue;
      // meta is `createdSeq|queueSeq|removed|src`; src may itself hold '|'.
      const bar1 = meta.indexOf('|');
      const bar2 = meta.indexOf('|', bar1 + 1);
      const row = JSON.parse(rowJson) as JobRow;
      if (meta[bar2 + 1] === '1') {
        out.removed.set(ids[i]!, row.type);
        continue;
      }
      // Rows written before the flag existed were all counted in line (reconciliation corrects them).
      row.ready = row.ready !== false;
      row.record = recs[i] ? JSON.parse(recs[i]!) : null;
      row.createdSeq = Number(meta.slice(0, bar1));
      row.queueSeq = Number(meta.slice(bar1 + 1, bar2));
      row.changeSeq = Number(changes[i] ?? 0);
      row.src = meta.slice(bar2 + 3);
      row.cancelIntent = cancels[i] ? JSON.parse(cancels[i]!) : null;
      out.live.set(ids[i]!, row);
      const place = ranks?.get(row.id);
      // Jobs out of line score after every job in line (sortScore), so a ready job's rank counts only ready jobs.
      if (typeof place === 'number' && row.base === 'pending' && row.ready && row.type === guessed[i]) out.places.set(row.id, place);
    }
    return out;
  }

  async getRow(id: string): Promise<JobRow | null> {
    return (await this.loadRows([id])).live.get(id) ?? null;
  }

  async getRows(ids: string[]): Promise<Map<string, JobRow>> {
    const out = new Map<string, JobRow>();
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const [id, row] of (await this.loadRows(ids.slice(i, i + BATCH))).live) out.set(id, row);
    }
    return out;
  }

  async setCancelIntents(ids: string[], intent: { reason: string; at: string } | null): Promise<void> {
    if (ids.length === 0) return;
    if (intent) {
      const value = JSON.stringify(intent);
      await this.space.redis.hset(this.space.k('cancel'), Object.fromEntries(ids.map((id) => [id, value])));
    } else {
      await this.space.redis.hdel(this.space.k('cancel'), ...ids);
    }
  }

  /** The sorted sets that hold every candidate of a query, all scored in the query's sort order. */
  private drivingSets(query: RowQuery): string[] {
    const f = query.filter;
    switch (query.sort) {
      case 'created':
        // A user filter is usually the most selective: walk those users' sets (bulk actions by user).
        if (f.users) return f.users.map((u) => this.space.k(`z:u:${u}`));
        if (!f.types && !f.bases) return [this.space.k('z:created')];
        return (f.types ?? JOB_TYPES).flatMap((t) => (f.bases ?? BASE_STATES).map((b) => this.space.k(`z:tb:${t}:${b}`)));
      case 'position':
        if (f.bases && !f.bases.includes('pending')) return [];
        return f.types ? f.types.map((t) => this.space.k(`z:pending:${t}`)) : [this.space.k('z:pending')];
      case 'finished':
        return [this.space.k('z:finished')];
      case 'priority':
        return [this.space.k('z:priority')];
    }
  }

  async listRows(query: RowQuery): Promise<RowPage> {
    const sets = this.drivingSets(query);
    const scan = new MergeScan(this.space.redis, sets, query.desc, query.after);
    // When the sets hold exactly the matching jobs, the page is their next limit + 1 members: reading
    // a whole batch would load and parse rows only to drop them, and the places in line of the
    // rows read are the page's, so they are read with them.
    const covered = coveredBySets(query);
    const step = covered ? query.limit + 1 : Math.max(BATCH, query.limit + 1);
    const found: JobRow[] = [];
    const places = new Map<string, number>();
    for (;;) {
      const ids = await scan.next(step);
      if (ids.length === 0) break;
      const read = await this.loadRows(ids, { places: covered });
      for (const id of ids) {
        const row = read.live.get(id);
        if (row && rowMatches(row, query.filter, query.stuckBefore)) found.push(row);
        if (found.length > query.limit) break;
      }
      for (const [id, place] of read.places) places.set(id, place);
      if (found.length > query.limit) break;
    }
    const page = found.slice(0, query.limit);
    const unplaced = page.filter((r) => r.base === 'pending' && r.ready && !places.has(r.id));
    if (unplaced.length > 0) for (const [id, place] of await this.positions(unplaced)) places.set(id, place);
    const last = page.at(-1);
    return {
      rows: page,
      next: found.length > query.limit && last ? { k: sortScore(query.sort, last), id: last.id } : null,
      positions: places,
    };
  }

  async positions(rows: JobRow[]): Promise<Map<string, number>> {
    // Jobs out of line score after every job in line (sortScore), so a ready job's rank counts only ready jobs.
    const pending = rows.filter((r) => r.base === 'pending' && r.ready);
    if (pending.length === 0) return new Map();
    const ranks = await this.space.redis.sqPlacesInLine(...pending.flatMap((r) => [this.space.k(`z:pending:${r.type}`), r.id]));
    const out = new Map<string, number>();
    pending.forEach((r, i) => {
      const place = ranks[i];
      if (typeof place === 'number') out.set(r.id, place);
    });
    return out;
  }

  async counts(stuckBefore: number): Promise<CountsByType[]> {
    const pipe = this.space.redis.pipeline();
    for (const t of JOB_TYPES) for (const b of BASE_STATES) pipe.zcard(this.space.k(`z:tb:${t}:${b}`));
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
        const ids = await this.space.redis.zrangebyscore(this.space.k(`z:tb:${t}:active`), cursorScore, '+inf', 'WITHSCORES', 'LIMIT', 0, BATCH);
        if (ids.length === 0) break;
        const members = ids.filter((_, j) => j % 2 === 0);
        for (const row of (await this.loadRows(members)).live.values()) c[activeKind(row, stuckBefore)] += 1;
        if (members.length < BATCH) break;
        cursorScore = `(${ids.at(-1)}`;
      }
      if (Object.values(c).some((v) => typeof v === 'number' && v > 0)) out.push(c);
    }
    return out;
  }

  async finishedSince(since: number, maxRows: number): Promise<FinishedSample[]> {
    const ids = await this.space.redis.zrangebyscore(this.space.k('z:finished'), since, '+inf', 'LIMIT', 0, maxRows);
    const out: FinishedSample[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const row of (await this.loadRows(ids.slice(i, i + BATCH))).live.values()) {
        if (row.finishedAt === null || (row.base !== 'completed' && row.base !== 'failed' && row.base !== 'cancelled')) continue;
        out.push({
          type: row.type,
          base: row.base,
          createdAt: row.createdAt,
          startedAt: row.startedAt,
          finishedAt: row.finishedAt,
          runAt: row.record?.runAt ? Date.parse(row.record.runAt) : null,
          predictedWaitMs: row.record?.predictedWaitMs ?? null,
        });
      }
    }
    return out;
  }

  async history(afterSeq: number, limit: number): Promise<HistoryRead> {
    const scored = await this.space.redis.zrangebyscore(this.space.k('z:change'), `(${afterSeq}`, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1);
    const ids = scored.filter((_, i) => i % 2 === 0);
    const page = ids.slice(0, limit);
    // Rows are read in a second call: one may have changed since (a newer changeSeq), so the page
    // reaches the position it had in the change order when the page was taken, not the row's.
    const reached = page.length > 0 ? Number(scored[2 * page.length - 1]) : afterSeq;
    const { live, removed } = await this.loadRows(page);
    const out: HistoryRead = { rows: [], removed: [], reached, hasMore: ids.length > limit };
    for (const id of page) {
      const row = live.get(id);
      const type = removed.get(id);
      if (row) out.rows.push(row);
      else if (type) out.removed.push({ id, type });
    }
    return out;
  }

  async trimTombstones(beforeSeq: number): Promise<number> {
    let total = 0;
    let from = '-inf';
    for (;;) {
      const ids = await this.space.redis.zrangebyscore(this.space.k('z:change'), from, `(${beforeSeq}`, 'WITHSCORES', 'LIMIT', 0, BATCH);
      if (ids.length === 0) break;
      const members = ids.filter((_, j) => j % 2 === 0);
      const { removed } = await this.loadRows(members);
      const dead = members.filter((id) => removed.has(id));
      if (dead.length > 0) {
        await this.space.redis
          .multi()
          .hdel(this.space.k('rows'), ...dead)
          .hdel(this.space.k('rec'), ...dead)
          .hdel(this.space.k('meta'), ...dead)
          .hdel(this.space.k('cancel'), ...dead)
          .zrem(this.space.k('z:change'), ...dead)
          .exec();
        total += dead.length;
      }
      if (members.length < BATCH) break;
      from = `(${ids.at(-1)}`;
    }
    return total;
  }

  async unfinished(afterCreatedSeq: number, limit: number): Promise<JobRow[]> {
    const sets = JOB_TYPES.flatMap((t) => (['pending', 'active'] as BaseState[]).map((b) => this.space.k(`z:tb:${t}:${b}`)));
    const scan = new MergeScan(this.space.redis, sets, false, { k: afterCreatedSeq, id: '\uffff' });
    const ids = await scan.next(limit);
    const { live } = await this.loadRows(ids);
    return ids.flatMap((id) => {
      const row = live.get(id);
      return row ? [row] : [];
    });
  }
}

/**
 * True when the driving sets of a query (drivingSets) hold only jobs that pass its filter, so no row
 * read is filtered out: the per-type-and-state sets for `created`, the pending sets for `position`.
 */
function coveredBySets(query: RowQuery): boolean {
  const { bases, activeKinds, users, priorities, q, createdAfter, createdBefore, finishedBefore } = query.filter;
  if (users || priorities || q !== undefined || createdAfter !== undefined || createdBefore !== undefined || finishedBefore !== undefined) return false;
  // The pending sets hold pending jobs only, which is all a `position` list shows whatever the states asked.
  if (query.sort === 'position') return true;
  return query.sort === 'created' && !(bases?.includes('active') && activeKinds);
}
