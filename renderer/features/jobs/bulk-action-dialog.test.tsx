import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { toLocalInput } from '../../components/delay-choice.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { BulkActionDialog } from './bulk-action-dialog.tsx';

const probe = () => new FakeAdminApi({ localJobs: 80, researchJobs: 10 });

it('Cancel on a selection is named for the selection, counts first (dry run, nothing changed), then shows a result per job', async () => {
  const p = probe();
  const local = p.clusters.find((c) => c.id === 'local')!;
  const selected = p.jobs.get('local')!.filter((j) => j.state === 'pending').slice(0, 3);
  const running = p.jobs.get('local')!.find((j) => j.state === 'running')!;
  const { fake } = renderWithFake(<BulkActionDialog kind="cancel" target={{ selected: [...selected, running], filter: {}, clusters: [local] }} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Cancel 4 selected' });
  expect(within(dialog).getByRole('status').textContent).toMatch(/Counting/);
  const confirm = await within(dialog).findByRole('button', { name: 'Cancel 3 jobs' });
  expect(within(dialog).getByText(/1 selected job in other states will be left alone/)).toBeTruthy();
  const dry = fake.calls.filter((c) => c.method === 'bulkAction');
  expect(dry).toHaveLength(1);
  expect((dry[0]!.args[1] as { dryRun: boolean }).dryRun).toBe(true);
  expect(fake.jobs.get('local')!.filter((j) => selected.some((s) => s.id === j.id) && j.state === 'cancelled')).toHaveLength(0);
  await act(async () => fireEvent.click(confirm));
  const results = await within(dialog).findByRole('table', { name: 'Result per job' });
  expect(within(results).getAllByText('Done')).toHaveLength(3);
  expect(within(dialog).getByText('3 done, 0 skipped, 0 failed of 3.')).toBeTruthy();
  expect(fake.jobs.get('local')!.filter((j) => selected.some((s) => s.id === j.id) && j.state === 'cancelled')).toHaveLength(3);
});

it('Retry failed over the filter only touches failed jobs, and reports skipped ones with the reason', async () => {
  const p = probe();
  const local = p.clusters.find((c) => c.id === 'local')!;
  const failedCount = p.jobs.get('local')!.filter((j) => j.state === 'failed').length;
  const { fake } = renderWithFake(<BulkActionDialog kind="retry" target={{ selected: null, filter: {}, clusters: [local] }} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Retry failed' });
  const confirm = await within(dialog).findByRole('button', { name: `Retry ${failedCount} jobs` });
  // A job changes state between the count and the run: the cluster skips it and says why.
  const first = fake.jobs.get('local')!.find((j) => j.state === 'failed')!;
  await act(async () => fireEvent.click(confirm));
  await within(dialog).findByRole('table', { name: 'Result per job' });
  expect(within(dialog).getByText(`${failedCount} done, 0 skipped, 0 failed of ${failedCount}.`)).toBeTruthy();
  expect(fake.jobs.get('local')!.find((j) => j.id === first.id)!.state).toBe('pending');
});

it('Change priority asks for the priority, re-counts, and applies it', async () => {
  const p = probe();
  const local = p.clusters.find((c) => c.id === 'local')!;
  const pending = p.jobs.get('local')!.filter((j) => j.state === 'pending');
  const { fake } = renderWithFake(<BulkActionDialog kind="set-priority" target={{ selected: pending, filter: {}, clusters: [local] }} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: /^Change priority of \d+ selected$/ });
  fireEvent.change(within(dialog).getByRole('combobox'), { target: { value: 'low' } });
  await act(async () => fireEvent.click(await within(dialog).findByRole('button', { name: `Change priority of ${pending.length} jobs` })));
  await within(dialog).findByRole('table', { name: 'Result per job' });
  expect(fake.jobs.get('local')!.filter((j) => j.state === 'pending').every((j) => j.priority === 'low')).toBe(true);
});

it('Delete old counts finished jobs older than N days, per cluster, and skips offline clusters in words', async () => {
  const p = probe();
  const { fake } = renderWithFake(<BulkActionDialog kind="delete-old" target={{ selected: null, filter: {}, clusters: p.clusters }} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Delete old jobs' });
  // Fixture jobs are at most a few hours old: nothing is 30 days old.
  expect(await within(dialog).findByRole('button', { name: 'Delete 0 jobs' })).toBeTruthy();
  expect(within(dialog).getByText(/Research is offline: skipped until it reconnects/)).toBeTruthy();
  fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Older than (days)' }), { target: { value: '1' } });
  await waitFor(() => expect(within(dialog).getByRole('button', { name: /^Delete 0 jobs|Counting/ })).toBeTruthy());
  const finishedBefore = fake.calls.filter((c) => c.method === 'bulkAction').map((c) => (c.args[1] as { filter: { finishedBefore: string } }).filter.finishedBefore);
  expect(finishedBefore.length).toBeGreaterThanOrEqual(1);
  expect(Date.now() - Date.parse(finishedBefore[0]!)).toBeGreaterThan(29 * 86_400_000);
});

it('Delay pending over a filter counts with a dry run, refuses a past time in words, and sends the chosen time to every matching pending job', { timeout: 30_000 }, async () => {
  const p = probe();
  const local = p.clusters.find((c) => c.id === 'local')!;
  const filter = { priority: ['low' as const] };
  const lowPending = p.jobs.get('local')!.filter((j) => j.state === 'pending' && j.priority === 'low');
  expect(lowPending.length).toBeGreaterThan(0);
  const { fake } = renderWithFake(<BulkActionDialog kind="delay" target={{ selected: null, filter, clusters: [local] }} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Delay pending' });
  const confirm = await within(dialog).findByRole('button', { name: `Delay ${lowPending.length} job${lowPending.length === 1 ? '' : 's'}` });
  const dry = fake.calls.filter((c) => c.method === 'bulkAction').map((c) => c.args[1]);
  expect(dry).toEqual([{ action: 'delay', filter: { priority: ['low'], state: ['pending'] }, seconds: 3600, dryRun: true }]);

  fireEvent.click(within(dialog).getByRole('radio', { name: 'Until a date and time' }));
  const when = within(dialog).getByLabelText('Run at (your local time)');
  fireEvent.change(when, { target: { value: toLocalInput(Date.now() - 60_000) } });
  expect(within(dialog).getByRole('alert').textContent).toMatch(/^That time has passed/);
  expect(confirm.getAttribute('aria-disabled')).toBe('true');

  const at = new Date(Date.now() + 5 * 3_600_000);
  at.setSeconds(0, 0);
  fireEvent.change(when, { target: { value: toLocalInput(at.getTime()) } });
  await act(async () => fireEvent.click(confirm));
  await within(dialog).findByRole('table', { name: 'Result per job' });
  const sent = fake.calls.filter((c) => c.method === 'bulkAction').map((c) => c.args[1]);
  expect(sent).toHaveLength(2);
  expect(sent[1]).toEqual({ action: 'delay', filter: { priority: ['low'], state: ['pending'] }, until: at.toISOString(), dryRun: false });
  expect(within(dialog).getByText(`${lowPending.length} done, 0 skipped, 0 failed of ${lowPending.length}.`)).toBeTruthy();
  expect(within(dialog).getAllByText(/^runs at /)).toHaveLength(lowPending.length);
  const ids = new Set(lowPending.map((j) => j.id));
  expect(fake.jobs.get('local')!.filter((j) => ids.has(j.id)).every((j) => j.runAt === at.toISOString())).toBe(true);
  expect(fake.jobs.get('local')!.filter((j) => !ids.has(j.id) && j.runAt)).toEqual([]);
});

it('Run now on a selection sends only the jobs still delayed, and they are back in line', { timeout: 30_000 }, async () => {
  const p = probe();
  const local = p.clusters.find((c) => c.id === 'local')!;
  const pending = p.jobs.get('local')!.filter((j) => j.state === 'pending').slice(0, 3);
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const passed = new Date(Date.now() - 60_000).toISOString();
  const selected = [
    { ...pending[0]!, runAt: later },
    { ...pending[1]!, runAt: later },
    { ...pending[2]!, runAt: passed },
  ];
  const { fake } = renderWithFake(<BulkActionDialog kind="run-now" target={{ selected, filter: {}, clusters: [local] }} onClose={() => {}} />);
  for (const j of selected) fake.jobs.get('local')!.find((x) => x.id === j.id)!.runAt = j.runAt;
  const dialog = screen.getByRole('dialog', { name: 'Run now 3 selected' });
  const confirm = await within(dialog).findByRole('button', { name: 'Run now 2 jobs' });
  expect(within(dialog).getByText(/1 selected job not delayed will be left alone/)).toBeTruthy();
  await act(async () => fireEvent.click(confirm));
  await within(dialog).findByRole('table', { name: 'Result per job' });
  const sent = fake.calls.filter((c) => c.method === 'bulkAction').map((c) => c.args[1]);
  expect(sent.at(-1)).toEqual({ action: 'run-now', ids: [pending[0]!.id, pending[1]!.id], dryRun: false });
  expect(fake.jobs.get('local')!.filter((j) => j.id === pending[0]!.id || j.id === pending[1]!.id).map((j) => j.runAt)).toEqual([null, null]);
});
