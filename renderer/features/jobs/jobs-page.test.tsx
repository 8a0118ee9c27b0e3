import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import { EMPTY_FILTER, useUiStore } from '../../store/ui-store.ts';
import { JobsPage } from './jobs-page.tsx';

beforeEach(() => useUiStore.setState({ clusterScope: 'local', jobFilter: EMPTY_FILTER, jobSort: '-created', selected: {} }));

it('lists jobs in a virtual table that knows the full count and renders only a window', async () => {
  renderWithFake(<JobsPage />, { localJobs: 3000 });
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(table.getAttribute('aria-rowcount')).toBe('3005')); // 3000 + 4 sweep children + header
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBeGreaterThan(10));
  expect(within(table).getAllByRole('row').length).toBeLessThan(80);
  expect(screen.getByText(/of 3,004 loaded/)).toBeTruthy();
});

it('filters by state (stuck) and search, and selection feeds the bulk bar', async () => {
  const { fake } = renderWithFake(<JobsPage />);
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(within(table).getAllByRole('checkbox').length).toBeGreaterThan(5));
  act(() => useUiStore.getState().setJobFilter({ states: ['stuck'] }));
  // A new query shows skeleton rows, then a new table.
  await waitFor(() => expect(screen.getByRole('table', { name: 'Jobs' }).getAttribute('aria-rowcount')).toBe('2'));
  const filtered = screen.getByRole('table', { name: 'Jobs' });
  const stuck = fake.jobs.get('local')!.find((j) => j.state === 'stuck')!;
  expect(within(filtered).getByRole('link', { name: stuck.id })).toBeTruthy();
  fireEvent.click(within(filtered).getByRole('checkbox', { name: `Select job ${stuck.id}` }));
  expect(within(screen.getByRole('toolbar', { name: 'Bulk actions' })).getByText('1')).toBeTruthy();
  act(() => useUiStore.getState().setJobFilter({ states: [], q: stuck.user }));
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'queryJobs' && (c.args[0] as { filter: { q?: string } }).filter.q === stuck.user)).toBe(true));
});

it('Export list downloads the current filter as CSV', async () => {
  const { fake } = renderWithFake(<JobsPage />);
  await screen.findByRole('table', { name: 'Jobs' });
  const created: string[] = [];
  URL.createObjectURL = () => {
    created.push('blob');
    return 'blob:x';
  };
  URL.revokeObjectURL = () => {};
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export CSV' })));
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'exportJobs' && c.args[1] === 'csv')).toBe(true));
  expect(await screen.findByText(/Saved jobs.csv \(84 rows\)/)).toBeTruthy();
  expect(created).toHaveLength(1);
});

it('with jobs selected, exports hold the selection only and the bulk buttons say so', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<JobsPage />);
  const table = await screen.findByRole('table', { name: 'Jobs' });
  await waitFor(() => expect(within(table).getAllByRole('checkbox').length).toBeGreaterThan(5));
  const bulk = screen.getByRole('toolbar', { name: 'Bulk actions' });
  expect(within(bulk).getByRole('button', { name: 'Cancel all' })).toBeTruthy();
  const boxes = within(table).getAllByRole('checkbox', { name: /^Select job / });
  const ids = boxes.slice(0, 3).map((b) => b.getAttribute('aria-label')!.replace('Select job ', ''));
  for (const box of boxes.slice(0, 3)) fireEvent.click(box);
  expect(within(bulk).getByRole('button', { name: 'Cancel 3 selected' })).toBeTruthy();
  expect(within(bulk).getByRole('button', { name: 'Retry 3 selected' })).toBeTruthy();
  expect(within(bulk).getByRole('button', { name: 'Change priority of 3 selected' })).toBeTruthy();
  expect(within(bulk).queryByRole('button', { name: 'Cancel all' })).toBeNull();
  URL.createObjectURL = () => 'blob:x';
  URL.revokeObjectURL = () => {};
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export 3 selected as CSV' })));
  expect(await screen.findByText(/Saved jobs.csv \(3 rows\)/)).toBeTruthy();
  const call = fake.calls.find((c) => c.method === 'exportJobs')!;
  expect((call.args[2] as { id: string }[]).map((s) => s.id).sort()).toEqual([...ids].sort());
});

it('says "1 job matches the filter" for one match', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<JobsPage />);
  await screen.findByRole('table', { name: 'Jobs' });
  const stuck = fake.jobs.get('local')!.filter((j) => j.state === 'stuck');
  expect(stuck).toHaveLength(1);
  act(() => useUiStore.getState().setJobFilter({ states: ['stuck'] }));
  expect(await screen.findByText(/^1 job matches the filter/)).toBeTruthy();
});

it('says the filter bar is busy while typed text waits to apply, and not once it has', async () => {
  renderWithFake(<JobsPage />);
  await screen.findByRole('table', { name: 'Jobs' });
  const bar = screen.getByRole('search', { name: 'Filter jobs' });
  expect(bar.getAttribute('aria-busy')).toBeNull();
  fireEvent.change(screen.getByLabelText('Users, comma-separated'), { target: { value: 'dmitri' } });
  expect(bar.getAttribute('aria-busy')).toBe('true');
  await waitFor(() => expect(useUiStore.getState().jobFilter.users).toBe('dmitri'));
  await waitFor(() => expect(bar.getAttribute('aria-busy')).toBeNull());
});
