import { describe, expect, it } from 'vitest';
import { MAX_LIST_HEIGHT, rowWindow } from './row-window.ts';

const ROW = 34;
const VIEW = 700;
const at = (scrollTop: number, count: number, maxHeight?: number) => rowWindow({ scrollTop, viewport: VIEW, count, rowHeight: ROW, overscan: 3, maxHeight });

/** Where row `i` is drawn, relative to the view's top. */
const drawnAt = (w: ReturnType<typeof rowWindow>, scrollTop: number, i: number) => w.before + (i - w.first) * ROW - scrollTop;

describe('rowWindow', () => {
  it('a list under the cap is laid out at its own height, each offset showing its own rows', () => {
    const w = at(340, 100_000);
    expect(w.height).toBe(100_000 * ROW);
    expect(w.rowOffset).toBe(340);
    expect([w.first, w.last]).toEqual([7, Math.ceil((340 + VIEW) / ROW) - 1 + 3]);
    expect(w.before).toBe(7 * ROW);
    expect(w.before + (w.last - w.first + 1) * ROW + w.after).toBe(w.height);
  });

  it('a million rows are laid out within the cap, and the bottom of the scroll range shows the last row', () => {
    const count = 1_000_000;
    expect(count * ROW).toBeGreaterThan(33_554_431);
    const bottom = MAX_LIST_HEIGHT - VIEW;
    const w = at(bottom, count);
    expect(w.height).toBe(MAX_LIST_HEIGHT);
    expect(w.last).toBe(count - 1);
    expect(w.before + (w.last - w.first + 1) * ROW + w.after).toBe(MAX_LIST_HEIGHT);
    // The last row ends where the view ends.
    expect(drawnAt(w, bottom, count - 1) + ROW).toBe(VIEW);
  });

  it('over the cap, every offset draws rows covering the whole view, in order, at the fraction of the list it stands for', () => {
    const count = 1_000_000;
    let lastTop = -1;
    for (let scrollTop = 0; scrollTop <= MAX_LIST_HEIGHT - VIEW; scrollTop += 997_331.5) {
      const w = at(scrollTop, count);
      expect(w.before).toBeLessThanOrEqual(scrollTop);
      // On whole pixels: rows at fractions of one are laid out unevenly.
      expect(Number.isInteger(w.before) && Number.isInteger(w.after)).toBe(true);
      expect(w.before + (w.last - w.first + 1) * ROW).toBeGreaterThanOrEqual(scrollTop + VIEW);
      expect(w.before + (w.last - w.first + 1) * ROW + w.after).toBe(MAX_LIST_HEIGHT);
      const top = Math.floor(w.rowOffset / ROW);
      expect(top).toBeGreaterThan(lastTop);
      lastTop = top;
      expect(top / count).toBeCloseTo(scrollTop / (MAX_LIST_HEIGHT - VIEW), 2);
    }
  });

  it('no rows, no window', () => {
    expect(at(0, 0)).toMatchObject({ first: 0, last: -1, before: 0, after: 0, height: 0 });
  });
});

describe('rowWindow in blocks', () => {
  const inBlocks = (scrollTop: number) => rowWindow({ scrollTop, viewport: VIEW, count: 100_000, rowHeight: ROW, overscan: 3, block: 8 });

  it('moves only when the view crosses a block boundary, and always covers the view and its overscan', () => {
    const windows = new Set<string>();
    for (let scrollTop = 0; scrollTop <= 80 * ROW; scrollTop += 20) {
      const w = inBlocks(scrollTop);
      windows.add(`${w.first}-${w.last}`);
      expect(w.first % 8).toBe(0);
      expect((w.last + 1) % 8).toBe(0);
      expect(w.first).toBeLessThanOrEqual(Math.max(0, Math.floor(scrollTop / ROW) - 3));
      expect(w.last).toBeGreaterThanOrEqual(Math.ceil((scrollTop + VIEW) / ROW) - 1 + 3);
      expect(w.before).toBe(w.first * ROW);
      expect(w.before + (w.last - w.first + 1) * ROW + w.after).toBe(w.height);
    }
    // 80 rows scrolled: each edge of the window moved once per 8 rows, not once per row.
    expect(windows.size).toBeLessThanOrEqual(2 * (80 / 8) + 2);
  });

  it('ends at the last row, even when the list does not end on a block', () => {
    const count = 1003;
    const w = rowWindow({ scrollTop: count * ROW - VIEW, viewport: VIEW, count, rowHeight: ROW, overscan: 3, block: 8 });
    expect(w.last).toBe(count - 1);
    expect(w.after).toBe(0);
  });
});
