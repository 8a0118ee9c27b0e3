import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { fakeAlert } from '../../testing/fake-alerts.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { AlertShell } from './alert-banner.tsx';
import { AlertsPage } from './alerts-page.tsx';

const NOW = Date.now();

afterEach(() => {
  window.location.hash = '';
});

it('shows no banner while nothing fires, and the worst of two clusters with a link while alerts fire', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<AlertShell />);
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'listAlerts')).toBe(true));
  expect(screen.queryByRole('alert')).toBeNull();

  fake.alerts.alerts = [fakeAlert('local', 1, NOW), fakeAlert('local', 2, NOW), fakeAlert('research', 3, NOW)];
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));
  const banner = await screen.findByRole('alert');
  expect(banner.className).toContain('banner-alert-critical');
  expect(banner.textContent).toContain('3 alerts firing (1 critical)');
  expect(banner.textContent).toContain('Research: Failure rate > 10% (matrix-build)');
  expect(within(banner).getByRole('link', { name: 'Open Alerts' }).getAttribute('href')).toBe('#/alerts');

  fake.alerts.alerts = fake.alerts.alerts.map((a) => ({ ...a, state: 'resolved' as const, resolvedAt: new Date(NOW).toISOString() }));
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));
  await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
});

it('opens the alert a native notification asks for', { timeout: 30_000 }, async () => {
  const { fake } = renderWithFake(<AlertShell />);
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'listAlerts')).toBe(true));
  act(() => fake.emit({ kind: 'focus-alert', clusterId: 'local', alertId: 'al-local-3' }));
  await waitFor(() => expect(window.location.hash).toBe('#/alerts/firing/local/al-local-3'));
});

it('lists what fires, critical first, and acknowledges and silences it on its cluster', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.alerts = [fakeAlert('local', 1, NOW), fakeAlert('local', 3, NOW), fakeAlert('research', 4, NOW)];
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));
  const table = await screen.findByRole('table', { name: 'Firing alerts' });
  const rows = within(table).getAllByRole('row').slice(1);
  expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual(['Critical', 'Warning', 'Warning']);
  expect(rows[0]!.textContent).toContain('Local (embedded)');
  expect(rows[0]!.textContent).toContain('Failure rate > 10% (matrix-build)');

  await act(async () => fireEvent.click(within(rows[0]!).getByRole('button', { name: /^Acknowledge Failure rate/ })));
  await waitFor(() => expect(fake.calls.filter((c) => c.method === 'acknowledgeAlert').map((c) => c.args.slice(0, 2))).toEqual([['local', 'al-local-3']]));
  expect((await screen.findAllByText(/Acknowledged by admin/)).length).toBeGreaterThan(0);

  // Research is offline: its alert can be read, not acted on.
  const research = within(table).getAllByRole('row').find((r) => r.textContent?.includes('Research'))!;
  expect((within(research).getByRole('button', { name: /^Silence/ }) as HTMLButtonElement).disabled).toBe(true);

  fireEvent.click(within(rows[1]!).getByRole('button', { name: /^Silence/ }));
  const dialog = await screen.findByRole('dialog');
  fireEvent.click(within(dialog).getByRole('radio', { name: '4 h' }));
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Silence' })));
  await waitFor(() => expect(fake.calls.some((c) => c.method === 'silenceAlert')).toBe(true));
  const call = fake.calls.find((c) => c.method === 'silenceAlert')!;
  const until = Date.parse((call.args[2] as { until: string }).until);
  expect(until - Date.now()).toBeGreaterThan(4 * 3600_000 - 60_000);
  expect(until - Date.now()).toBeLessThanOrEqual(4 * 3600_000);
});

it('a silence longer than a week is refused in the dialog with the reason', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.alerts = [fakeAlert('local', 1, NOW)];
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));
  fireEvent.click(await screen.findByRole('button', { name: /^Silence/ }));
  const dialog = await screen.findByRole('dialog');
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Or hours' }), { target: { value: '200' } });
  expect(within(dialog).getByText(/At most a week \(168 h\)/)).toBeTruthy();
  expect((within(dialog).getByRole('button', { name: 'Silence' }) as HTMLButtonElement).disabled).toBe(true);
});

