import { screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { jobDetailOf } from '../../testing/fixtures.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { ProgressTab } from './progress-tab.tsx';

it('the steps of a cancelled job say Cancelled where it stopped, not Failed', () => {
  const failed = new FakeAdminApi({ localJobs: 80 }).jobs.get('local')!.find((j) => j.state === 'failed')!;
  const detail = jobDetailOf({ ...failed, state: 'cancelled', errorMessage: null });
  // As the cluster reports it: the step the job stopped in is 'failed', later ones 'skipped'.
  const steps = detail.steps.map((s, i) => ({ ...s, status: i === 0 ? ('done' as const) : i === 1 ? ('failed' as const) : ('skipped' as const) }));
  renderWithFake(<ProgressTab job={{ ...detail, steps }} />);
  const list = within(screen.getByRole('region', { name: 'Steps' })).getAllByRole('listitem');
  expect(list[1]!.textContent).toBe(`${steps[1]!.name}Cancelled`.replace(/^/, '■'));
  expect(screen.queryByText('Failed')).toBeNull();
  expect(list[0]!.textContent).toMatch(/Done$/);
  expect(list[2]!.textContent).toMatch(/Skipped$/);
});

it('the steps of a failed job still say Failed', () => {
  const job = new FakeAdminApi({ localJobs: 80 }).jobs.get('local')!.find((j) => j.state === 'failed')!;
  const detail = jobDetailOf(job);
  const steps = detail.steps.map((s, i) => ({ ...s, status: i === 0 ? ('failed' as const) : ('skipped' as const) }));
  renderWithFake(<ProgressTab job={{ ...detail, steps }} />);
  expect(within(screen.getByRole('region', { name: 'Steps' })).getAllByText('Failed')).toHaveLength(1);
});
