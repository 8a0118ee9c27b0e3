/**
 * The `--datastore` value: `embedded[:DIR]` (default), `postgres://…` or `redis://…`.
 * Parsed once, with an error that names the value and shows what is accepted.
 */
import type { DatastoreKind } from '../../contract/api.ts';

export type DatastoreSpec =
  | { kind: 'embedded'; dir: string | null }
  | { kind: 'postgres'; url: string }
  | { kind: 'redis'; url: string };

const USAGE = 'use embedded, embedded:DIR, postgres://USER:PASSWORD@HOST:5432/DATABASE or redis://HOST:6379';

/** Hides the password of a URL for messages and logs. */
export function redactSpec(spec: string): string {
  return spec.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export class DatastoreSpecError extends Error {
  constructor(spec: string, why: string) {
    super(`datastore '${redactSpec(spec)}': ${why}; ${USAGE}`);
    this.name = 'DatastoreSpecError';
  }
}

export function parseDatastoreSpec(spec: string | undefined): DatastoreSpec {
  const value = (spec ?? '').trim();
  if (value === '' || value === 'embedded') return { kind: 'embedded', dir: null };
  if (value.startsWith('embedded:')) {
    const dir = value.slice('embedded:'.length);
    if (dir === '') throw new DatastoreSpecError(value, 'the folder after embedded: is empty');
    return { kind: 'embedded', dir };
  }
  const scheme = /^([a-z]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'redis' || scheme === 'rediss') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new DatastoreSpecError(value, 'this is not a valid URL');
    }
    if (url.hostname === '') throw new DatastoreSpecError(value, 'the URL has no host');
    return scheme.startsWith('redis') ? { kind: 'redis', url: value } : { kind: 'postgres', url: value };
  }
  throw new DatastoreSpecError(value, scheme ? `unknown scheme '${scheme}'` : 'not a datastore');
}

export function specKind(spec: DatastoreSpec): DatastoreKind {
  return spec.kind;
}
