import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import { EMPTY_FILTER, useUiStore } from '../../store/ui-store.ts';
import { JobsPage } from './jobs-page.tsx';
import { ROW_HEIGHT } from './virtual-job-table.tsx';

beforeEach(() => useUiStore.setState({ clusterScope: 'local', jobFilter: EMPTY_FILTER, jobSort: '-created', selected: {} }));

const jobRows = (table: HTMLElement) => Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody tr[data-nav-row]'));
const idOf = (row: HTMLElement) => within(row).getAllByRole('link')[0]!.getAttribute('title');

it('a jump through the list reuses the rows it has for the jobs it reaches', { timeout: 30_000 }, async () => {
  renderWithFake(<JobsPage />, { localJobs: 3000 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThan(10));
  const before = jobRows(table);
  const idsBefore = before.map(idOf);
  const actionsOf = (rows: HTMLElement[]) => rows.map((row) => row.querySelector('td:last-child button')!);
  const buttonsBefore = actionsOf(before);
  const scroller = screen.getByTestId('jobs-scroll');
  // Within the loaded pages (rows still loading show as placeholders).
  scroller.scrollTop = 300 * ROW_HEIGHT;
  fireEvent.scroll(scroller);
  await waitFor(() => expect(Number(jobRows(table)[0]!.getAttribute('aria-rowindex'))).toBeGreaterThan(290));
  // The window there has rows above it too (overscan), so it holds a few more than at the top.
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThanOrEqual(before.length));
  const after = jobRows(table);
  // Other jobs, in the same <tr> elements.
  expect(after.map(idOf).filter((id) => idsBefore.includes(id))).toEqual([]);
  expect(before.filter((row) => after.includes(row))).toEqual(before);
  // Their actions too: the same buttons, now named for the jobs the rows show.
  const buttonsAfter = actionsOf(after);
  expect(buttonsBefore.filter((b) => buttonsAfter.includes(b))).toEqual(buttonsBefore);
  for (const row of after) expect(within(row).getAllByRole('button')[0]!.getAttribute('aria-label')).toContain(idOf(row)!);
});

it('a new job arriving on top moves the rows: focus and an open confirmation stay with their job', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<JobsPage />, { localJobs: 300 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThan(10));
  const focusedRow = jobRows(table)[3]!;
  const focusedId = idOf(focusedRow);
  act(() => focusedRow.focus());
  const pendingRow = jobRows(table).find((r) => within(r).queryByRole('button', { name: /^Cancel job / }))!;
  const pendingId = idOf(pendingRow);
  fireEvent.click(within(pendingRow).getByRole('button', { name: /^Cancel job / }));
  expect(await screen.findByRole('dialog')).toBeTruthy();

  await act(async () => {
    await fake.api.submitJob('local', { type: 'signal', user: 'alice', config: {} });
  });
  await waitFor(() => expect(fake.calls.filter((c) => c.method === 'queryJobs').length).toBeGreaterThan(1));
  await waitFor(() => expect(idOf(jobRows(table)[4]!)).toBe(focusedId));
  expect(document.activeElement).toBe(jobRows(table)[4]);
  // The confirmation still asks about the job it was opened for, in that job's row.
  const dialog = screen.getByRole('dialog');
  expect(idOf(dialog.closest('tr')!)).toBe(pendingId);
});
