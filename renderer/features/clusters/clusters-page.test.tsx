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

it('moving a cluster to another URL asks for its token again, or for a tick to send the stored one there', async () => {
  const { fake } = renderWithFake(<ClustersPage />);
  const card = (await screen.findByRole('heading', { name: 'Research' })).closest('section')!;
  fireEvent.click(within(card as HTMLElement).getByRole('button', { name: 'Edit' }));
  const dialog = await screen.findByRole('dialog', { name: 'Edit Research' });
  const url = within(dialog).getByDisplayValue('https://jobs.research.example.com:7420');
  const updates = () => fake.calls.filter((c) => c.method === 'updateCluster');

  fireEvent.change(url, { target: { value: 'http://127.0.0.1:9999' } });
  const keep = within(dialog).getByRole('checkbox', { name: 'Send the stored token to the new address' });
  expect(dialog.textContent).toMatch(/Whoever runs http:\/\/127\.0\.0\.1:9999 receives the token of Research/);
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
  expect(dialog.textContent).toMatch(/a new URL needs the token again/);
  expect(updates()).toEqual([]);

  fireEvent.click(keep);
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
  await waitFor(() => expect(updates()).toHaveLength(1));
  expect(updates()[0]!.args[1]).toMatchObject({ url: 'http://127.0.0.1:9999', keepToken: true });
  expect(updates()[0]!.args[1]).not.toHaveProperty('token');
});

it('a new token moves the cluster without the tick; an edit that keeps the URL sends no keepToken', async () => {
  const { fake } = renderWithFake(<ClustersPage />);
  const edit = async (name: string) => {
    const card = (await screen.findByRole('heading', { name })).closest('section')!;
    fireEvent.click(within(card as HTMLElement).getByRole('button', { name: 'Edit' }));
    return screen.findByRole('dialog', { name: `Edit ${name}` });
  };
  const updates = () => fake.calls.filter((c) => c.method === 'updateCluster').map((c) => c.args[1]);
  let dialog = await edit('Research');
  fireEvent.change(within(dialog).getByDisplayValue('Research'), { target: { value: 'Research EU' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
  await waitFor(() => expect(updates()).toHaveLength(1));
  expect(updates()[0]).not.toHaveProperty('keepToken');

  dialog = await edit('Research EU');
  fireEvent.change(within(dialog).getByDisplayValue('https://jobs.research.example.com:7420'), { target: { value: 'https://jobs2.research.example.com:7420' } });
  fireEvent.change(within(dialog).getByPlaceholderText('unchanged'), { target: { value: 'a-new-token-123' } });
  expect(within(dialog).queryByRole('checkbox', { name: 'Send the stored token to the new address' })).toBeNull();
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save' })));
  await waitFor(() => expect(updates()).toHaveLength(2));
  expect(updates()[1]).toMatchObject({ url: 'https://jobs2.research.example.com:7420', token: 'a-new-token-123' });
  expect(updates()[1]).not.toHaveProperty('keepToken');
});
