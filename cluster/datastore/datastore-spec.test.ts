// The --datastore spec: the three kinds, and bad specs explained.
import { expect, test } from 'vitest';
import { parseDatastoreSpec, redactSpec } from './datastore-spec.ts';

test('parses the three kinds and explains bad ones', () => {
  expect(parseDatastoreSpec(undefined)).toEqual({ kind: 'embedded', dir: null });
  expect(parseDatastoreSpec('embedded:/var/x')).toEqual({ kind: 'embedded', dir: '/var/x' });
  expect(parseDatastoreSpec('postgres://u:p@h:5432/db').kind).toBe('postgres');
  expect(parseDatastoreSpec('redis://h:6379').kind).toBe('redis');
  expect(() => parseDatastoreSpec('mysql://h')).toThrow(/unknown scheme 'mysql'.*redis:\/\//);
  expect(() => parseDatastoreSpec('embedded:')).toThrow(/empty/);
  expect(redactSpec('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
});
