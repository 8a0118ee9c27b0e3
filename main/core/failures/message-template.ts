/**
 * The first step of grouping failures: mask the parameters of an error message — the values that
 * differ between two failures of one problem — with typed placeholders, so
 * `data not available for symbol ZZQX: no file /srv/market/ZZQX.csv; check the ticker …` and the
 * same message for BRK.B both read `data not available for symbol <symbol>: no file <path>; …`.
 * What masking misses (a step name, a job type) the template tree generalises to `<*>` later.
 *
 * Order matters: quoted values and paths go first (they contain digits, dates and symbols of
 * their own), then ids, dates and hex, numbers last.
 */

/** Placeholders a masked message can contain; `<*>` is added by the template tree. */
export const PLACEHOLDERS = ['<quoted>', '<path>', '<url>', '<id>', '<date>', '<hex>', '<num>', '<symbol>'] as const;
export const WILDCARD = '<*>';

/** Upper-case words our messages use as words, not as tickers. */
const NOT_TICKERS = new Set([
  'CSV', 'PDF', 'JSON', 'HTML', 'HTTP', 'HTTPS', 'URL', 'API', 'ID', 'IDS', 'OK', 'ETA', 'CPU', 'RSS', 'RAM', 'GPU', 'MB', 'GB',
  'KB', 'TB', 'MIB', 'GIB', 'KIB', 'UTC', 'GMT', 'ISO', 'IO', 'IPC', 'SQL', 'TCP', 'UDP', 'DNS', 'TLS', 'SSL', 'JS', 'NODE', 'ESM',
  'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'NOT', 'AND', 'OR', 'THE', 'NULL', 'NAN', 'YYYY', 'MM', 'DD', 'EOF', 'SIGKILL',
  'SIGTERM', 'SIGINT', 'SIGABRT', 'SIGSEGV', 'OOM', 'ENOENT', 'EACCES', 'EPERM', 'ENOMEM', 'ENOSPC', 'ETIMEDOUT', 'ECONNRESET',
  'ECONNREFUSED', 'EPIPE', 'EMFILE', 'EEXIST', 'EISDIR', 'ENOTDIR',
]);

