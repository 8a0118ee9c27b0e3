import { act, fireEvent, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob } from '../../../contract/admin-api.ts';
import type { Priority } from '../../../contract/domain.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { BoostDialog } from './boost-dialog.tsx';
import { boostedPriority } from './boost-plan.ts';

it('one step up, from the least urgent: Low → Normal → High → Critical, and nothing above Critical', () => {
  expect((['low', 'normal', 'high', 'critical'] as Priority[]).map(boostedPriority)).toEqual(['normal', 'high', 'critical', null]);
});

/** Four pending jobs, one of each priority, and a running one; the rendered fake gets the same priorities. */
function selection(fake: FakeAdminApi): CachedJob[] {
  const jobs = fake.jobs.get('local')!;
  const pending = jobs.filter((j) => j.state === 'pending' && j.type !== 'sweep').slice(0, 4);
  (['low', 'normal', 'high', 'critical'] as Priority[]).forEach((p, i) => (pending[i]!.priority = p));
  return [...pending, jobs.find((j) => j.state === 'running')!];
}

it('Boost says where each selected job goes, sends one set-priority per new priority, and reports a Critical job as unchanged, not failed', async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const chosen = selection(probe);
  const local = probe.clusters.find((c) => c.id === 'local')!;
  const { fake } = renderWithFake(<BoostDialog selected={chosen} clusters={[local]} onClose={() => {}} />);
  selection(fake);
  const dialog = screen.getByRole('dialog', { name: 'Boost 5 selected' });

  const lines = within(dialog).getByRole('table', { name: 'Priority per job' });
  const rows = within(lines).getAllByRole('row').slice(1).map((r) => r.textContent);
  expect(rows).toEqual([
    `${chosen[0]!.id}Low→ Normal`,
    `${chosen[1]!.id}Normal→ High`,
    `${chosen[2]!.id}High→ Critical`,
    `${chosen[3]!.id}CriticalUnchanged: already Critical`,
  ]);
  const confirm = await within(dialog).findByRole('button', { name: 'Boost 3 jobs' });
  expect(within(dialog).getByText(/1 job already Critical stays as it is\. 1 selected job not pending is left alone\./)).toBeTruthy();
  const dry = fake.calls.filter((c) => c.method === 'bulkAction').map((c) => c.args[1]);
  expect(dry).toEqual([
    { action: 'set-priority', ids: [chosen[2]!.id], priority: 'critical', dryRun: true },
    { action: 'set-priority', ids: [chosen[1]!.id], priority: 'high', dryRun: true },
    { action: 'set-priority', ids: [chosen[0]!.id], priority: 'normal', dryRun: true },
  ]);

  await act(async () => fireEvent.click(confirm));
  const results = await within(dialog).findByRole('table', { name: 'Result per job' });
  expect(within(results).getAllByText('Done')).toHaveLength(3);
  expect(within(results).getByText('Unchanged')).toBeTruthy();
  expect(within(results).getByText('already Critical, the top priority')).toBeTruthy();
  expect(within(results).queryByText('Failed')).toBeNull();
  expect(within(dialog).getByText('3 done, 0 skipped, 0 failed of 3. 1 job already Critical: unchanged.')).toBeTruthy();
  const now = (id: string) => fake.jobs.get('local')!.find((j) => j.id === id)!.priority;
  expect(chosen.slice(0, 4).map((j) => now(j.id))).toEqual(['normal', 'high', 'critical', 'critical']);
});

it('a selection of Critical jobs only has nothing to boost', async () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const top = selection(probe)[3]!;
  const local = probe.clusters.find((c) => c.id === 'local')!;
  const { fake } = renderWithFake(<BoostDialog selected={[top]} clusters={[local]} onClose={() => {}} />);
  const dialog = screen.getByRole('dialog', { name: 'Boost 1 selected' });
  const confirm = await within(dialog).findByRole('button', { name: 'Boost 0 jobs' });
  expect(confirm.getAttribute('aria-disabled')).toBe('true');
  expect(fake.calls.filter((c) => c.method === 'bulkAction')).toEqual([]);
});
