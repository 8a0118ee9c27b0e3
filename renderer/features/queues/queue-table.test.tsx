import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { QueueTable } from './queue-table.tsx';

it('Pending says how many may run now when some wait for a later start', { timeout: 20_000 }, async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const local = probe.clusters.find((c) => c.id === 'local')!;
  const { fake } = renderWithFake(<QueueTable cluster={local} />);
  const pending = fake.jobs.get('local')!.filter((j) => j.state === 'pending');
  const type = pending[0]!.type;
  const ofType = pending.filter((j) => j.type === type);
  const table = await screen.findByRole('table', { name: `Queues of ${local.name}` }, { timeout: 10_000 });
  const row = () => within(table).getByRole('rowheader', { name: JOB_TYPE_LABELS[type] }).closest('tr')!;
  await within(table).findByRole('rowheader', { name: JOB_TYPE_LABELS[type] }, { timeout: 10_000 });
  // All of them may run: no note.
  expect(within(row()).queryByText(/ ready$/)).toBeNull();
  fake.update('local', ofType[0]!.id, { runAt: new Date(Date.now() + 3_600_000).toISOString() });
  await waitFor(() => expect(within(row()).getByText(`${ofType.length - 1} ready`)).toBeTruthy(), { timeout: 15_000 });
  expect(within(row()).getByText(`${ofType.length - 1} ready`).getAttribute('title')).toBe('1 pending job is scheduled for later or waiting for other jobs');
});

it('Processing rate says Paused or Idle instead of a level when nothing is ready to run', { timeout: 20_000 }, async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const local = probe.clusters.find((c) => c.id === 'local')!;
  const { fake } = renderWithFake(<QueueTable cluster={local} />);
  const table = await screen.findByRole('table', { name: `Queues of ${local.name}` }, { timeout: 10_000 });
  const rateCell = (type: keyof typeof JOB_TYPE_LABELS) => {
    const cells = within(table).getByRole('rowheader', { name: JOB_TYPE_LABELS[type] }).closest('tr')!.querySelectorAll('td');
    return cells[cells.length - 1]!;
  };
  await within(table).findByRole('rowheader', { name: JOB_TYPE_LABELS.report }, { timeout: 10_000 });
  // The fake's local cluster has the report queue paused.
  expect(rateCell('report').textContent).toContain('Paused');
  expect(rateCell('report').textContent).not.toMatch(/Good|Warning|Critical/);
  const jobs = fake.jobs.get('local')!;
  const idleType = (Object.keys(JOB_TYPE_LABELS) as (keyof typeof JOB_TYPE_LABELS)[]).find((t) => t !== 'report' && !jobs.some((j) => j.type === t && j.state === 'pending'));
  if (idleType) expect(rateCell(idleType).textContent).toContain('Idle');
});

it('a concurrency of 1 reads "up to 1 job at once"', { timeout: 30_000 }, async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const local = probe.clusters.find((c) => c.id === 'local')!;
  renderWithFake(<QueueTable cluster={local} />);
  const input = await screen.findByRole('spinbutton', { name: `Concurrency of ${JOB_TYPE_LABELS.backtest}` }, { timeout: 10_000 });
  fireEvent.change(input, { target: { value: '1' } });
  await act(async () => fireEvent.click(within(input.closest('form')!).getByRole('button', { name: 'Save' })));
  await waitFor(() => expect(screen.getByRole('region', { name: 'Action feedback' }).textContent).toContain(`${JOB_TYPE_LABELS.backtest} now runs up to 1 job at once.`));
});
