import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import { ClustersPage } from './clusters-page.tsx';

it('Resync asks first, then asks the cluster for every job again; an offline cluster is told it will resync on reconnect', async () => {
  const { fake } = renderWithFake(<ClustersPage />);
  fireEvent.click(await screen.findByRole('button', { name: 'Resync cluster Local (embedded)' }));
  const dialog = await screen.findByRole('dialog', { name: 'Resync Local (embedded)?' });
  expect(dialog.textContent).toMatch(/jobs the cache missed come back/);
  expect(fake.resyncs).toEqual([]);
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Resync' })));
  await waitFor(() => expect(fake.resyncs).toEqual(['local']));
  expect(await screen.findByText('Local (embedded): pulling every job again.')).toBeTruthy();

  fireEvent.click(await screen.findByRole('button', { name: 'Resync cluster Research' }));
  const second = await screen.findByRole('dialog', { name: 'Resync Research?' });
  await act(async () => fireEvent.click(within(second).getByRole('button', { name: 'Resync' })));
  expect(await screen.findByText('Research is offline: it pulls every job again once it reconnects.')).toBeTruthy();
  expect(fake.resyncs).toEqual(['local', 'research']);
});
