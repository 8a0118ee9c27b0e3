import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { alertRuleLabel } from '../../../contract/alerts.ts';
import { DEFAULT_THRESHOLDS } from '../../../contract/thresholds.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { SettingsPage } from './settings-page.tsx';
import { ruleLabel, thresholdProblems, toDisplay } from './threshold-units.ts';

it('thresholds read in the unit they mean: wait time in minutes, failure rate in %', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  const table = await screen.findByRole('table', { name: 'Thresholds' });
  const wait = (k: 'Warning' | 'Critical') => within(table).getByRole('spinbutton', { name: `${k} threshold of Wait Time (minutes)` }) as HTMLInputElement;
  expect(wait('Warning').value).toBe('1');
  expect(wait('Critical').value).toBe('5');
  const failure = within(table).getByRole('spinbutton', { name: 'Critical threshold of Failure Rate (%)' }) as HTMLInputElement;
  expect(failure.value).toBe('5');
  // Typing minutes stores milliseconds.
  fireEvent.change(wait('Critical'), { target: { value: '7.5' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save thresholds' })));
  await waitFor(() => expect(fake.settings.thresholds?.waitTimeMs.critical).toBe(450_000));
});

it('a warning on the wrong side of its critical is not saved and says why', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  const table = await screen.findByRole('table', { name: 'Thresholds' });
  fireEvent.change(within(table).getByRole('spinbutton', { name: 'Warning threshold of Wait Time (minutes)' }), { target: { value: '10' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save thresholds' })));
  const alert = await screen.findByText(/The thresholds were not saved/);
  expect(alert.textContent).toContain('Wait Time (minutes): the warning (10 min) must be below the critical (5 min) — higher is worse.');
  expect(fake.calls.some((c) => c.method === 'updateSettings')).toBe(false);
});

it('rule names follow their values', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<SettingsPage />);
  const rules = await screen.findByRole('table', { name: 'Alert rules' });
  expect(within(rules).getByRole('rowheader', { name: 'Failure rate > 10%' })).toBeTruthy();
  const trigger = within(rules).getByRole('spinbutton', { name: 'Trigger of the Failure rate rule' }) as HTMLInputElement;
  expect(trigger.value).toBe('10');
  fireEvent.change(trigger, { target: { value: '15' } });
  expect(within(rules).getByRole('rowheader', { name: 'Failure rate > 15%' })).toBeTruthy();
  expect(within(rules).queryByText('Failure rate > 10%')).toBeNull();
  expect(within(rules).getByRole('rowheader', { name: 'Wait time > 10 min' })).toBeTruthy();
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save alert rules' })));
  await waitFor(() => expect(fake.settings.alertRules?.find((r) => r.metric === 'failureRate')).toMatchObject({ above: 0.15, description: 'Failure rate > 15%' }));
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
