import { act, render, screen, within } from '@testing-library/react';
import { beforeAll, expect, it } from 'vitest';
import { FakeAdminApi } from '../testing/fake-admin-api.ts';
import { App } from './app.tsx';

// Screens load on demand; here the transform of the dashboard (with its charts) takes seconds, so it is done before the tests.
beforeAll(() => import('../features/dashboard/dashboard-page.tsx'), 60_000);

it('shows the shell: the sections, the cluster switcher with a status chip per cluster, and the offline banner', async () => {
  const fake = new FakeAdminApi({ localJobs: 60 });
  render(<App api={fake.api} />);
  const nav = screen.getByRole('navigation', { name: 'Sections' });
  const labels = within(nav).getAllByRole('link').map((a) => a.textContent);
  expect(labels).toEqual(['Dashboard', 'Jobs', 'Failures', 'Alerts', 'Queues', 'Workers & Resources', 'Schedules', 'Reports', 'Clusters', 'Settings']);
  expect(await screen.findByRole('option', { name: 'All clusters (2)' })).toBeTruthy();
  expect(await screen.findByRole('button', { name: /Research: Offline · cache 12 min old/ })).toBeTruthy();
  expect(screen.getByText('Showing cached data.')).toBeTruthy();
});

it('fills the dashboard cards from the AdminApi and refreshes them on events', async () => {
  const fake = new FakeAdminApi({ localJobs: 60, researchJobs: 10 });
  render(<App api={fake.api} />);
  const total = await screen.findByRole('group', { name: 'Total Jobs' });
  await screen.findByText('74', { selector: '.stat-value' }, { timeout: 2000 }); // 60 + 4 sweep children + 10
  expect(total.textContent).toContain('74');
  await act(async () => {
    await fake.api.submitJob('local', { type: 'signal', user: 'alice', config: {} });
  });
  expect(await screen.findByText('75', { selector: '.stat-value' }, { timeout: 2000 })).toBeTruthy();
});

it('opened on the Jobs view, the app asks for what its first screen shows once each', async () => {
  window.location.hash = '#/jobs';
  const fake = new FakeAdminApi({ localJobs: 60 });
  try {
    render(<App api={fake.api} />);
    await screen.findByRole('table', { name: 'Jobs' });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 100));
    });
    const asked = fake.calls.map((c) => c.method);
    // The shell, the cluster switcher and the Jobs view all read the clusters: one request.
    expect(asked.filter((m) => m === 'listClusters')).toHaveLength(1);
    expect(asked.filter((m) => m === 'getSettings')).toHaveLength(1);
  } finally {
    window.location.hash = '';
  }
});
