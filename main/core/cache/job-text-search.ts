/**
 * The Jobs view's text search (`JobFilter.q`) over the cache: a case-insensitive substring match
 * on a job's id, user, error message and configuration — what a search box over ids like
 * `backtest-12345`, user names and error words is expected to do.
 *
 * Ids, errors and configurations are searched in `jobs_search`, an FTS5 index with the trigram
 * tokenizer kept in step with `jobs` by triggers (cache-schema.ts): a quoted FTS5 phrase of the
 * text matches exactly the column values that contain it, case folded. Users are searched in
 * `job_users_search`, the same kind of index over each user name once (`job_users`, with the
 * number of cached jobs of each): a few hundred names repeated over a million jobs would put
 * their trigrams in nearly every row of the jobs' index, and any text sharing one would read all
 * of those rows. A job matches when its id, error or configuration contains the text or its user
 * is one of the users whose name does. Text of fewer than three characters has no trigram to look
 * up and runs as a LIKE scan of the same four columns.
 *
 * A phrase is matched by reading the index entries of each of its trigrams, and trigrams shared by
 * most values (JSON keys of every configuration, the words of a common error, a type's id prefix)
 * have entries for a hundred thousand jobs. So ASCII text of four characters or more is matched
 * differently: each trigram is counted up to READ_MATCHES_UP_TO, the jobs holding every rare one
 * are read, and their id, error and configuration are tested for the text, folded as the index
 * folds it. Only when no trigram is rare is the phrase looked up (its matches are many then).
 *
 * Where the matches are few, their rowids are read once and the page reads just those rows; where
 * they are many, the page walks the sort order and keeps the rows that match, which finds a page
 * long before it has looked at every match. A search without matches ends there.
 */
import type { Statement } from 'better-sqlite3';

/** The shortest text the trigram index can look up. */
export const MIN_INDEXED_TEXT = 3;

/** Up to this many matching jobs, a page reads the matches and sorts them; beyond, it walks the sort order. */
export const READ_MATCHES_UP_TO = 2_000;

/**
 * Up to this many jobs matching by their own text, their rowids are kept from the one index lookup
 * and serve the page's walk and the total, instead of looking the phrase up again for each.
 */
const KEEP_ROWIDS_UP_TO = 20_000;

/** A trigram in at most this many jobs is rare enough to find candidates with on its own. */
const RARE_FIRST = 64;

/** How one query's text search runs. */
export type TextSearch =
  | { kind: 'none' }
  /** Text too short for the index: a LIKE scan of id, user, error and configuration. */
  | { kind: 'scan'; pattern: string }
  /**
   * On the indexes: `phrase` is the FTS5 query; `users` the user names that contain the text and
   * `userJobs` how many cached jobs they have; `textRowids` the jobs whose id, error or
   * configuration contain it, or null when there are more than KEEP_ROWIDS_UP_TO; `rowids` every
   * matching job (both kinds) when they are few enough to read directly, so the page and its
   * total do not search again.
   */
  | { kind: 'index'; phrase: string; users: string[]; userJobs: number; textRowids: number[] | null; rowids: number[] | null };

export const NO_TEXT_SEARCH: TextSearch = { kind: 'none' };

/** The text as one FTS5 phrase: inside double quotes every character is literal, a quote is doubled. */
export function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** Escape LIKE wildcards so a search for "50%" finds "50%". */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/**
 * A column folded as the trigram index folds the characters that become ASCII letters (Unicode
 * simple case folding): A–Z (SQLite's lower() folds just these), the long s and the Kelvin sign.
 * Every other character folds to one that is not ASCII, so it can never equal a character of
 * ASCII text, whatever it folds to.
 */
function foldedForAscii(column: string): string {
  return `lower(replace(replace(${column}, '\u017f', 's'), '\u212a', 'k'))`;
}

const CONTAINS_ASCII = ['job_id', 'error_message', 'config_json'].map((c) => `instr(${foldedForAscii(c)}, ?) > 0`).join(' OR ');

/**
 * The jobs whose id, error or configuration contain `text`, when at most KEEP_ROWIDS_UP_TO do
 * (null when more do): by their rare trigrams and a test of the candidates when the text allows
 * (see the module comment), otherwise by the phrase.
 */
function textMatches(prepare: (sql: string) => Statement, text: string, phrase: string): number[] | null {
  const chars = [...text];
  // eslint-disable-next-line no-control-regex
  if (chars.length > MIN_INDEXED_TEXT && /^[\x00-\x7f]*$/.test(text)) {
    const trigrams = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))].map(ftsPhrase);
    // Counting a trigram's first entries costs little more than finding it; very rare trigrams
    // (an id's own characters) are found with short counts, the rest with counts up to a read.
    for (const upTo of [RARE_FIRST, READ_MATCHES_UP_TO]) {
      const probe = prepare(`SELECT count(*) FROM (SELECT 1 FROM jobs_search WHERE jobs_search MATCH ? LIMIT ${upTo + 1})`).pluck();
      const rare: string[] = [];
      for (const trigram of trigrams) {
        const n = probe.get(trigram) as number;
        if (n === 0) return [];
        if (n <= upTo) rare.push(trigram);
      }
      if (rare.length > 0) return containing(prepare, text, rare);
    }
  }
  const found = prepare(`SELECT rowid FROM jobs_search WHERE jobs_search MATCH ? LIMIT ${KEEP_ROWIDS_UP_TO + 1}`).pluck().all(phrase) as number[];
  return found.length <= KEEP_ROWIDS_UP_TO ? found : null;
}

