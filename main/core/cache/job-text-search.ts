/**
 * The Jobs view's text search (`JobFilter.q`) over the cache: a case-insensitive substring match
 * on a job's id, user, error message and configuration — what a search box over ids like
 * `backtest-12345`, user names and error words is expected to do.
 *
 * It runs on `jobs_search`, an FTS5 index with the trigram tokenizer kept in step with `jobs` by
 * triggers (cache-schema.ts): a quoted FTS5 phrase of the text matches exactly the column values
 * that contain it, case folded. Text of fewer than three characters has no trigram to look up and
 * runs as a LIKE scan of the same four columns.
 *
 * Where the matches are few, the index is searched once for their rowids and the page reads just
 * those rows; where they are many, the page walks the sort order and keeps the rows that match,
 * which finds a page long before it has looked at every match. A search without matches ends there.
 */
import type { Statement } from 'better-sqlite3';

/** The shortest text the trigram index can look up. */
export const MIN_INDEXED_TEXT = 3;

/** Up to this many matching jobs, a page reads the matches and sorts them; beyond, it walks the sort order. */
export const READ_MATCHES_UP_TO = 2_000;

/** How one query's text search runs. */
export type TextSearch =
  | { kind: 'none' }
  /** Text too short for the index: a LIKE scan of id, user, error and configuration. */
  | { kind: 'scan'; pattern: string }
  /**
   * On the index: `phrase` is the FTS5 query, `matches` how many jobs of the cache contain the text,
   * and, when they are few enough to read directly, their rowids (so the page and its total do not
   * search the index again).
   */
  | { kind: 'index'; phrase: string; matches: number; rowids: number[] | null };

export const NO_TEXT_SEARCH: TextSearch = { kind: 'none' };

/** The text as one FTS5 phrase: inside double quotes every character is literal, a quote is doubled. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Escape LIKE wildcards so a search for "50%" finds "50%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Decide how a filter's text runs; for the index, counts its matches (`prepare`: the cache's statement cache). */
export function planTextSearch(prepare: (sql: string) => Statement, q: string | undefined): TextSearch {
  const text = q?.trim() ?? '';
  if (text === '') return NO_TEXT_SEARCH;
  if ([...text].length < MIN_INDEXED_TEXT) return { kind: 'scan', pattern: likePattern(text) };
  const phrase = ftsPhrase(text);
  const few = prepare(`SELECT rowid FROM jobs_search WHERE jobs_search MATCH ? LIMIT ${READ_MATCHES_UP_TO + 1}`).pluck().all(phrase) as number[];
  if (few.length <= READ_MATCHES_UP_TO) return { kind: 'index', phrase, matches: few.length, rowids: few };
  const n = prepare('SELECT count(*) FROM jobs_search WHERE jobs_search MATCH ?').pluck().get(phrase) as number;
  return { kind: 'index', phrase, matches: n, rowids: null };
}

/**
 * The WHERE condition of a text search over `jobs` (pushing its parameters), or null for none.
 * `forPage`: the condition serves a sorted page, where many matches are better found by walking
 * the sort order (the unary `+` keeps SQLite from reading the matches by rowid first).
 */
export function textSearchCondition(search: TextSearch, params: (string | number | null)[], forPage: boolean): string | null {
  if (search.kind === 'none') return null;
  if (search.kind === 'scan') {
    params.push(search.pattern, search.pattern, search.pattern, search.pattern);
    return "(job_id LIKE ? ESCAPE '\\' OR user LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\' OR config_json LIKE ? ESCAPE '\\')";
  }
  if (search.rowids !== null) {
    params.push(JSON.stringify(search.rowids));
    return 'rowid IN (SELECT value FROM json_each(?))';
  }
  params.push(search.phrase);
  return `${forPage ? '+' : ''}rowid IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)`;
}
