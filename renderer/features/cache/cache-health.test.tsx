import { act, screen, waitFor } from '@testing-library/react';
import { expect, it } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import { CacheHealthBanner, MovedAsideCaches } from './cache-health.tsx';

it('the banner appears when the cache cannot be written, says what to do, and goes when syncing resumes', async () => {
  const { fake } = renderWithFake(<CacheHealthBanner />);
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'getCacheHealth')).toBe(true));
  expect(screen.queryByRole('alert')).toBeNull();

  const folder = fake.cacheHealth.folder;
  fake.cacheHealth = {
    ...fake.cacheHealth,
    problem: 'disk-full',
    message: `The disk holding ${folder} is full: free space there; syncing resumes by itself`,
    since: new Date().toISOString(),
    writesPaused: true,
  };
  act(() => fake.emit({ kind: 'cache-health', health: fake.cacheHealth }));
  const banner = await screen.findByRole('alert');
  expect(banner.textContent).toContain(`Syncing is paused. The disk holding ${folder} is full: free space there; syncing resumes by itself.`);
  expect(banner.textContent).toMatch(/What is cached stays readable/);

  fake.cacheHealth = { ...fake.cacheHealth, problem: null, message: null, since: null, writesPaused: false };
  act(() => fake.emit({ kind: 'cache-health', health: fake.cacheHealth }));
  await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
});

it('while a first sync writes as a bulk load, a notice says search and reports leave its jobs out, and goes when it ends', async () => {
  const { fake } = renderWithFake(<CacheHealthBanner />);
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'getCacheHealth')).toBe(true));
  expect(screen.queryByRole('status')).toBeNull();
  fake.cacheHealth = { ...fake.cacheHealth, bulkLoadSince: new Date(Date.now() - 3 * 60_000).toISOString() };
  act(() => fake.emit({ kind: 'cache-health', health: fake.cacheHealth }));
  const notice = await screen.findByRole('status');
  expect(notice.textContent).toMatch(/^Loading a cluster's history\. Text search and reports leave out the jobs it brings until it finishes \(started 3 min ago\); the job list, counts and failure patterns include them\.$/);
  expect(screen.queryByRole('alert')).toBeNull();

  fake.cacheHealth = { ...fake.cacheHealth, bulkLoadSince: null };
  act(() => fake.emit({ kind: 'cache-health', health: fake.cacheHealth }));
  await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
});

it('lists damaged cache copies with size, date and when they are removed', async () => {
  const { fake } = renderWithFake(<MovedAsideCaches />);
  fake.cacheHealth = {
    ...fake.cacheHealth,
    movedAside: [{ name: 'cache.db.corrupt-2026-01-20T08-30-00-000Z', sizeBytes: 3 * 1024 * 1024, movedAt: '2026-01-20T08:30:00.000Z', removeAfter: '2026-02-03T08:30:00.000Z' }],
  };
  act(() => fake.emit({ kind: 'cache-health', health: fake.cacheHealth }));
  const list = await screen.findByRole('list', { name: 'Damaged cache copies' });
  expect(list.textContent).toMatch(/cache\.db\.corrupt-2026-01-20T08-30-00-000Z — 3(\.0)? MB, moved aside .*; removed after /);
  expect(screen.getByText(/found damaged at start, moved aside in .* and rebuilt from the clusters/)).toBeTruthy();
});
