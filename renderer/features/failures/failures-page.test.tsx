import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { useUiStore } from '../../store/ui-store.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { FailureGroupPage } from './failure-group-page.tsx';
import { FailuresPage } from './failures-page.tsx';

beforeEach(() => useUiStore.setState({ clusterScope: 'all' }));

it('lists failure patterns with cause, count, trend, users and last seen, and opens a pattern', async () => {
  const { fake } = renderWithFake(<FailuresPage />);
  const table = screen.getByRole('table', { name: 'Failure patterns' });
  expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Pattern', 'Cause', 'Count', 'Trend (72 h)', 'Users', 'Last seen']);
  const expected = (await fake.api.listFailureGroups({ period: '7d' })).items;
  expect(expected.length).toBeGreaterThan(0);
  await waitFor(() => expect(within(table).getAllByRole('row').length).toBe(expected.length + 1));
  expect(within(table).getAllByRole('img', { name: /^Failures per hour of / }).length).toBe(expected.length);
  fireEvent.click(within(table).getAllByRole('row')[1]!);
  expect(location.hash).toBe(`#/failures/${expected[0]!.id}`);
});

it("a pattern's page retries its failed jobs after a dry run says how many", async () => {
  const fake = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const [group] = (await fake.api.listFailureGroups({ period: 'all' })).items;
  const failed = (await fake.api.queryFailureGroupJobs(group!.id, {})).items;
  expect(failed.length).toBeGreaterThan(0);
  render(
    <ApiProvider api={fake.api} batchWindowMs={10}>
      <FailureGroupPage groupId={group!.id} />
    </ApiProvider>,
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Retry all…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Retry all failed jobs of this pattern' });
  const confirm = await within(dialog).findByRole('button', { name: failed.length === 1 ? 'Retry 1 job' : `Retry ${failed.length} jobs` });
  fireEvent.click(confirm);
  await within(dialog).findByText(`${failed.length} retried, 0 skipped, 0 failed`);
  for (const job of failed) expect(fake.jobs.get(job.clusterId)!.find((j) => j.id === job.id)!.state).toBe('pending');
});
