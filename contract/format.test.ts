import { expect, it } from 'vitest';
import { formatPointChange, formatRelativeChange } from './format.ts';

it('a change that rounds to zero has no sign: "-0%" read as a fall, "+0%" as a rise', () => {
  expect([-0.003, 0.003, 0, -0.0049].map(formatRelativeChange)).toEqual(['0%', '0%', '0%', '0%']);
  expect([0.15, -0.16, 0.005, -0.005, null].map(formatRelativeChange)).toEqual(['+15%', '-16%', '+1%', '-1%', '—']);
  expect([-0.0004, 0.0004, 0.013, -0.013, null].map(formatPointChange)).toEqual(['0.0 pt', '0.0 pt', '+1.3 pt', '-1.3 pt', '—']);
});
