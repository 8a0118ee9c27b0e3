/**
 * SQL for the UI's job tables over the cache: filters, sort orders with a keyset cursor, and the
 * total. Every sort order ends with (cluster_id, job_id), so keys are unique and pages never skip
 * or repeat a row. A filter on several states runs as one index-ordered sub-query per state,
 * merged — SQLite cannot walk one index in order across an IN list, and sorting every completed
 * job for a 100-row page would be slow.
 */
import type { JobFilter, JobSort } from '../../../contract/api.ts';
import { NO_POSITION } from './cache-schema.ts';
import { JOB_ROW_COLUMNS } from './job-rows.ts';
import { NO_TEXT_SEARCH, textCondition, textSearchCondition, type TextSearch } from './job-text-search.ts';

/** The columns a table row needs: never the detail blobs (config, result, stack, detail JSON). */
const LIST_COLUMNS = JOB_ROW_COLUMNS.filter((c) => c !== 'cached_at').join(', ');

type SqlValue = string | number | null;

/** The sort key expressions of each order (all ascending or all descending). */
const SORT_KEYS: Record<JobSort, { keys: string[]; desc: boolean }> = {
  created: { keys: ['created_at', 'cluster_id', 'job_id'], desc: false },
  '-created': { keys: ['created_at', 'cluster_id', 'job_id'], desc: true },
  finished: { keys: ["ifnull(finished_at, '')", 'cluster_id', 'job_id'], desc: false },
  '-finished': { keys: ["ifnull(finished_at, '')", 'cluster_id', 'job_id'], desc: true },
  position: { keys: [`ifnull(position, ${NO_POSITION})`, 'created_at', 'cluster_id', 'job_id'], desc: false },
  priority: {
    keys: ['priority_rank', `ifnull(position, ${NO_POSITION})`, 'created_at', 'cluster_id', 'job_id'],
    desc: false,
  },
};

export interface JobSelect {
  sql: string;
  params: SqlValue[];
  /** How many sort-key columns (`_k0`…) each row carries, for the next cursor. */
  keyCount: number;
}

export interface WhereClause {
  sql: string;
  params: SqlValue[];
}

