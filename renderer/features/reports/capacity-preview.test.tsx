import { render, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CapacitySignals, FailureTrendSignal } from '../../../contract/capacity.ts';
import { CapacityPreview } from './capacity-preview.tsx';

const trend = (over: Partial<FailureTrendSignal>): FailureTrendSignal => ({
  value: 0,
  moreCapacityNeeded: false,
  sentence: 'report: no timeouts in 7 days',
  cause: 'timeout',
  perDay: [],
  total: 0,
  recentDays: 2,
  recentPerDay: 0,
  earlierDays: 5,
  earlierPerDay: 0,
  increasing: false,
  ...over,
});

const base: CapacitySignals = {
  from: '2026-11-25T12:00:00.000Z',
  to: '2026-12-02T12:00:00.000Z',
  days: 7,
  enoughHistory: true,
  note: 'Over 7 days to 2026-12-02 12:00 UTC. Wait thresholds: east 1 min (from the cluster).',
  thresholds: [{ clusterId: 'east', waitThresholdMs: 60_000, source: 'cluster' }],
  queues: [
    {
      clusterId: 'east',
      type: 'signal',
      waiting: { value: 0, moreCapacityNeeded: false, sentence: 'signal queue had jobs waiting in 0% of hours over 7 days (0 of 168 hours)', hoursWaiting: 0, hoursCovered: 168, hoursPaused: 0 },
      waitsOverThreshold: { value: null, moreCapacityNeeded: false, sentence: 'signal: not enough history for waits (4 started jobs, 20 needed)', started: 4, over: 0, thresholdMs: 60_000 },
      timeouts: trend({}),
      limitExceeded: trend({ cause: 'limit-exceeded' }),
      moreCapacityNeeded: false,
    },
    {
      clusterId: 'east',
      type: 'report',
      waiting: { value: 0.92, moreCapacityNeeded: true, sentence: 'report queue had jobs waiting in 92% of hours over 7 days (155 of 168 hours)', hoursWaiting: 155, hoursCovered: 168, hoursPaused: 0 },
      waitsOverThreshold: { value: 0.02, moreCapacityNeeded: false, sentence: '2% of 300 report jobs started over 7 days waited longer than 1 min', started: 300, over: 6, thresholdMs: 60_000 },
      timeouts: trend({ value: 4, recentPerDay: 4, earlierPerDay: 1, total: 13, increasing: true, moreCapacityNeeded: true, sentence: 'report: 4 timeouts a day in the last 2 days, against 1 a day in the 5 days before — increasing' }),
      limitExceeded: trend({ cause: 'limit-exceeded' }),
      moreCapacityNeeded: true,
    },
  ],
};

it('lists the queue asking for capacity first, its signals in short and why in words', () => {
  render(<CapacityPreview capacity={base} />);
  const rows = within(screen.getByRole('table', { name: 'Capacity' })).getAllByRole('row').slice(1);
  expect(rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent))).toEqual([
    ['report', 'More needed', '92%', '2%', '4.0 (before 1.0) · increasing', '0 (before 0)'],
    ['signal', 'Enough', '0%', 'no history', '0 (before 0)', '0 (before 0)'],
  ]);
  expect(within(screen.getByRole('list', { name: 'Why more capacity is needed' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
    'report queue had jobs waiting in 92% of hours over 7 days (155 of 168 hours)',
    'report: 4 timeouts a day in the last 2 days, against 1 a day in the 5 days before — increasing',
  ]);
});

it('says there is not enough history instead of a table of zeros', () => {
  render(<CapacityPreview capacity={{ ...base, enoughHistory: false, queues: [], note: 'Not enough history: the cache holds no jobs of these clusters yet.' }} />);
  expect(screen.queryByRole('table')).toBeNull();
  expect(screen.getByText('Not enough history: the cache holds no jobs of these clusters yet.')).toBeTruthy();
});
