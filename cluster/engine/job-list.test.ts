// The job list's filters as the job index reads them.
import { expect, test } from 'vitest';
import { rowFilterOf } from './job-list.ts';

test('state filters split into stored states and active kinds', () => {
  expect(rowFilterOf({ state: ['pending', 'stuck'] })).toEqual({ bases: ['pending', 'active'], activeKinds: ['stuck'] });
  expect(rowFilterOf({ q: 'ABC' }).q).toBe('abc');
});
