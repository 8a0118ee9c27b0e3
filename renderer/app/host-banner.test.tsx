import { act, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { useHostLink } from '../store/host-link-store.ts';
import { FakeAdminApi } from '../testing/fake-admin-api.ts';
import { App } from './app.tsx';

afterEach(() => act(() => useHostLink.getState().setLink('up')));

it('says at once that the admin host stopped, marks what is shown as last known, and recovers when it is back', async () => {
  const fake = new FakeAdminApi({ localJobs: 20 });
  const { container } = render(<App api={fake.api} />);
  const chips = await screen.findByRole('list', { name: 'Cluster status' });
  await within(chips).findByRole('button', { name: /^Local \(embedded\): Online\./ });
  expect(screen.queryByRole('alert')).toBeNull();

  const lostAt = Date.now() - 120_000;
  act(() => useHostLink.getState().setLink('lost', lostAt));
  const banner = screen.getByRole('alert');
  expect(banner.textContent).toMatch(/^The admin host stopped\. What you see is from \d{1,2}:\d{2}(:\d{2})?( [AP]M)? and may be out of date\. Restart npm start \(or sigmatiq-admin serve\)/);
  expect(within(chips).getByRole('button', { name: /^Local \(embedded\): last known: Online\./ })).toBeTruthy();
  expect(container.querySelector('.main')!.classList.contains('stale')).toBe(true);

  // Something answers but refuses this page's token: the host was restarted with a new session.
  act(() => useHostLink.getState().setLink('refused'));
  expect(screen.getByRole('alert').textContent).toMatch(/restarted: this page’s session has ended\. What you see is from \d{1,2}:\d{2}.* Open the URL the host printed/);

  const calls = fake.calls.length;
  act(() => useHostLink.getState().setLink('up'));
  expect(screen.queryByRole('alert')).toBeNull();
  expect(container.querySelector('.main')!.classList.contains('stale')).toBe(false);
  expect(within(chips).getByRole('button', { name: /^Local \(embedded\): Online\./ })).toBeTruthy();
  // Events were missed meanwhile: what is on screen is fetched again.
  await act(async () => new Promise((r) => setTimeout(r, 50)));
  expect(fake.calls.slice(calls).map((c) => c.method)).toEqual(expect.arrayContaining(['listClusters', 'getSettings']));
});
