import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { DashboardTable } from '../features/dashboard/dashboard-tables.tsx';
import { JobsPage } from '../features/jobs/jobs-page.tsx';
import { EMPTY_FILTER, useUiStore } from '../store/ui-store.ts';
import { renderWithFake } from '../testing/render-app.tsx';

const scope = { clusterIds: ['local'], clusters: [], several: false, key: 'local', allIds: ['local', 'research'] };

beforeEach(() => {
  window.location.hash = '#/dashboard';
  useUiStore.setState({ clusterScope: 'local', jobFilter: EMPTY_FILTER, jobSort: '-created', selected: {} });
});

function bodyRows(table: HTMLElement): HTMLElement[] {
  return within(table).getAllByRole('row').filter((r) => r.hasAttribute('data-nav-row'));
}

/** Every element Tab can reach inside `el`. */
function tabStops(el: HTMLElement): HTMLElement[] {
  return Array.from(el.querySelectorAll<HTMLElement>('a[href], button, input, select, tr')).filter((e) => e.tabIndex >= 0 && !e.hasAttribute('disabled'));
}

for (const kind of ['active', 'queue', 'completed'] as const) {
  it(`dashboard ${kind} table: a click on a row opens its job; the table is one tab stop plus the active row's controls`, { timeout: 30_000 }, async () => {
    renderWithFake(<DashboardTable kind={kind} scope={scope} />);
    const label = { active: 'Active jobs', queue: 'Queue', completed: 'Completed jobs' }[kind];
    const table = screen.getByRole('table', { name: label });
    await waitFor(() => expect(bodyRows(table).length).toBeGreaterThan(3));
    const rows = bodyRows(table);
    // Only the first row is a tab stop, and only its controls are reachable with Tab.
    expect(rows.map((r) => r.tabIndex)).toEqual(rows.map((_, i) => (i === 0 ? 0 : -1)));
    const stops = tabStops(table);
    expect(stops.every((s) => s === rows[0] || rows[0]!.contains(s))).toBe(true);
    // A click on a cell that is not a control opens that row's job.
    const second = rows[1]!;
    const id = within(second).getAllByRole('link')[0]!.getAttribute('href')!;
    fireEvent.click(second.querySelectorAll('td')[1]!);
    expect(window.location.hash).toBe(id.replace(/\/results$/, ''));
  });
}

it('arrow keys move between rows, Enter opens the focused row, and the active row takes the tab stop', { timeout: 30_000 }, async () => {
  renderWithFake(<DashboardTable kind="completed" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Completed jobs' });
  await waitFor(() => expect(bodyRows(table).length).toBeGreaterThan(3));
  const rows = bodyRows(table);
  act(() => rows[0]!.focus());
  fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
  expect(document.activeElement).toBe(rows[1]);
  fireEvent.keyDown(rows[1]!, { key: 'ArrowDown' });
  expect(document.activeElement).toBe(rows[2]);
  fireEvent.keyDown(rows[2]!, { key: 'ArrowUp' });
  expect(document.activeElement).toBe(rows[1]);
  await waitFor(() => expect(rows[1]!.tabIndex).toBe(0));
  expect(rows[0]!.tabIndex).toBe(-1);
  // From a control inside a row, the arrow goes to the next row too.
  const retry = within(rows[1]!).getByRole('button', { name: /^Retry job / });
  expect(retry.tabIndex).toBe(0);
  act(() => retry.focus());
  fireEvent.keyDown(retry, { key: 'ArrowDown' });
  expect(document.activeElement).toBe(rows[2]);
  fireEvent.keyDown(rows[2]!, { key: 'End' });
  expect(document.activeElement).toBe(rows[rows.length - 1]);
  const href = within(rows[rows.length - 1]!).getAllByRole('link')[0]!.getAttribute('href')!;
  fireEvent.keyDown(rows[rows.length - 1]!, { key: 'Enter' });
  expect(window.location.hash).toBe(href);
});

it('a click on a row control or in its confirmation does not open the job', { timeout: 30_000 }, async () => {
  renderWithFake(<DashboardTable kind="queue" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Queue' });
  await waitFor(() => expect(bodyRows(table).length).toBeGreaterThan(1));
  const cancel = within(bodyRows(table)[0]!).getByRole('button', { name: /^Cancel job / });
  fireEvent.click(cancel);
  const dialog = await screen.findByRole('dialog');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
  expect(window.location.hash).toBe('#/dashboard');
});

it('Jobs view: a click on a row opens the job, Enter too, arrows move between rows, one tab stop', { timeout: 30_000 }, async () => {
  renderWithFake(<JobsPage />);
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(bodyRows(table).length).toBeGreaterThan(10));
  const rows = bodyRows(table);
  expect(rows.filter((r) => r.tabIndex === 0)).toEqual([rows[0]]);
  expect(tabStops(table).filter((s) => s.closest('tbody')).every((s) => s === rows[0] || rows[0]!.contains(s))).toBe(true);
  const href = (r: HTMLElement) => within(r).getAllByRole('link')[0]!.getAttribute('href')!;
  fireEvent.click(rows[3]!.querySelectorAll('td')[3]!);
  expect(window.location.hash).toBe(href(rows[3]!));
  window.location.hash = '#/jobs';
  // The checkbox selects, it does not open.
  fireEvent.click(within(rows[2]!).getByRole('checkbox'));
  expect(window.location.hash).toBe('#/jobs');
  act(() => rows[4]!.focus());
  fireEvent.keyDown(rows[4]!, { key: 'ArrowDown' });
  expect(document.activeElement).toBe(rows[5]);
  await waitFor(() => expect(rows[5]!.tabIndex).toBe(0));
  fireEvent.keyDown(rows[5]!, { key: 'Enter' });
  expect(window.location.hash).toBe(href(rows[5]!));
});
