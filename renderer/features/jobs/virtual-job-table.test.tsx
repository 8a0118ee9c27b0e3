import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { jobColumns } from '../../components/job-columns.tsx';
import { renderWithFake } from '../../testing/render-app.tsx';
import { EMPTY_FILTER, useUiStore } from '../../store/ui-store.ts';
import { JobsPage } from './jobs-page.tsx';
import type { JobPages } from './use-job-pages.ts';
import { ROW_HEIGHT, VirtualJobTable } from './virtual-job-table.tsx';

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

it('a million jobs fit in a table a browser can lay out, and the end of the scroll range shows the last job', () => {
  const count = 1_000_000;
  const pages: JobPages = { total: count, rows: [], loading: true, error: null, syncedAt: null, stale: false, ensure: () => {}, reload: () => {} };
  render(<VirtualJobTable pages={pages} columns={jobColumns('all', false, true)} label="Jobs" />);
  const table = screen.getByRole('table', { name: 'Jobs' });
  const body = table.querySelector('tbody')!;
  const laidOut = () => Array.from(body.querySelectorAll<HTMLElement>('tr')).reduce((sum, tr) => sum + (tr.classList.contains('spacer') ? parseFloat(tr.style.height) : ROW_HEIGHT), 0);
  // Chromium cannot lay out an element taller than about 33.5 million px.
  expect(laidOut()).toBeLessThan(33_000_000);
  const scroller = screen.getByTestId('jobs-scroll');
  act(() => {
    scroller.scrollTop = laidOut() - 700;
    fireEvent.scroll(scroller);
  });
  const rows = Array.from(body.querySelectorAll('tr[aria-rowindex]'));
  expect(rows.at(-1)!.getAttribute('aria-rowindex')).toBe(String(count + 1));
  expect(table.getAttribute('aria-rowcount')).toBe(String(count + 1));
});

it('a fling keeps the rows drawn until it slows, then draws the rows in view', { timeout: 30_000 }, async () => {
  renderWithFake(<JobsPage />, { localJobs: 3000 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThan(10));
  const scroller = screen.getByTestId('jobs-scroll');
  const firstShown = () => Number(table.querySelector('tbody tr[aria-rowindex]')!.getAttribute('aria-rowindex'));
  const jumpTo = (row: number) =>
    act(() => {
      scroller.scrollTop = row * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
  // One jump is drawn at once (a click in the scrollbar, End).
  jumpTo(100);
  expect(firstShown()).toBeGreaterThan(90);
  // Jump after jump is a fling: what is drawn stays.
  jumpTo(200);
  jumpTo(300);
  expect(firstShown()).toBeLessThan(110);
  // Once no scroll comes, the rows in view are drawn.
  await waitFor(() => expect(firstShown()).toBeGreaterThan(290));
});

it('a slow scroll redraws the rows only when the view crosses a block of rows, not at every row', { timeout: 30_000 }, async () => {
  renderWithFake(<JobsPage />, { localJobs: 3000 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThan(10));
  const scroller = screen.getByTestId('jobs-scroll');
  const drawn = () => jobRows(table).map((row) => row.getAttribute('aria-rowindex')).join();
  let redraws = 0;
  let shown = drawn();
  // 20 px per step over 16 rows, as a wheel or a drag of the scrollbar moves.
  for (let top = 20; top <= 16 * ROW_HEIGHT; top += 20) {
    act(() => {
      scroller.scrollTop = top;
      fireEvent.scroll(scroller);
    });
    if (drawn() !== shown) redraws++;
    shown = drawn();
    // The rows drawn still cover the view.
    const rows = jobRows(table).map((row) => Number(row.getAttribute('aria-rowindex')) - 2);
    expect(rows[0]).toBeLessThanOrEqual(Math.floor(top / ROW_HEIGHT));
    expect(rows.at(-1)).toBeGreaterThanOrEqual(Math.ceil((top + 700) / ROW_HEIGHT));
  }
  expect(redraws).toBeLessThanOrEqual(4);
});

it('at a slow scroll the next block of rows renders after the scroll, while the rows on screen still cover the view', { timeout: 30_000 }, async () => {
  renderWithFake(<JobsPage />, { localJobs: 3000 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(jobRows(table).length).toBeGreaterThan(10));
  const scroller = screen.getByTestId('jobs-scroll');
  const drawn = () => jobRows(table).map((row) => Number(row.getAttribute('aria-rowindex')) - 2);
  let redrawnInScroll = 0;
  for (let top = 20; top <= 16 * ROW_HEIGHT; top += 20) {
    const before = drawn().join();
    scroller.scrollTop = top;
    // Dispatched as the browser does, outside act() (which would render everything at once).
    scroller.dispatchEvent(new Event('scroll'));
    // Right after the scroll: whatever is on screen covers the view.
    const rows = drawn();
    expect(rows[0]).toBeLessThanOrEqual(Math.floor(top / ROW_HEIGHT));
    expect(rows.at(-1)).toBeGreaterThanOrEqual(Math.ceil((top + 700) / ROW_HEIGHT) - 1);
    if (rows.join() !== before) redrawnInScroll++;
    await act(async () => {});
  }
  expect(redrawnInScroll).toBe(0);
  // The rows did move on, after the scrolls.
  expect(drawn()[0]).toBeGreaterThan(0);
});
