/**
 * Delay and Run now in the job detail: the dialog refuses what the cluster would refuse (nothing
 * chosen, a time passed) in words before anything is sent, sends the chosen time as an ISO
 * instant, and the job then shows when it runs; Run now is offered only while it is delayed.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { toLocalInput } from '../../components/delay-choice.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { JobDetailPage } from './job-detail-page.tsx';

function pendingJob() {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  return probe.jobs.get('local')!.find((j) => j.state === 'pending' && j.type !== 'sweep')!;
}

function delayCalls(fake: FakeAdminApi) {
  return fake.calls.filter((c) => c.method === 'jobAction' && c.args[2] === 'delay').map((c) => c.args[3]);
}

it('delays a pending job until a local time, refusing an empty or past time in words first; the job then shows when it runs', async () => {
  const job = pendingJob();
  const { fake } = renderWithFake(<JobDetailPage clusterId="local" jobId={job.id} tab="overview" />);
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
  const runNow = within(bar).getByRole('button', { name: `Run now job ${job.id}` });
  expect(runNow.getAttribute('aria-disabled')).toBe('true');
  expect(runNow.getAttribute('title')).toBe(`Job ${job.id} is not delayed: it is in line to run already.`);

  fireEvent.click(within(bar).getByRole('button', { name: `Delay job ${job.id}` }));
  const dialog = await screen.findByRole('dialog', { name: `Delay job ${job.id}` });
  const send = within(dialog).getByRole('button', { name: 'Delay job' });
  fireEvent.click(within(dialog).getByRole('radio', { name: 'Until a date and time' }));
  const when = within(dialog).getByLabelText('Run at (your local time)');

  fireEvent.change(when, { target: { value: '' } });
  expect(within(dialog).getByRole('alert').textContent).toBe('Choose the date and time the job may run.');
  expect(send.getAttribute('aria-disabled')).toBe('true');
  fireEvent.change(when, { target: { value: toLocalInput(Date.now() - 3_600_000) } });
  expect(within(dialog).getByRole('alert').textContent).toMatch(/^That time has passed/);
  await act(async () => fireEvent.click(send));
  expect(delayCalls(fake)).toEqual([]);

  const at = new Date(Date.now() + 3 * 3_600_000);
  at.setSeconds(0, 0);
  fireEvent.change(when, { target: { value: toLocalInput(at.getTime()) } });
  expect(within(dialog).queryByRole('alert')).toBeNull();
  expect(within(dialog).getByRole('status').textContent).toMatch(/^Runs at/);
  await act(async () => fireEvent.click(send));
  await waitFor(() => expect(delayCalls(fake)).toEqual([{ until: at.toISOString() }]));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  expect(fake.jobs.get('local')!.find((j) => j.id === job.id)!.runAt).toBe(at.toISOString());

  // The overview says when it runs, and Run now is offered.
  const panel = screen.getByRole('tabpanel');
  expect(await within(panel).findByText('Runs at')).toBeTruthy();
  expect(within(panel).getByText(/delayed, in (2|3) h/)).toBeTruthy();
  // Not in line before its time: no place in the queue.
  expect(within(panel).queryByText(/position \d+ in queue/)).toBeNull();
  await waitFor(() => expect(within(bar).getByRole('button', { name: `Run now job ${job.id}` }).getAttribute('aria-disabled')).toBeNull());
  await act(async () => fireEvent.click(within(bar).getByRole('button', { name: `Run now job ${job.id}` })));
  await waitFor(() => expect(fake.jobs.get('local')!.find((j) => j.id === job.id)!.runAt).toBeNull());
  await waitFor(() => expect(within(panel).queryByText('Runs at')).toBeNull());
});

it('delays by a duration in minutes as seconds; an empty duration says what is missing', async () => {
  const job = pendingJob();
  const { fake } = renderWithFake(<JobDetailPage clusterId="local" jobId={job.id} tab="overview" />);
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
  fireEvent.click(within(bar).getByRole('button', { name: `Delay job ${job.id}` }));
  const dialog = await screen.findByRole('dialog', { name: `Delay job ${job.id}` });
  fireEvent.change(within(dialog).getByRole('combobox', { name: 'Unit' }), { target: { value: 'minutes' } });
  const amount = within(dialog).getByRole('spinbutton', { name: 'Delay by how many minutes' });
  fireEvent.change(amount, { target: { value: '' } });
  expect(within(dialog).getByRole('alert').textContent).toBe('Enter how many minutes to delay by.');
  fireEvent.change(amount, { target: { value: '30' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Delay job' })));
  await waitFor(() => expect(delayCalls(fake)).toEqual([{ seconds: 1800 }]));
  expect(await screen.findByText(/^Job .* delayed: it runs at /)).toBeTruthy();
});

it('a running job cannot be delayed, and says why', async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const running = probe.jobs.get('local')!.find((j) => j.state === 'running')!;
  renderWithFake(<JobDetailPage clusterId="local" jobId={running.id} tab="overview" />);
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
  const delay = within(bar).getByRole('button', { name: `Delay job ${running.id}` });
  expect(delay.getAttribute('aria-disabled')).toBe('true');
  expect(delay.getAttribute('title')).toMatch(/^Delay is not possible for a running job/);
  fireEvent.click(delay);
  expect(screen.queryByRole('dialog')).toBeNull();
});