it('filters the history by cluster, severity and state', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/history';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.alerts = [
    fakeAlert('local', 1, NOW),
    fakeAlert('local', 3, NOW, { state: 'resolved', resolvedAt: new Date(NOW - 60_000).toISOString() }),
    fakeAlert('research', 4, NOW),
  ];
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));
  const table = await screen.findByRole('table', { name: 'Alert history' });
  await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
  expect(screen.getByText(/resolved after/)).toBeTruthy();
  fireEvent.change(screen.getByRole('combobox', { name: 'Severity' }), { target: { value: 'critical' } });
  await waitFor(() => expect(within(screen.getByRole('table', { name: 'Alert history' })).getAllByRole('row')).toHaveLength(2));
  fireEvent.change(screen.getByRole('combobox', { name: 'Severity' }), { target: { value: 'all' } });
  fireEvent.change(screen.getByRole('combobox', { name: 'Cluster' }), { target: { value: 'research' } });
  await waitFor(() => expect(within(screen.getByRole('table', { name: 'Alert history' })).getAllByRole('row')).toHaveLength(2));
  fireEvent.change(screen.getByRole('combobox', { name: 'State' }), { target: { value: 'resolved' } });
  await screen.findByText('No alerts match.');
});

it('edits the rules of the cluster it names, with the current value against the threshold', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/rules';
  const { fake } = renderWithFake(<AlertsPage />);
  const table = await screen.findByRole('table', { name: 'Alert rules of Local (embedded)' });
  expect(screen.getByText(/Stored and evaluated on Local \(embedded\)/)).toBeTruthy();
  const queueRow = within(table).getAllByRole('row').find((r) => r.textContent?.startsWith('Queue > 100 jobs'))!;
  await waitFor(() => expect(queueRow.textContent).toMatch(/\d+ jobs? \(the worst queue\) — clear/));

  fireEvent.click(within(queueRow).getByRole('button', { name: 'Edit rule Queue > 100 jobs' }));
  const dialog = await screen.findByRole('dialog');
  expect(within(dialog).getByRole('heading').textContent).toBe('Edit rule on Local (embedded)');
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Threshold (jobs)' }), { target: { value: '0' } });
  expect(within(dialog).getByRole('status', { name: 'Preview' }).textContent).toMatch(/Now on Local \(embedded\) \(the worst queue\): \d+ jobs? against above 0 jobs — it would fire after holding for 60 s\./);
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Must hold for (s)' }), { target: { value: 'soon' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' })));
  expect(within(dialog).getByText('a whole number of seconds, e.g. 60 (0 fires at once)')).toBeTruthy();
  expect(fake.calls.some((c) => c.method === 'updateAlertRule')).toBe(false);
  fireEvent.change(within(dialog).getByRole('textbox', { name: /^Must hold for \(s\)/ }), { target: { value: '0' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save rule' })));
  await waitFor(() => expect(fake.alerts.rules.get('local')!.find((r) => r.id === 'queue-length')).toMatchObject({ threshold: 0, forSeconds: 0 }));
});

it('adds a channel with its kind\u2019s form, sends a test and shows the delivery log', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/channels';
  const { fake } = renderWithFake(<AlertsPage />);
  await screen.findByText('No channels yet.');
  fireEvent.click(screen.getByRole('button', { name: 'Add channel' }));
  const dialog = await screen.findByRole('dialog');
  fireEvent.change(within(dialog).getByRole('combobox', { name: 'Kind' }), { target: { value: 'slack' } });
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'On-call Slack' } });
  fireEvent.change(within(dialog).getByPlaceholderText('https://hooks.slack.com/services/T000/B000/XXXX'), { target: { value: 'http://hooks.slack.com/x' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' })));
  expect(within(dialog).getByText(/use https for hooks.slack.com/)).toBeTruthy();
  fireEvent.change(within(dialog).getByPlaceholderText('https://hooks.slack.com/services/T000/B000/XXXX'), { target: { value: 'https://hooks.slack.com/services/T0/B0/XX' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Add channel' })));
  const table = await screen.findByRole('table', { name: 'Alert channels of Local (embedded)' });
  expect(within(table).getByText('https://hooks.slack.com/…')).toBeTruthy();
  expect(fake.alerts.channels.get('local')).toHaveLength(1);
  await act(async () => fireEvent.click(within(table).getByRole('button', { name: 'Send a test to On-call Slack' })));
  const log = await screen.findByRole('table', { name: 'Delivery log of Local (embedded)' });
  expect(within(log).getByText('test')).toBeTruthy();
  expect(within(log).getByText('sent')).toBeTruthy();
});