interface Mask {
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

// A quote opens where no word character precedes it and closes where none follows, so the
// apostrophe of "worker's limit" is not a quote.
const QUOTED = String.raw`(?<![\w])(?:"[^"\n]*"|'[^'\n]*'|` + '`[^`\\n]*`' + String.raw`|“[^”\n]*”|‘[^’\n]*’)(?![\w])`;
// A path ends before whitespace, a quote, a comma, a semicolon or a closing bracket; a trailing
// dot or colon is punctuation of the sentence.
const PATH_CHARS = String.raw`[^\s"'` + '`' + String.raw`,;()\[\]{}<>]`;
const WINDOWS_PATH = String.raw`(?<![\w])(?:[A-Za-z]:\\|\\\\[\w.$-]+\\)${PATH_CHARS}*`;
const POSIX_PATH = String.raw`(?<![\w.:/\\])(?:~|\.{1,2})?/${PATH_CHARS}*`;
const URL = String.raw`\b[a-z][a-z0-9+.-]*://${PATH_CHARS}+`;
const UUID = String.raw`\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b`;
// Our job ids: `<type>-<base-36 time><8 hex>`, a sweep child adds `:<n>`.
const JOB_ID = String.raw`\b(?:backtest|training|sweep|matrix-build|signal|report)-[a-z0-9]*\d[a-z0-9]*(?::\d+)?\b`;
// Any other token that mixes letters and at least two digits over 8+ characters reads as an id.
const OPAQUE_ID = String.raw`\b(?=[A-Za-z0-9_-]{8,}\b)(?=[A-Za-z_-]*\d[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]+\b`;
const DATE_TIME = String.raw`\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w])|\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b`;
const HEX = String.raw`\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b`;
// A number may carry a sign, decimals, an exponent, thousands separators and a unit (`87ms`).
const NUMBER = String.raw`(?<![A-Za-z_<])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|\b(?:NaN|-?Infinity)\b`;
// The value right after the word "symbol" is a parameter whatever it looks like (a mistyped
// `abc` included); after "ticker" only one that does not read as a word ("check the ticker or …").
const AFTER_SYMBOL_WORD = String.raw`\b(symbols?|tickers?)(\s+)([^\s:;,()]+)`;
const TICKER = String.raw`(?<![\w.<])[A-Z][A-Z0-9]{0,5}(?:[.-][A-Z]{1,2})?(?![\w<])`;
// The value right after the word "job" names a job whatever it looks like (a mistyped or made-up id
// such as `sweep-gone-a` included) when it is not a plain word ("job has", "job of").
const AFTER_JOB_WORD = String.raw`\b(jobs?)(\s+)([^\s:;,()]*[-_\d][^\s:;,()]*)`;

const MASKS: Mask[] = [
  { pattern: new RegExp(QUOTED, 'g'), replace: '<quoted>' },
  { pattern: new RegExp(URL, 'g'), replace: '<url>' },
  { pattern: new RegExp(WINDOWS_PATH, 'g'), replace: (m) => keepTrailingPunctuation(m, '<path>') },
  { pattern: new RegExp(POSIX_PATH, 'g'), replace: (m) => (m.length > 1 ? keepTrailingPunctuation(m, '<path>') : m) },
  { pattern: new RegExp(UUID, 'g'), replace: '<id>' },
  { pattern: new RegExp(JOB_ID, 'g'), replace: '<id>' },
  { pattern: new RegExp(DATE_TIME, 'g'), replace: '<date>' },
  { pattern: new RegExp(HEX, 'g'), replace: '<hex>' },
  { pattern: new RegExp(OPAQUE_ID, 'g'), replace: '<id>' },
  { pattern: new RegExp(AFTER_JOB_WORD, 'g'), replace: (m, word, space, value) => (value.startsWith('<') ? m : `${word}${space}<id>`) },
  {
    pattern: new RegExp(AFTER_SYMBOL_WORD, 'g'),
    replace: (m, word, space, value) => (value.startsWith('<') || (word.startsWith('ticker') && /^[a-z]+$/.test(value)) ? m : `${word}${space}<symbol>`),
  },
  { pattern: new RegExp(NUMBER, 'g'), replace: '<num>' },
  { pattern: new RegExp(TICKER, 'g'), replace: (m) => (isTicker(m) ? '<symbol>' : m) },
];

/** A path's trailing `.` or `:` belongs to the sentence around it. */
function keepTrailingPunctuation(match: string, placeholder: string): string {
  const trailing = /[.:]+$/.exec(match)?.[0] ?? '';
  return placeholder + trailing;
}

function isTicker(token: string): boolean {
  const letters = token.replace(/[^A-Z]/g, '');
  // One letter is more often a word ("A sweep …") than a ticker; those are caught after "symbol".
  if (letters.length < 2) return false;
  return !token.split(/[.-]/).some((part) => NOT_TICKERS.has(part.toUpperCase()));
}

/** The message with its parameters masked; whitespace runs become one space. */
export function maskMessage(message: string): string {
  let text = message;
  for (const mask of MASKS) text = text.replace(mask.pattern, mask.replace as (m: string, ...g: string[]) => string);
  return text.replace(/\s+/g, ' ').trim();
}

/** The masked message as tokens, the unit the template tree compares. */
export function messageTokens(message: string): string[] {
  const masked = maskMessage(message);
  return masked === '' ? [] : masked.split(' ');
}

/** True for a token that stands for a parameter (a placeholder or the tree's wildcard). */
export function isParameterToken(token: string): boolean {
  return token.includes('<') && /<(?:\*|quoted|path|url|id|date|hex|num|symbol)>/.test(token);
}
