import { expect, test } from 'vitest';
import { TIME_RANGES } from '../../contract/admin-api.ts';
import { axisMargins, tickFormatter } from './time-ranges.ts';

test('chart margins leave room for half of the outermost x-axis labels on both sides', () => {
  for (const range of TIME_RANGES) {
    const label = tickFormatter(range)('2026-11-25T18:00:00.000Z');
    const halfPx = (label.length * 6) / 2;
    for (const yAxisWidth of [44, 50]) {
      const m = axisMargins(label, yAxisWidth);
      expect(m.right, `${range} right`).toBeGreaterThanOrEqual(halfPx);
      expect(m.left + yAxisWidth, `${range} left`).toBeGreaterThanOrEqual(halfPx);
    }
  }
});
