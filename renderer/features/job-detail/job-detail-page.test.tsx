import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';

/** The same deterministic fixtures renderWithFake uses, to pick job ids. */
function probe() {
  return new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
}
import { JobDetailPage } from './job-detail-page.tsx';

function sweepWithChildren(fake: FakeAdminApi) {
  const jobs = fake.jobs.get('local')!;
  return jobs.find((j) => jobs.some((c) => c.parentId === j.id))!;
}

it('shows the four tabs; Overview has times, attempts, resources and a sweep’s child jobs with their states', async () => {
  const fake = probe();
  const sweep = sweepWithChildren(fake);
  renderWithFake(<JobDetailPage clusterId="local" jobId={sweep.id} tab="overview" />);
  const tabs = await screen.findAllByRole('tab');
  expect(tabs.map((t) => t.textContent)).toEqual(['Overview', 'Configuration', 'Progress', 'Results']);
  expect(tabs[0]!.getAttribute('aria-selected')).toBe('true');
  const panel = screen.getByRole('tabpanel');
  expect(within(panel).getByText('Attempts')).toBeTruthy();
  expect(within(panel).getByText('Peak memory')).toBeTruthy();
  const children = within(panel).getByRole('table', { name: 'Child jobs' });
  expect(within(children).getAllByRole('row')).toHaveLength(5);
  expect(within(panel).getByText('3 completed · 1 failed')).toBeTruthy();
});

it('Configuration is readable: grouped sections with labels, symbols as tags, raw JSON on demand', async () => {
  renderWithFake(<JobDetailPage clusterId="local" jobId="100080" tab="configuration" />);
  const panel = await screen.findByRole('tabpanel');
  await within(panel).findByRole('region', { name: 'Input parameters' });
  expect(within(panel).getByRole('region', { name: 'Date ranges' })).toBeTruthy();
  expect(within(panel).getByText('Raw JSON')).toBeTruthy();
});

it('Progress shows steps, the error with its stack, and filters the log by search', async () => {
  const fake = probe();
  const failed = fake.jobs.get('local')!.find((j) => j.state === 'failed')!;
  renderWithFake(<JobDetailPage clusterId="local" jobId={failed.id} tab="progress" />);
  const panel = await screen.findByRole('tabpanel');
  await within(panel).findByRole('region', { name: 'Steps' });
  expect(within(panel).getAllByText('Failed').length).toBeGreaterThan(0);
  expect(within(panel).getByText('Stack trace')).toBeTruthy();
  const log = within(panel).getByRole('log', { name: 'Job log' });
  const before = log.querySelectorAll('.log-line').length;
  expect(before).toBeGreaterThan(1);
  fireEvent.change(within(panel).getByRole('searchbox', { name: 'Search the log' }), { target: { value: 'started' } });
  await waitFor(() => expect(log.querySelectorAll('.log-line').length).toBeLessThan(before));
  expect(log.querySelectorAll('mark').length).toBeGreaterThan(0);
});

it('Results shows output location, metrics, files and next steps; a failed job says why there are none', async () => {
  const fake = probe();
  const done = fake.jobs.get('local')!.find((j) => j.state === 'completed')!;
  renderWithFake(<JobDetailPage clusterId="local" jobId={done.id} tab="results" />);
  const panel = await screen.findByRole('tabpanel');
  expect(await within(panel).findByText(`/var/lib/sigmatiq/results/${done.id}/`)).toBeTruthy();
  expect(within(panel).getByText('Sharpe')).toBeTruthy();
  expect(within(panel).getByRole('table', { name: 'Files created' })).toBeTruthy();
  expect(within(panel).getByRole('region', { name: 'Next steps' })).toBeTruthy();
});

it('actions fit the state: a running job can be stopped or paused, not retried (and says why); force stop asks first', async () => {
  const fake = probe();
  const running = fake.jobs.get('local')!.find((j) => j.state === 'running')!;
  const r = renderWithFake(<JobDetailPage clusterId="local" jobId={running.id} tab="overview" />);
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
  const retry = within(bar).getByRole('button', { name: `Retry job ${running.id}` });
  expect(retry.getAttribute('aria-disabled')).toBe('true');
  expect(retry.getAttribute('title')).toBe('Retry is not possible for a running job. Possible now: Graceful stop, Force stop, Pause.');
  expect(within(bar).getByRole('button', { name: `Pause job ${running.id}` }).getAttribute('aria-disabled')).toBeNull();
  fireEvent.click(within(bar).getByRole('button', { name: `Force stop job ${running.id}` }));
  const dialog = await screen.findByRole('dialog', { name: `Force stop job ${running.id}?` });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Force stop now' })));
  await waitFor(() => expect(r.fake.jobs.get('local')!.find((j) => j.id === running.id)!.state).toBe('cancelled'));
  expect(await screen.findByText(`Job ${running.id} force stopped.`)).toBeTruthy();
});

it('shows the cluster’s message when an action fails', async () => {
  const fake = probe();
  const pending = fake.jobs.get('local')!.find((j) => j.state === 'pending')!;
  const r = renderWithFake(<JobDetailPage clusterId="local" jobId={pending.id} tab="overview" />);
  await screen.findByRole('toolbar', { name: 'Job actions' });
  // The job starts running on the cluster before the admin's cancel arrives.
  r.fake.jobs.get('local')!.find((j) => j.id === pending.id)!.state = 'running';
  fireEvent.click(screen.getByRole('button', { name: `Cancel job ${pending.id}` }));
  await act(async () => fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel job' })));
  expect(await screen.findByText('job is running: cancel does not apply')).toBeTruthy();
});
