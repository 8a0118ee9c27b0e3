import { render, screen } from '@testing-library/react';
import { lazy } from 'react';
import { expect, it } from 'vitest';
import { ScreenFrame } from './lazy-screens.tsx';

it('says when a screen cannot be loaded, offers a reload, and tries again on navigation', async () => {
  const Broken = lazy(() => Promise.reject(new Error('Failed to fetch dynamically imported module: app://renderer/assets/jobs-page.js')));
  const { rerender } = render(
    <ScreenFrame resetKey="#/jobs">
      <Broken />
    </ScreenFrame>,
  );
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('This screen could not be shown');
  expect(alert.textContent).toContain('Failed to fetch dynamically imported module');
  expect(screen.getByRole('button', { name: 'Reload the app' })).toBeTruthy();

  const Queues = lazy(() => Promise.resolve({ default: () => <h1>Queues</h1> }));
  rerender(
    <ScreenFrame resetKey="#/queues">
      <Queues />
    </ScreenFrame>,
  );
  expect(await screen.findByRole('heading', { name: 'Queues' })).toBeTruthy();
  expect(screen.queryByRole('alert')).toBeNull();
});

it('shows an empty busy area while the screen loads', async () => {
  let done!: (m: { default: () => React.ReactNode }) => void;
  const Slow = lazy(() => new Promise<{ default: () => React.ReactNode }>((r) => (done = r)));
  const { container } = render(
    <ScreenFrame resetKey="#/">
      <Slow />
    </ScreenFrame>,
  );
  expect(container.querySelector('[aria-busy="true"]')).toBeTruthy();
  done({ default: () => <h1>Dashboard</h1> });
  expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy();
  expect(container.querySelector('[aria-busy="true"]')).toBeNull();
});
