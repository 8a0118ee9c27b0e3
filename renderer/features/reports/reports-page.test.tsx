import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import * as download from '../../components/download.ts';
import { ReportsPage } from './reports-page.tsx';

it('previews the chosen report from the cache and says what it stands on', { timeout: 30_000 }, async () => {
  renderWithFake(<ReportsPage />);
  expect(await screen.findByText('Jobs finished per day')).toBeTruthy();
  expect(screen.getByLabelText('What this report stands on').textContent).toMatch(/local: \d+ jobs in the period; as of now; no gaps/);
  expect(screen.getByRole('table', { name: 'Per day' })).toBeTruthy();
  // Its wait p95 is read from histograms: the preview says how close, as the PDF does.
  expect(screen.getByText(/Percentiles \(p50, p95\) of waits and run times .* within 9\.1% of the exact value/)).toBeTruthy();
  fireEvent.change(screen.getByRole('combobox', { name: 'Report' }), { target: { value: 'user-usage' } });
  expect(await screen.findByRole('table', { name: 'Per user' })).toBeTruthy();
  expect(screen.queryByText(/Percentiles \(p50, p95\)/)).toBeNull();
});

it('saves a report as a download, keeps it in the saved list, and opens it again', { timeout: 30_000 }, async () => {
  const saves = vi.spyOn(download, 'downloadBase64').mockImplementation(() => {});
  const { fake } = renderWithFake(<ReportsPage />);
  await screen.findByText('Jobs finished per day');
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save PDF' })));
  await waitFor(() => expect(saves).toHaveBeenCalledWith('daily-summary-1.pdf', expect.any(String), expect.any(String)));
  expect(fake.calls.find((c) => c.method === 'exportReport')?.args).toEqual([{ kind: 'daily-summary', since: '7d' }, 'pdf', 'A4']);
  const saved = await screen.findByRole('table', { name: 'Saved reports' });
  expect(within(saved).getByText('Daily summary · PDF')).toBeTruthy();
  await act(async () => fireEvent.click(within(saved).getByRole('button', { name: 'Open daily-summary-1.pdf' })));
  await waitFor(() => expect(saves).toHaveBeenCalledTimes(2));
  saves.mockRestore();
});

it('adds a daily schedule and shows when it runs next', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<ReportsPage />);
  await screen.findByText('No scheduled reports.');
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add schedule' })));
  const table = await screen.findByRole('table', { name: 'Scheduled reports' });
  expect(within(table).getByText('Daily summary · PDF')).toBeTruthy();
  expect(within(table).getByText('07:00')).toBeTruthy();
  expect(fake.calls.find((c) => c.method === 'setReportSchedules')?.args[0]).toEqual([{ id: 'daily-summary', enabled: true, kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf' }]);
});
