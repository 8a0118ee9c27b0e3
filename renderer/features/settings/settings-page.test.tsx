import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { alertRuleLabel } from '../../../contract/alerts.ts';
import { DEFAULT_THRESHOLDS } from '../../../contract/thresholds.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { SettingsPage } from './settings-page.tsx';
import { ruleLabel, thresholdProblems, toDisplay } from './threshold-units.ts';

it('thresholds are the chosen cluster\'s, read in the unit they mean: wait time in minutes, failure rate in %', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  const table = await screen.findByRole('table', { name: 'Thresholds' });
  expect(screen.getByRole('heading', { name: 'Thresholds of Local (embedded)' })).toBeTruthy();
  expect(screen.getByText(/Stored on Local \(embedded\), which decides every level it reports/)).toBeTruthy();
  const wait = (k: 'Warning' | 'Critical') => within(table).getByRole('spinbutton', { name: `${k} threshold of Wait Time (minutes)` }) as HTMLInputElement;
  expect(wait('Warning').value).toBe('1');
  expect(wait('Critical').value).toBe('5');
  const failure = within(table).getByRole('spinbutton', { name: 'Critical threshold of Failure Rate (%)' }) as HTMLInputElement;
  expect(failure.value).toBe('5');
  // Typing minutes stores milliseconds, on the cluster, not in this app's settings.
  fireEvent.change(wait('Critical'), { target: { value: '7.5' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save thresholds on Local (embedded)' })));
  await waitFor(() => expect(fake.alerts.thresholds.get('local')?.waitTimeMs.critical).toBe(450_000));
  expect(fake.calls.some((c) => c.method === 'updateSettings')).toBe(false);
});

it('a warning on the wrong side of its critical is not saved and says why', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  const table = await screen.findByRole('table', { name: 'Thresholds' });
  fireEvent.change(within(table).getByRole('spinbutton', { name: 'Warning threshold of Wait Time (minutes)' }), { target: { value: '10' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save thresholds on Local (embedded)' })));
  const alert = await screen.findByText(/The thresholds were not saved/);
  expect(alert.textContent).toContain('Wait Time (minutes): the warning (10 min) must be below the critical (5 min) — higher is worse.');
  expect(fake.calls.some((c) => c.method === 'updateClusterThresholds')).toBe(false);
});

it('an offline cluster\'s thresholds wait for it; the desktop\'s own alert times are this app\'s settings', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  await screen.findByRole('table', { name: 'Thresholds' });
  fireEvent.change(screen.getByRole('combobox', { name: 'Thresholds of cluster' }), { target: { value: 'research' } });
  await screen.findByText('Research is offline.');
  const unreachable = screen.getByRole('spinbutton', { name: /cannot be reached or refuses the token/ });
  fireEvent.change(unreachable, { target: { value: '10' } });
  await act(async () => fireEvent.blur(unreachable));
  await waitFor(() => expect(fake.settings.desktopAlerts).toEqual({ unreachableMinutes: 10, syncBehindMinutes: 5 }));
});

it('units and checks', () => {
  expect(toDisplay('waitTimeMs', 300_000)).toBe(5);
  expect(toDisplay('failureRate', 0.07)).toBe(7);
  expect(ruleLabel({ metric: 'queueLength', above: 1 })).toBe('Queue > 1 job');
  // one formatter for every rule label: the cluster's rules read the same as Settings' own
  expect(ruleLabel({ metric: 'stuckJobs', above: 5 })).toBe(alertRuleLabel({ metric: 'stuckJobs', op: 'above', threshold: 5 }));
  expect(ruleLabel({ metric: 'failureRate', above: 0.07 })).toBe('Failure rate > 7%');
  const lowerIsWorse = { ...DEFAULT_THRESHOLDS, processingRatePerMin: { ...DEFAULT_THRESHOLDS.processingRatePerMin, warning: 3, critical: 5 } };
  expect(thresholdProblems(lowerIsWorse, (m) => m)).toEqual(['processingRatePerMin: the warning (3 jobs/min) must be above the critical (5 jobs/min) — lower is worse.']);
  expect(thresholdProblems(DEFAULT_THRESHOLDS, (m) => m)).toEqual([]);
});
