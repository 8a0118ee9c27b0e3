import { screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob } from '../../contract/admin-api.ts';
import { generateJobs } from '../testing/fixtures.ts';
import { renderWithFake } from '../testing/render-app.tsx';
import { DataTable } from './data-table.tsx';
import { formatRunsAt } from './delay-badge.tsx';
import { jobColumns } from './job-columns.tsx';

function pendingPair(runAt: number): CachedJob[] {
  const [a, b] = generateJobs({ count: 2, clusterId: 'local', now: Date.now(), pending: 2, running: 0, stuck: 0, paused: 0 });
  return [
    { ...a!, id: 'ready-1', state: 'pending', position: 1, runAt: null },
    { ...b!, id: 'delayed-1', state: 'pending', position: undefined, runAt: new Date(runAt).toISOString() },
  ];
}

function rowOf(table: HTMLElement, id: string): HTMLElement {
  return within(table)
    .getAllByRole('row')
    .find((r) => r.textContent?.includes(id))!;
}

it('the Jobs table shows a delayed job by when it runs, set apart from a pending job ready to run', async () => {
  const at = new Date();
  at.setHours(23, 59, 0, 0);
  const runAt = Math.max(at.getTime(), Date.now() + 60_000);
  renderWithFake(<DataTable label="Jobs" columns={jobColumns('all', false)} data={pendingPair(runAt)} getRowId={(j) => j.id} empty="none" />);
  const table = await screen.findByRole('table', { name: 'Jobs' });
  const ready = within(rowOf(table, 'ready-1')).getByText('Pending');
  expect(ready.className).toBe('badge state-pending');
  const delayed = rowOf(table, 'delayed-1').querySelector<HTMLElement>('.badge')!;
  expect(delayed.className).toBe('badge state-delayed');
  expect(delayed.textContent).toBe(`Runs ${formatRunsAt(runAt, Date.now())}`);
  expect(delayed.getAttribute('title')).toMatch(/^Delayed: pending, and not started before /);
  expect(within(rowOf(table, 'delayed-1')).queryByText('Pending')).toBeNull();
});

it('the queue table gives a delayed job its run-at where a ready job has its place in line', async () => {
  const runAt = Date.now() + 2 * 86_400_000;
  renderWithFake(<DataTable label="Queue" columns={jobColumns('queue', false)} data={pendingPair(runAt)} getRowId={(j) => j.id} empty="none" />);
  const table = await screen.findByRole('table', { name: 'Queue' });
  expect(within(rowOf(table, 'ready-1')).getByTitle(/^Number 1 in line/).textContent).toBe('1');
  expect(within(rowOf(table, 'delayed-1')).getByText(`Runs ${formatRunsAt(runAt, Date.now())}`)).toBeTruthy();
});

it('a runAt that has passed reads as Pending again: the job is in line', async () => {
  const [a] = generateJobs({ count: 1, clusterId: 'local', now: Date.now(), pending: 1, running: 0, stuck: 0, paused: 0 });
  const passed: CachedJob = { ...a!, id: 'was-delayed', state: 'pending', runAt: new Date(Date.now() - 1000).toISOString() };
  renderWithFake(<DataTable label="Jobs" columns={jobColumns('all', false)} data={[passed]} getRowId={(j) => j.id} empty="none" />);
  const table = await screen.findByRole('table', { name: 'Jobs' });
  expect(within(rowOf(table, 'was-delayed')).getByText('Pending')).toBeTruthy();
});

it('the run-at is the time of day today and the day otherwise', () => {
  const now = new Date(2026, 11, 2, 14, 0).getTime();
  expect(formatRunsAt(new Date(2026, 11, 2, 18, 0).getTime(), now)).toMatch(/^(18:00|6:00\sPM)$/);
  expect(formatRunsAt(new Date(2026, 11, 3, 9, 0).getTime(), now)).toMatch(/Dec\s3|3\sDec/);
});
