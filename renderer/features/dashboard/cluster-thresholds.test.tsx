// The cluster decides every level: with one cluster whose thresholds are not the defaults, the
// dashboard's gauges and queue tiles show that cluster's levels, and the Settings of this app
// (which keep no thresholds any more) change nothing.
import { screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, levelOf, RESOURCE_LEVEL_LABELS } from '../../../contract/thresholds.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { useUiStore } from '../../store/ui-store.ts';
import { DashboardPage } from './dashboard-page.tsx';

it('rates each node by its own cluster\'s thresholds and agrees with the cluster\'s queue levels', { timeout: 30_000 }, async () => {
  useUiStore.setState({ clusterScope: 'local' });
  const { fake } = renderWithFake(<DashboardPage />);
  // A strict CPU threshold on the cluster: every busy node is "Action Needed" there.
  fake.alerts.thresholds.set('local', { ...DEFAULT_THRESHOLDS, cpuPercent: { ...DEFAULT_THRESHOLDS.cpuPercent, warning: 1, critical: 2 } });
  const cpu = await screen.findByRole('meter', { name: 'CPU' });
  await waitFor(() => expect(cpu.getAttribute('aria-valuetext')).toMatch(new RegExp(`${RESOURCE_LEVEL_LABELS.critical}$`)));
  const value = Number(cpu.getAttribute('aria-valuenow'));
  // The defaults would have said otherwise for the same value (the fake's nodes run below 70%).
  expect(levelOf(value, DEFAULT_THRESHOLDS.cpuPercent)).not.toBe('critical');
  // Queue tiles show the level the cluster sent with each reading.
  const summary = await fake.api.getSummary(['local']);
  const tile = await screen.findByRole('group', { name: 'Queue Length' });
  const level = summary.clusters[0]!.summary!.queueLength.level;
  expect(within(tile).getByText(level === 'good' ? 'Good' : level === 'warning' ? 'Warning' : 'Critical')).toBeTruthy();
});
