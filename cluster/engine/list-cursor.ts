/**
 * Opaque keyset cursors for job lists: base64url of `{v, s, k, i}` (version, sort, score, id).
 * A cursor only continues the sort it came from; anything else is a clear bad_request.
 */
import type { JobSort } from '../../contract/api.ts';
import { JobId } from '../../contract/jobs.ts';
import type { SortKey } from '../datastore/shared-store.ts';
import { EngineError } from './job-engine.ts';

export function encodeCursor(sort: JobSort, key: SortKey): string {
  return Buffer.from(JSON.stringify({ v: 1, s: sort, k: key.k, i: key.id })).toString('base64url');
}

export function decodeCursor(sort: JobSort, cursor: string): SortKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new EngineError('bad_request', 'cursor is not one this cluster issued: start again without a cursor');
  }
  const c = parsed as { v?: unknown; s?: unknown; k?: unknown; i?: unknown };
  // Sort scores are non-negative safe integers (sortScore) and ids are job ids: anything else was
  // not issued here, and a huge or negative score would reach the datastore as an invalid number.
  if (c.v !== 1 || !Number.isSafeInteger(c.k) || (c.k as number) < 0 || !JobId.safeParse(c.i).success) {
    throw new EngineError('bad_request', 'cursor is not one this cluster issued: start again without a cursor');
  }
  if (c.s !== sort) {
    throw new EngineError('bad_request', `cursor belongs to sort '${String(c.s)}', not '${sort}': start again without a cursor`);
  }
  return { k: c.k as number, id: c.i as string };
}