function inList(column: string, values: readonly string[], params: SqlValue[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

/** How filterWhere builds a filter's conditions. */
export interface WhereOptions {
  /** Leave out the state list (a per-state member of a page query names its state itself). */
  withoutState?: boolean;
  /** The filter's text search as planTextSearch decided it; required when the filter has text. */
  search?: TextSearch;
  /** The conditions serve a sorted page (see textSearchCondition). */
  forPage?: boolean;
  /** Leave out the filter's text (the caller adds its own conditions for it). */
  withoutText?: boolean;
}

/** WHERE conditions of a filter. */
export function filterWhere(clusterIds: readonly string[] | undefined, filter: JobFilter, options: WhereOptions = {}): WhereClause {
  const { withoutState = false, search = NO_TEXT_SEARCH, forPage = false, withoutText = false } = options;
  if (!withoutText && search.kind === 'none' && filter.q !== undefined && filter.q.trim() !== '') {
    throw new Error('a filter with text needs its text search planned first (planTextSearch)');
  }
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (clusterIds && clusterIds.length > 0) parts.push(inList('cluster_id', clusterIds, params));
  if (filter.state && !withoutState) parts.push(inList('state', filter.state, params));
  if (filter.type) parts.push(inList('type', filter.type, params));
  if (filter.user) parts.push(inList('user', filter.user, params));
  if (filter.priority) parts.push(inList('priority', filter.priority, params));
  const text = withoutText ? null : textSearchCondition(search, params, forPage);
  if (text !== null) parts.push(text);
  if (filter.createdAfter) {
    parts.push('created_at >= ?');
    params.push(new Date(filter.createdAfter).toISOString());
  }
  if (filter.createdBefore) {
    parts.push('created_at < ?');
    params.push(new Date(filter.createdBefore).toISOString());
  }
  if (filter.finishedBefore) {
    parts.push('finished_at < ?');
    params.push(new Date(filter.finishedBefore).toISOString());
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/** Encode the sort-key values of a page's last row as an opaque cursor. */
export function encodeCursor(sort: JobSort, keys: SqlValue[]): string {
  return Buffer.from(JSON.stringify({ s: sort, k: keys }), 'utf8').toString('base64url');
}

/** The key values of a cursor, or an Error saying it does not belong to this sort order. */
export function decodeCursor(sort: JobSort, cursor: string): SqlValue[] | Error {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    const expected = SORT_KEYS[sort].keys.length;
    if (parsed.s !== sort || !Array.isArray(parsed.k) || parsed.k.length !== expected) {
      return new Error('the page cursor belongs to another sort order: start again from the first page');
    }
    if (!parsed.k.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) {
      return new Error('the page cursor is damaged: start again from the first page');
    }
    return parsed.k as SqlValue[];
  } catch {
    return new Error('the page cursor is damaged: start again from the first page');
  }
}

/** One page's SELECT: rows plus `_k0…` sort keys, `limit + 1` rows so the caller sees if more follow. */
export function pageSelect(
  clusterIds: readonly string[] | undefined,
  filter: JobFilter,
  sort: JobSort,
  after: SqlValue[] | null,
  limit: number,
  search: TextSearch = NO_TEXT_SEARCH,
  /** The search narrowed to each of the filter's states (searchInState), where it differs. */
  searchByState: ReadonlyMap<string, TextSearch> = new Map(),
): JobSelect {
  const { keys, desc } = SORT_KEYS[sort];
  const dir = desc ? 'DESC' : 'ASC';
  const keyCols = keys.map((k, i) => `${k} AS _k${i}`).join(', ');
  const order = keys.map((k) => `${k} ${dir}`).join(', ');
  const keyset = after ? `(${keys.join(', ')}) ${desc ? '<' : '>'} (${keys.map(() => '?').join(', ')})` : null;
  const fetch = limit + 1;

  const member = (stateValue: string | null): { sql: string; params: SqlValue[] } => {
    const onlyState = stateValue ?? (filter.state?.length === 1 ? filter.state[0]! : null);
    const memberSearch = (onlyState !== null ? searchByState.get(onlyState) : undefined) ?? search;
    const where = filterWhere(clusterIds, filter, { withoutState: stateValue !== null, search: memberSearch, forPage: true });
    const parts = [where.sql];
    const params = [...where.params];
    if (stateValue !== null) {
      parts.unshift('state = ?');
      params.unshift(stateValue);
    }
    if (keyset && after) {
      parts.push(keyset);
      params.push(...after);
    }
    if (memberSearch.kind === 'index') {
      // The page's rowids first, then its rows: matches read by rowid are sorted on their keys
      // alone instead of their whole rows, and a walk of the sort order tests each job on the sort
      // index (which holds the user and the rowid) instead of reading its row.
      const sql = `SELECT ${LIST_COLUMNS}, ${keyCols} FROM jobs WHERE rowid IN (SELECT rowid FROM jobs WHERE ${parts.join(' AND ')} ORDER BY ${order} LIMIT ${fetch}) ORDER BY ${order}`;
      return { sql, params };
    }
    return { sql: `SELECT ${LIST_COLUMNS}, ${keyCols} FROM jobs WHERE ${parts.join(' AND ')} ORDER BY ${order} LIMIT ${fetch}`, params };
  };

  const states = filter.state ?? [];
  if (states.length <= 1) {
    const m = member(null);
    return { sql: m.sql, params: m.params, keyCount: keys.length };
  }
  const members = states.map((s) => member(s));
  const outerOrder = keys.map((_, i) => `_k${i} ${dir}`).join(', ');
  return {
    sql: `SELECT * FROM (${members.map((m) => `SELECT * FROM (${m.sql})`).join(' UNION ALL ')}) ORDER BY ${outerOrder} LIMIT ${fetch}`,
    params: members.flatMap((m) => m.params),
    keyCount: keys.length,
  };
}

/**
 * The total for a filter: from the trigger-kept `job_counts` table when the filter only names
 * clusters, states, types and priorities (instant at any size); for text, what its search already
 * knows (the few matches it read, the matching users' job counts, the index's own count) when the
 * filter is nothing but text; otherwise a COUNT.
 */
export function totalSelect(clusterIds: readonly string[] | undefined, filter: JobFilter, search: TextSearch = NO_TEXT_SEARCH): WhereClause {
  const noRowFilter =
    filter.user === undefined &&
    filter.createdAfter === undefined &&
    filter.createdBefore === undefined &&
    filter.finishedBefore === undefined;
  if (search.kind === 'none' && noRowFilter) {
    const where = filterWhere(clusterIds, filter);
    return { sql: `SELECT ifnull(sum(n), 0) AS total FROM job_counts WHERE ${where.sql}`, params: where.params };
  }
  if (search.kind !== 'index') {
    const where = filterWhere(clusterIds, filter, { search });
    return { sql: `SELECT count(*) AS total FROM jobs WHERE ${where.sql}`, params: where.params };
  }
  const onlyText = noRowFilter && (clusterIds === undefined || clusterIds.length === 0) && !filter.state && !filter.type && !filter.priority;
  // With indexed text, count by reading the matching rows: SQLite would rather scan an index of
  // every job in the filter's states and test each against the matches, which is far more work.
  if (search.rowids !== null) {
    if (onlyText) return { sql: 'SELECT ? AS total', params: [search.rowids.length] };
    const where = filterWhere(clusterIds, filter, { search });
    return { sql: `SELECT count(*) AS total FROM jobs NOT INDEXED WHERE ${where.sql}`, params: where.params };
  }
  // Many matches: the matching users' jobs (their job counts, or a count on the user index), plus
  // the jobs whose id, error or configuration contain the text and whose user is not one of them.
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const users = search.users.length > 0 ? JSON.stringify(search.users) : null;
  const base = filterWhere(clusterIds, filter, { withoutText: true });
  if (users !== null) {
    if (onlyText) {
      parts.push('?');
      params.push(search.userJobs);
    } else {
      parts.push(`(SELECT count(*) FROM jobs WHERE ${base.sql} AND user IN (SELECT value FROM json_each(?)))`);
      params.push(...base.params, users);
    }
  }
  const textParams: SqlValue[] = [];
  const text = textCondition(search, textParams);
  if (text !== null) {
    if (onlyText && users === null) {
      if (search.textRowids === null) {
        parts.push('(SELECT count(*) FROM jobs_search WHERE jobs_search MATCH ?)');
        params.push(search.phrase);
      } else {
        parts.push('?');
        params.push(search.textRowids.length);
      }
    } else {
      parts.push(
        `(SELECT count(*) FROM jobs NOT INDEXED WHERE ${base.sql} AND ${text}${users !== null ? ' AND user NOT IN (SELECT value FROM json_each(?))' : ''})`,
      );
      params.push(...base.params, ...textParams, ...(users !== null ? [users] : []));
    }
  }
  return { sql: `SELECT ${parts.length > 0 ? parts.join(' + ') : '0'} AS total`, params };
}
