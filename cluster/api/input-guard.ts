/**
 * One check over every string a request brings (path, query, body keys and values) before the
 * route's schemas see it: text no datastore can keep is refused here with a 400 that names the
 * field, instead of failing deep inside a query (PostgreSQL refuses NUL in text and jsonb, and
 * a lone UTF-16 surrogate is not valid UTF-8 anywhere). Nesting is bounded too, so no walk over a
 * request — here, in zod or in JSON.stringify — can exhaust the stack.
 */
import { ApiFailure } from './api-error.ts';

/** Deepest nesting of objects and arrays accepted in a request part. */
export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string as stored text, or null when it is fine. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000); remove it';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not a valid character); send valid Unicode text';
  return null;
}

/** Text safe to show in a message or store in a log: NUL, control characters and lone surrogates escaped. */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this escapes
    /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

type Part = 'path' | 'query' | 'body';

/** Throws a 400 ApiFailure for the first string (key or value) that cannot be stored, or too deep a nesting. */
export function assertStorableInput(part: Part, value: unknown): void {
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) throw failure(part, path, problem);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw failure(part, path, `nested deeper than ${MAX_INPUT_DEPTH} levels; send a flatter value`);
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      const problem = textProblem(key);
      if (problem) throw failure(part, [...path, key], `the key ${problem}`);
      stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
}

function failure(part: Part, path: string[], problem: string): ApiFailure {
  const where = printable(path.join('.')) || '(root)';
  return new ApiFailure('validation_failed', `invalid request ${part}: ${where}: ${problem}`, [{ path: where, message: problem }]);
}
