/**
 * "Notify user": stop, force stop, cancel and retry take an optional note for the job's owner. The
 * question each of them asks offers the note's field (in the job tables' rows and in the job
 * detail's bar alike); what is typed goes to the cluster with the action, and the feedback says
 * what became of it. Actions without a note leave the field out, and an empty note sends none.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob, CachedJobDetail } from '../../contract/admin-api.ts';
import type { JobState } from '../../contract/domain.ts';
import { JobActionsBar } from '../features/job-detail/job-actions-bar.tsx';
import { FakeAdminApi } from '../testing/fake-admin-api.ts';
import { renderWithFake } from '../testing/render-app.tsx';
import { JobRowActions } from './job-actions.tsx';

/** The fake's jobs are the same for the same options: a probe finds a job the rendered fake has too. */
async function probeJob(state: JobState): Promise<CachedJobDetail> {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const job = probe.jobs.get('local')!.find((j) => j.type !== 'sweep')!;
  return { ...(await probe.api.getJob('local', job.id)), state };
}

/** Puts the rendered fake's copy of the job in the state the UI was given. */
function setState(fake: FakeAdminApi, job: Pick<CachedJob, 'id'>, state: JobState): void {
  fake.jobs.get('local')!.find((j) => j.id === job.id)!.state = state;
}

function actionCalls(fake: FakeAdminApi) {
  return fake.calls.filter((c) => c.method === 'jobAction').map((c) => c.args);
}

it('force stop in the bar carries the typed note to the cluster and says where it went', async () => {
  const job = await probeJob('running');
  const { fake } = renderWithFake(<JobActionsBar job={job} />);
  setState(fake, job, 'running');
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });
  fireEvent.click(within(bar).getByRole('button', { name: `Force stop job ${job.id}` }));
  const dialog = await screen.findByRole('dialog', { name: `Force stop job ${job.id}?` });
  const field = within(dialog).getByRole('textbox', { name: `Note for ${job.user} (optional)` });
  expect(field.getAttribute('maxlength')).toBe('1000');
  fireEvent.change(field, { target: { value: '  Your backtest hung on the data feed; rerun it after 14:00.  ' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Force stop now' })));
  await waitFor(() => expect(actionCalls(fake)).toEqual([['local', job.id, 'force-stop', { note: 'Your backtest hung on the data feed; rerun it after 14:00.' }]]));
  expect(await screen.findByText(`Job ${job.id} force stopped. Note for ${job.user} on its way by email.`)).toBeTruthy();
});

it('cancel from a queue row sends the note; without a note nothing but the action goes', async () => {
  const job = await probeJob('pending');
  const r = renderWithFake(
    <div role="row" aria-label="job row">
      <JobRowActions job={job} kind="queue" />
    </div>,
  );
  setState(r.fake, job, 'pending');
  const row = within(r.container).getByRole('row');
  fireEvent.click(within(row).getByRole('button', { name: `Cancel job ${job.id}` }));
  let dialog = await screen.findByRole('dialog');
  // Only spaces: no note goes.
  fireEvent.change(within(dialog).getByRole('textbox', { name: /^Note for/ }), { target: { value: '   ' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel job' })));
  await waitFor(() => expect(actionCalls(r.fake)).toEqual([['local', job.id, 'cancel', {}]]));
  expect(await screen.findByText(`Job ${job.id} cancelled.`)).toBeTruthy();

  setState(r.fake, job, 'pending');
  fireEvent.click(within(row).getByRole('button', { name: `Cancel job ${job.id}` }));
  dialog = await screen.findByRole('dialog');
  fireEvent.change(within(dialog).getByRole('textbox', { name: /^Note for/ }), { target: { value: 'Queued twice by mistake' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel job' })));
  await waitFor(() => expect(actionCalls(r.fake)[1]).toEqual(['local', job.id, 'cancel', { note: 'Queued twice by mistake' }]));
});

it('retry runs at once, and "Retry with a note…" asks first with the field; delete offers no note', async () => {
  const job = await probeJob('failed');
  const r = renderWithFake(<JobActionsBar job={job} />);
  setState(r.fake, job, 'failed');
  const bar = await screen.findByRole('toolbar', { name: 'Job actions' });

  fireEvent.click(within(bar).getByRole('button', { name: `Delete job ${job.id}` }));
  const ask = await screen.findByRole('dialog', { name: `Delete job ${job.id}?` });
  expect(within(ask).queryByRole('textbox')).toBeNull();
  // Only what cannot be undone asks with a red button.
  expect(within(ask).getByRole('button', { name: 'Delete job' }).className).toContain('btn-danger');
  fireEvent.click(within(ask).getByRole('button', { name: 'Keep it' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

  fireEvent.click(within(bar).getByRole('button', { name: `Retry job ${job.id} with a note for its owner` }));
  const dialog = await screen.findByRole('dialog', { name: `Retry job ${job.id}?` });
  expect(within(dialog).getByRole('button', { name: 'Retry job' }).className).toContain('btn-primary');
  fireEvent.change(within(dialog).getByRole('textbox', { name: `Note for ${job.user} (optional)` }), { target: { value: 'Fixed the config, retrying for you' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Retry job' })));
  await waitFor(() => expect(actionCalls(r.fake)).toEqual([['local', job.id, 'retry', { note: 'Fixed the config, retrying for you' }]]));
  expect(await screen.findByText(`Job ${job.id} queued for retry. Note for ${job.user} on its way by email.`)).toBeTruthy();
});
