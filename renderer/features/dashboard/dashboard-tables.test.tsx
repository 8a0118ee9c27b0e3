import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { useUiStore } from '../../store/ui-store.ts';
import { DashboardTable } from './dashboard-tables.tsx';

const scope = { clusterIds: ['local'], clusters: [], several: false, key: 'local', allIds: ['local', 'research'] };

beforeEach(() => useUiStore.setState({ clusterScope: 'local' }));

function headers(table: HTMLElement) {
  return within(table).getAllByRole('columnheader').map((h) => h.textContent);
}

it('Active jobs table has its columns and shows running, paused and stuck jobs', async () => {
  renderWithFake(<DashboardTable kind="active" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Active jobs' });
  expect(headers(table)).toEqual(['Job ID', 'Type', 'User', 'Started', 'Progress', 'ETA', 'Actions']);
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBe(9)); // header + 8 rows (limit)
  expect(within(table).getAllByRole('progressbar').length).toBeGreaterThan(0);
  expect(within(table).getByText('No progress')).toBeTruthy(); // the stuck job
});

it('Queue table lists pending jobs by position; Cancel asks first, then the job is cancelled on the cluster', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="queue" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Queue' });
  expect(headers(table)).toEqual(['Job ID', 'Queue', 'Place in queue', 'Priority', 'User', 'Created', 'Actions']);
  const cancel = (await within(table).findAllByRole('button', { name: /^Cancel job / }))[0]!;
  const id = cancel.getAttribute('aria-label')!.replace('Cancel job ', '');
  fireEvent.click(cancel);
  const dialog = await screen.findByRole('dialog', { name: `Cancel job ${id}?` });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel job' })));
  await waitFor(() => expect(fake.jobs.get('local')!.find((j) => j.id === id)!.state).toBe('cancelled'));
  expect(await screen.findByText(`Job ${id} cancelled.`)).toBeTruthy();
  await waitFor(() => expect(within(table).queryByRole('button', { name: `Cancel job ${id}` })).toBeNull());
});

it('Queue table: places in line repeat per queue, so each row names its job and its queue', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="queue" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Queue' });
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBeGreaterThan(3));
  const rows = within(table).getAllByRole('row').slice(1);
  const places = new Map<string, number>();
  for (const row of rows) {
    const cells = within(row).getAllByRole('cell');
    const id = within(cells[0]!).getByRole('link').textContent!;
    const job = fake.jobs.get('local')!.find((j) => j.id === id)!;
    expect(cells[1]!.textContent).toBe(JOB_TYPE_LABELS[job.type]);
    expect(cells[2]!.textContent).toBe(String(job.position));
    expect(cells[2]!.firstElementChild!.getAttribute('title')).toBe(`Number ${job.position} in line in the ${JOB_TYPE_LABELS[job.type]} queue`);
    places.set(`${job.type}:${job.position}`, (places.get(`${job.type}:${job.position}`) ?? 0) + 1);
  }
  // A place is unique within its queue.
  expect([...places.values()].every((n) => n === 1)).toBe(true);
});

it('Queue table changes a priority with feedback', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="queue" scope={scope} />);
  const select = (await screen.findAllByRole('combobox', { name: /^Change priority of job / }))[0]!;
  const id = select.getAttribute('aria-label')!.replace('Change priority of job ', '');
  await act(async () => fireEvent.change(select, { target: { value: 'low' } }));
  await waitFor(() => expect(fake.jobs.get('local')!.find((j) => j.id === id)!.priority).toBe('low'));
  expect(await screen.findByText(`Job ${id} given a new priority.`)).toBeTruthy();
});

it('Completed table shows status and duration; Retry of a failed job puts it back in the queue', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="completed" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Completed jobs' });
  expect(headers(table)).toEqual(['Job ID', 'Type', 'Status', 'Duration', 'Finished', 'Actions']);
  await within(table).findAllByRole('link', { name: /^View results job / });
  // Make the newest finished job a failure, as the cluster would report it.
  const done = fake.jobs.get('local')!.find((j) => j.state === 'completed')!;
  act(() => fake.update('local', done.id, { state: 'failed', finishedAt: new Date().toISOString(), errorMessage: 'Timeout reached' }));
  const failedRow = (await within(table).findAllByText('Failed'))[0]!.closest('tr')!;
  const retry = within(failedRow).getByRole('button', { name: /^Retry job / });
  const id = retry.getAttribute('aria-label')!.replace('Retry job ', '');
  await act(async () => fireEvent.click(retry));
  await waitFor(() => expect(fake.jobs.get('local')!.find((j) => j.id === id)!.state).toBe('pending'));
});

it('actions on an offline cluster are disabled and say why', async () => {
  useUiStore.setState({ clusterScope: 'research' });
  renderWithFake(<DashboardTable kind="active" scope={{ ...scope, clusterIds: ['research'], key: 'research' }} />);
  const stop = (await screen.findAllByRole('button', { name: /^Graceful stop job / }))[0]!;
  expect(stop.getAttribute('aria-disabled')).toBe('true');
  expect(stop.getAttribute('title')).toMatch(/Research is offline: actions wait until it is online again/);
  fireEvent.click(stop);
  expect(screen.queryByRole('dialog')).toBeNull();
});

it('renders the designed empty state when nothing is running', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="active" scope={scope} />, { localJobs: 0 });
  expect(fake.jobs.get('local')!.length).toBe(0);
  expect(await screen.findByText('No job is running right now.')).toBeTruthy();
});

it('ETA: a job just started whose usual time has passed reads "Any moment"; one running long past it reads "Overdue"', async () => {
  const { fake } = renderWithFake(<DashboardTable kind="active" scope={scope} />);
  const table = screen.getByRole('table', { name: 'Active jobs' });
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBeGreaterThan(2));
  // Two running jobs the table shows, both with an ETA just past: one started 5 s ago (it moves to
  // the top, the newest start), one long running.
  const shown = new Set(within(table).getAllByRole('link').map((a) => a.textContent));
  const running = fake.jobs.get('local')!.filter((j) => j.state === 'running' && shown.has(j.id));
  const long = running.find((j) => Date.now() - Date.parse(j.startedAt!) > 120_000);
  const fresh = running.find((j) => j !== long);
  expect(fresh && long).toBeTruthy();
  const past = new Date(Date.now() - 2_000).toISOString();
  act(() => {
    fake.update('local', fresh!.id, { startedAt: new Date(Date.now() - 5_000).toISOString(), eta: past });
    fake.update('local', long!.id, { eta: past });
  });
  const rowOf = (id: string) => within(table).getByRole('link', { name: id }).closest('tr')!;
  await waitFor(() => expect(within(rowOf(fresh!.id)).getByText('Any moment')).toBeTruthy());
  await waitFor(() => expect(within(rowOf(long!.id)).getByText('Overdue')).toBeTruthy());
  expect(within(rowOf(long!.id)).getByText('Overdue').getAttribute('title')).toMatch(/^Running longer than jobs of this type usually take/);
});