/** The jobs of every one of `trigrams` (at most READ_MATCHES_UP_TO) whose id, error or configuration contain ASCII `text`. */
function containing(prepare: (sql: string) => Statement, text: string, trigrams: string[]): number[] {
  const candidates = prepare('SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?').pluck().all(trigrams.join(' AND ')) as number[];
  if (candidates.length === 0) return [];
  const needle = text.toLowerCase();
  return prepare(`SELECT rowid FROM jobs WHERE rowid IN (SELECT value FROM json_each(?)) AND (${CONTAINS_ASCII})`)
    .pluck()
    .all(JSON.stringify(candidates), needle, needle, needle) as number[];
}

/** Decide how a filter's text runs; for the indexes, finds the matching users and the few matching rows (`prepare`: the cache's statement cache). */
export function planTextSearch(prepare: (sql: string) => Statement, q: string | undefined): TextSearch {
  const text = q?.trim() ?? '';
  if (text === '') return NO_TEXT_SEARCH;
  if ([...text].length < MIN_INDEXED_TEXT) return { kind: 'scan', pattern: likePattern(text) };
  const phrase = ftsPhrase(text);
  const named = prepare(
    'SELECT u.user, u.n FROM job_users_search s JOIN job_users u ON u.rowid = s.rowid WHERE job_users_search MATCH ? AND u.n > 0',
  ).all(phrase) as { user: string; n: number }[];
  const users = named.map((u) => u.user);
  const userJobs = named.reduce((sum, u) => sum + u.n, 0);
  const textRowids = textMatches(prepare, text, phrase);
  let rowids: number[] | null = null;
  if (textRowids !== null && userJobs + textRowids.length <= READ_MATCHES_UP_TO) {
    if (users.length === 0) rowids = textRowids;
    else {
      const ofUsers = prepare('SELECT rowid FROM jobs WHERE user IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(users)) as number[];
      rowids = [...new Set([...textRowids, ...ofUsers])];
    }
  }
  return { kind: 'index', phrase, users, userJobs, textRowids, rowids };
}

/**
 * The search narrowed to the jobs of one state, for one member of a page over several states:
 * when the matching users have few jobs in that state, the member reads its matches directly
 * instead of walking the whole state (a user with no cancelled jobs would have it walk every
 * cancelled job). Their count is an index count on (user, state), capped at what a read takes.
 */
export function searchInState(prepare: (sql: string) => Statement, search: TextSearch, state: string): TextSearch {
  if (search.kind !== 'index' || search.rowids !== null || search.textRowids === null || search.users.length === 0) return search;
  if (search.textRowids.length >= READ_MATCHES_UP_TO) return search;
  const users = JSON.stringify(search.users);
  const limit = READ_MATCHES_UP_TO - search.textRowids.length;
  const ofUsers = prepare(`SELECT rowid FROM jobs WHERE user IN (SELECT value FROM json_each(?)) AND state = ? LIMIT ${limit + 1}`)
    .pluck()
    .all(users, state) as number[];
  if (ofUsers.length > limit) return search;
  return { ...search, rowids: [...new Set([...search.textRowids, ...ofUsers])] };
}

/** True when the search is known to match no job at all. */
export function matchesNothing(search: TextSearch): boolean {
  return search.kind === 'index' && search.rowids !== null && search.rowids.length === 0;
}

/**
 * The WHERE condition of a text search over `jobs` (pushing its parameters), or null for none.
 * `forPage`: the condition serves a sorted page, where many matches are better found by walking
 * the sort order (the unary `+` keeps SQLite from reading the matches through their own index
 * first; every sort index holds the user, so a row is tested without reading it).
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
  const plus = forPage ? '+' : '';
  const parts: string[] = [];
  const text = textCondition(search, params, plus);
  if (text !== null) parts.push(text);
  if (search.users.length > 0) {
    params.push(JSON.stringify(search.users));
    parts.push(`${plus}user IN (SELECT value FROM json_each(?))`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** The condition for jobs whose id, error or configuration contain the text, or null when none do. */
export function textCondition(search: Extract<TextSearch, { kind: 'index' }>, params: (string | number | null)[], plus = ''): string | null {
  if (search.textRowids === null) {
    params.push(search.phrase);
    return `${plus}rowid IN (SELECT rowid FROM jobs_search WHERE jobs_search MATCH ?)`;
  }
  if (search.textRowids.length === 0) return null;
  params.push(JSON.stringify(search.textRowids));
  return `${plus}rowid IN (SELECT value FROM json_each(?))`;
}
