// Keyset cursors of the job list: they round-trip and refuse garbage or another sort order.
import { expect, test } from 'vitest';
import { EngineError } from './job-engine.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';

test('round-trip, and refuse garbage or another sort', () => {
  const c = encodeCursor('-created', { k: 42, id: 'x-1' });
  expect(decodeCursor('-created', c)).toEqual({ k: 42, id: 'x-1' });
  expect(() => decodeCursor('position', c)).toThrow(EngineError);
  expect(() => decodeCursor('-created', 'not a cursor')).toThrow(/cursor/);
  expect(() => decodeCursor('-created', Buffer.from('{"v":1}').toString('base64url'))).toThrow(/cursor/);
});
