import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { JobDetailPage } from './job-detail-page.tsx';

it('each output file has a Download that fetches it through the AdminApi and saves it under its name', { timeout: 30_000 }, async () => {
  const done = new FakeAdminApi({ localJobs: 80 }).jobs.get('local')!.find((j) => j.state === 'completed')!;
  const saved: { name: string; type: string; text: string }[] = [];
  URL.createObjectURL = (blob: Blob) => {
    void blob.text().then((text) => saved.push({ name: '', type: blob.type, text }));
    return 'blob:file';
  };
  URL.revokeObjectURL = () => {};
  const clicks: string[] = [];
  HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
    clicks.push(this.download);
  };
  const { fake } = renderWithFake(<JobDetailPage clusterId="local" jobId={done.id} tab="results" />);
  const table = await screen.findByRole('table', { name: 'Files created' });
  const button = within(table).getByRole('button', { name: 'Download trades.csv' });
  await act(async () => fireEvent.click(button));
  await waitFor(() => expect(clicks).toEqual(['trades.csv']));
  expect(fake.calls.find((c) => c.method === 'downloadJobFile')!.args).toEqual(['local', done.id, 'trades.csv']);
  await waitFor(() => expect(saved[0]).toMatchObject({ type: 'text/csv', text: `trades.csv of ${done.id}\n` }));
  expect(await screen.findByText('Saved trades.csv.')).toBeTruthy();
});
