import { act, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { beforeEach, expect, it } from 'vitest';
import { EMPTY_FILTER, useUiStore } from '../store/ui-store.ts';
import { FakeAdminApi } from '../testing/fake-admin-api.ts';
import { App } from './app.tsx';
import { startApp } from './app-start.ts';

beforeEach(() => useUiStore.setState({ clusterScope: 'all', jobFilter: EMPTY_FILTER, jobSort: '-created', selected: {} }));

/**
 * Renders the app on the Jobs view with what `startApp` started, waits for its rows and expects
 * each of the start's requests asked once: the shell and the view joined the requests in flight.
 */
async function rendersOnJobsAskingOnce(fake: FakeAdminApi, started: ReturnType<typeof startApp>): Promise<void> {
  window.location.hash = '#/jobs';
  try {
    render(<App api={fake.api} started={started} />);
    expect(await screen.findAllByRole('link', { name: /^\d+$/ })).not.toHaveLength(0);
    const asked = fake.calls.map((c) => c.method);
    expect(asked.filter((m) => m === 'listClusters')).toHaveLength(1);
    expect(asked.filter((m) => m === 'getSettings')).toHaveLength(1);
    expect(asked.filter((m) => m === 'queryJobs')).toHaveLength(1);
  } finally {
    window.location.hash = '';
  }
}

it('opened on the Jobs view, the start asks for the clusters, the settings and the first page of jobs before anything renders, and the app uses those answers', async () => {
  const fake = new FakeAdminApi({ localJobs: 60 });
  const started = startApp(fake.api, '#/jobs');
  expect(fake.calls.map((c) => c.method).sort()).toEqual(['getSettings', 'listClusters', 'queryJobs']);
  await rendersOnJobsAskingOnce(fake, started);
});

it('opened on another screen, the start asks for no jobs', () => {
  const fake = new FakeAdminApi({ localJobs: 60 });
  startApp(fake.api, '#/queues');
  expect(fake.calls.map((c) => c.method).sort()).toEqual(['getSettings', 'listClusters']);
});

it('answers that arrived before the first render are used as they are, not asked for again', async () => {
  const fake = new FakeAdminApi({ localJobs: 60 });
  const started = startApp(fake.api, '#/jobs');
  await new Promise((r) => setTimeout(r, 0));
  await rendersOnJobsAskingOnce(fake, started);
});

it('in StrictMode, as main.tsx renders the app, the Jobs view shows its rows when opened on it and when reached from another screen', { timeout: 20_000 }, async () => {
  for (const [opened, reached] of [
    ['#/jobs', null],
    ['#/queues', '#/jobs'],
  ] as const) {
    const fake = new FakeAdminApi({ localJobs: 60 });
    window.location.hash = opened;
    try {
      const { unmount } = render(
        <StrictMode>
          <App api={fake.api} started={startApp(fake.api, opened)} />
        </StrictMode>,
      );
      if (reached) {
        await screen.findByRole('heading', { name: 'Queues', level: 1 });
        await act(async () => {
          window.location.hash = reached;
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        });
      }
      expect(await screen.findAllByRole('link', { name: /^\d+$/ })).not.toHaveLength(0);
      unmount();
    } finally {
      window.location.hash = '';
    }
  }
});
