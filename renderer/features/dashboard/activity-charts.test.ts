/** The finished/failed bars stack to the number of jobs that finished (a failed job is drawn once). */
import { expect, test } from 'vitest';
import { formatMetric } from '../../components/format.ts';
import { withoutFailed } from './activity-charts.tsx';

test('a failed job is one bar unit, not one as finished and one more as failed', () => {
  const p = withoutFailed({ at: '2026-11-29T03:10:00.000Z', finished: 3, failed: 1, queueLength: 0 });
  expect(p.finishedOk + p.failed).toBe(3);
  expect(withoutFailed({ at: '2026-11-29T03:10:00.000Z', finished: 1, failed: 1, queueLength: 0 }).finishedOk).toBe(0);
});

test('a queue of one reads "1 job"', () => {
  expect(formatMetric('queueLength', 1)).toBe('1 job');
  expect(formatMetric('queueLength', 2_500)).toBe('2,500 jobs');
});
