// BullMQ stream ids as the recorders keep them: sortable strings that convert back.
import { expect, test } from 'vitest';
import { rawPosition, streamPosition } from './event-recorder.ts';

test('BullMQ stream ids sort as strings once padded, and convert back', () => {
  expect(streamPosition('1700000000000-2') < streamPosition('1700000000000-10')).toBe(true);
  expect(streamPosition('99') < streamPosition('100')).toBe(true);
  expect(rawPosition(streamPosition('1700000000000-10'))).toBe('1700000000000-10');
  expect(rawPosition(streamPosition('123'))).toBe('123');
});
