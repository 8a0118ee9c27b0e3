import { act, fireEvent, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CapacitySignals, FailureTrendSignal } from '../../../contract/capacity.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { CapacityPanel } from './capacity-panel.tsx';

const local = new FakeAdminApi({ localJobs: 0 }).clusters.find((c) => c.id === 'local')!;

it('lists the queues asking for capacity first, with their reasons in words', { timeout: 20_000 }, async () => {
  renderWithFake(<CapacityPanel cluster={local} />);
  const table = await screen.findByRole('table', { name: `Capacity signals of ${local.name}` }, { timeout: 10_000 });
  const rows = within(table).getAllByRole('row').slice(1);
  // The fake's sweep queue had jobs waiting in 92% of hours; training's timeouts are increasing.
  const needing = rows.filter((r) => within(r).queryByText('More needed'));
  expect(needing.map((r) => within(r).getByRole('rowheader').textContent).sort()).toEqual(['Sweep', 'Training']);
  expect(rows.indexOf(needing[0]!)).toBeLessThan(2);
  expect(rows.indexOf(needing[1]!)).toBeLessThan(2);
  const why = screen.getByRole('list', { name: 'Why more capacity is needed' });
  expect(why.textContent).toContain('sweep queue had jobs waiting in 92% of hours over 7 days');
  expect(why.textContent).toContain('training: 3.5 timeouts a day in the last 2 days, against 0.8 a day in the 5 days before — increasing');
  const signal = rows.find((r) => within(r).getByRole('rowheader').textContent === 'Signal Generation')!;
  expect(within(signal).getByText('Enough')).toBeTruthy();
});

it('asks for the period chosen and shows a signal without history as such, not as zero', { timeout: 20_000 }, async () => {
  const { fake } = renderWithFake(<CapacityPanel cluster={local} />);
  await screen.findByRole('table', { name: `Capacity signals of ${local.name}` }, { timeout: 10_000 });
  const none: FailureTrendSignal = { value: null, moreCapacityNeeded: false, sentence: 'report: not enough history to compare timeouts over time', cause: 'timeout', perDay: [], total: 0, recentDays: 7, recentPerDay: 0, earlierDays: 0, earlierPerDay: null, increasing: false };
  const answer: CapacitySignals = {
    from: '2026-11-02T12:00:00.000Z',
    to: '2026-12-02T12:00:00.000Z',
    days: 30,
    enoughHistory: true,
    note: 'Over 30 days to 2026-12-02T12:00:00.000Z.',
    thresholds: [{ clusterId: 'local', waitThresholdMs: 120_000, source: 'cached' }],
    queues: [
      {
        clusterId: 'local',
        type: 'report',
        waiting: { value: 0.4, moreCapacityNeeded: false, sentence: 'report queue had jobs waiting in 40% of hours over 30 days (100 of 250 hours)', hoursWaiting: 100, hoursCovered: 250, hoursPaused: 0 },
        waitsOverThreshold: { value: null, moreCapacityNeeded: false, sentence: 'report: not enough history for waits (3 started jobs, 20 needed)', started: 3, over: 0, thresholdMs: 120_000 },
        timeouts: none,
        limitExceeded: { ...none, cause: 'limit-exceeded' },
        moreCapacityNeeded: false,
      },
    ],
  };
  fake.capacity.answers[30] = answer;
  await act(async () => fireEvent.click(screen.getByRole('radio', { name: '30 days' })));
  const table = await screen.findByRole('table', { name: `Capacity signals of ${local.name}` });
  await within(table).findByText('40%');
  expect(fake.calls.filter((c) => c.method === 'getCapacitySignals').map((c) => c.args[0])).toContainEqual({ days: 30, clusterIds: ['local'] });
  const row = within(table).getByRole('rowheader', { name: 'Report Generation' }).closest('tr')!;
  const cells = row.querySelectorAll('td');
  expect(cells[2]!.textContent).toContain('Not enough history');
  expect(cells[2]!.textContent).not.toContain('0%');
  expect(cells[2]!.getAttribute('title')).toBe('report: not enough history for waits (3 started jobs, 20 needed)');
  expect(screen.getByText('No queue shows a sign of needing more capacity over this period.')).toBeTruthy();
});

it('says there is not enough history for an empty cache instead of showing zeros', { timeout: 20_000 }, async () => {
  renderWithFake(<CapacityPanel cluster={local} />, { localJobs: 0, researchJobs: 0 });
  expect(await screen.findByText('Not enough history yet.', {}, { timeout: 10_000 })).toBeTruthy();
  expect(screen.queryByRole('table')).toBeNull();
  expect(screen.queryByText(/\d+%/)).toBeNull();
});
