import { expect, it } from 'vitest';
import { RowSlots } from './row-slots.ts';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `job-${from + i}`);

it('a record keeps its slot while it stays in the window, also when rows shift under it', () => {
  const slots = new RowSlots();
  const first = slots.assign(ids(0, 5));
  // A new job arrives on top: every shown job keeps its row; the one pushed out frees its slot for the newcomer.
  const shifted = slots.assign(['job-new', ...ids(0, 4)]);
  for (const id of ids(0, 4)) expect(shifted.get(id)).toBe(first.get(id));
  expect(shifted.get('job-new')).toBe(first.get('job-4'));
});

it('a slow scroll hands the row that left to the row that came in', () => {
  const slots = new RowSlots();
  const before = slots.assign(ids(0, 5));
  const after = slots.assign(ids(1, 6));
  for (const id of ids(1, 5)) expect(after.get(id)).toBe(before.get(id));
  expect(after.get('job-5')).toBe(before.get('job-0'));
});

it('a jump to other rows reuses every slot, and slots stay unique', () => {
  const slots = new RowSlots();
  const before = slots.assign(ids(0, 20));
  const after = slots.assign(ids(500, 520));
  expect(new Set(after.values())).toEqual(new Set(before.values()));
  expect(new Set(after.values()).size).toBe(20);
  // A window that grows gets new slots for what does not fit in the old ones.
  const grown = slots.assign(ids(500, 524));
  expect(new Set(grown.values()).size).toBe(24);
  for (const id of ids(500, 520)) expect(grown.get(id)).toBe(after.get(id));
});

it('gives the same answer when asked twice for the same window (a render repeated by React)', () => {
  const slots = new RowSlots();
  slots.assign(ids(0, 10));
  const once = slots.assign(ids(3, 13));
  const twice = slots.assign(ids(3, 13));
  expect([...twice]).toEqual([...once]);
});
