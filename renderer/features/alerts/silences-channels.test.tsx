import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { fakeAlert } from '../../testing/fake-alerts.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { AlertsPage } from './alerts-page.tsx';

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  window.location.hash = '';
});

it('lists the silences that hold on the cluster it names — what, until, who, why — and ends one', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.alerts = [fakeAlert('local', 1, NOW)];
  fake.alerts.silences.set('local', [
    { id: 'silence-old', ruleId: 'queue-length', until: iso(NOW - 60_000), createdBy: 'bob', createdAt: iso(NOW - 3600_000) },
    { id: 'silence-gone-rule', ruleId: 'rule-deleted', node: 'worker-2', until: iso(NOW + 2 * 3600_000), createdBy: 'carol', createdAt: iso(NOW - 60_000) },
  ]);
  act(() => fake.emit({ kind: 'alerts-changed', clusterId: 'local' }));

  // Silence the firing alert for 4 h from Firing now, with a comment.
  fireEvent.click(await screen.findByRole('button', { name: /^Silence/ }));
  const dialog = await screen.findByRole('dialog');
  fireEvent.click(within(dialog).getByRole('radio', { name: '4 h' }));
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Comment (optional)' }), { target: { value: 'Deploy in progress' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Silence' })));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

  act(() => {
    window.location.hash = '#/alerts/silences';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  expect(await screen.findByRole('combobox', { name: 'Silences of cluster' })).toBeTruthy();
  const table = await screen.findByRole('table', { name: 'Silences of Local (embedded)' });
  const rows = () => within(screen.getByRole('table', { name: 'Silences of Local (embedded)' })).getAllByRole('row').slice(1);
  // The ended silence is not listed; the one ending first comes first.
  await waitFor(() => expect(rows()).toHaveLength(2));
  const cells = rows().map((r) => within(r).getAllByRole('cell').slice(0, 4).map((c) => c.textContent));
  const queue = fake.alerts.alerts[0]!.scope!.kind === 'queue' ? (fake.alerts.alerts[0]!.scope as { queue: string }).queue : '';
  expect(cells[0]).toEqual(['rule rule-deleted (deleted) · node worker-2', expect.stringMatching(/in 2 h$/), 'carol', '']);
  expect(cells[1]).toEqual([`Queue > 100 jobs · queue ${queue}`, expect.stringMatching(/in 4 h$/), 'admin', 'Deploy in progress']);
  expect(within(table).getAllByRole('cell')[1]!.getAttribute('title')).toBeTruthy();

  await act(async () => fireEvent.click(within(rows()[1]!).getByRole('button', { name: `End silence of Queue > 100 jobs · queue ${queue}` })));
  const ask = await screen.findByRole('dialog', { name: 'End this silence on Local (embedded)?' });
  await act(async () => fireEvent.click(within(ask).getByRole('button', { name: 'End silence' })));
  await waitFor(() => expect(rows()).toHaveLength(1));
  const ended = fake.calls.filter((c) => c.method === 'endAlertSilence').map((c) => c.args);
  expect(ended).toEqual([['local', expect.stringMatching(/^silence-/)]]);
  expect(fake.alerts.alerts[0]!.silencedUntil).toBeUndefined();
  expect(await screen.findByText('Silence ended.')).toBeTruthy();
});

it('says nothing is silenced, and that an offline cluster’s silences show when it reconnects', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/silences';
  renderWithFake(<AlertsPage />);
  expect(await screen.findByText('Nothing is silenced.')).toBeTruthy();
  fireEvent.change(screen.getByRole('combobox', { name: 'Silences of cluster' }), { target: { value: 'research' } });
  expect(await screen.findByText('Silences live on the cluster; they show when it reconnects.')).toBeTruthy();
});

it('edits a channel: fields as stored, an empty secret keeps the stored one, and a stored password can be removed', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/channels';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.channels.set('local', [
    { id: 'ch-mail', name: 'On-call mail', kind: 'email', host: 'smtp.example.com', port: 587, username: 'alerts', password: 'hunter2-secret', from: 'alerts@example.com', to: ['oncall@example.com'] },
  ]);
  const table = await screen.findByRole('table', { name: 'Alert channels of Local (embedded)' });
  fireEvent.click(within(table).getByRole('button', { name: 'Edit channel On-call mail' }));
  let dialog = await screen.findByRole('dialog', { name: 'Edit channel “On-call mail” on Local (embedded)' });
  expect((within(dialog).getByRole('combobox', { name: 'Kind' }) as HTMLSelectElement).disabled).toBe(true);
  expect((within(dialog).getByRole('textbox', { name: 'SMTP host' }) as HTMLInputElement).value).toBe('smtp.example.com');
  const password = within(dialog).getByLabelText('Password (optional, write-only)') as HTMLInputElement;
  expect(password.value).toBe('');
  expect(password.placeholder).toBe('stored — leave empty to keep');
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'To (comma-separated)' }), { target: { value: 'oncall@example.com, lead@example.com' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save channel' })));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  expect(fake.alerts.channels.get('local')![0]).toMatchObject({ id: 'ch-mail', to: ['oncall@example.com', 'lead@example.com'], password: 'hunter2-secret', username: 'alerts' });
  const update = fake.calls.find((c) => c.method === 'updateAlertChannel')!;
  expect(update.args[1]).toBe('ch-mail');
  expect(update.args[2]).not.toHaveProperty('password');
  await waitFor(() => expect(within(screen.getByRole('table', { name: 'Alert channels of Local (embedded)' })).getByText(/lead@example.com/)).toBeTruthy());

  fireEvent.click(within(screen.getByRole('table', { name: 'Alert channels of Local (embedded)' })).getByRole('button', { name: 'Edit channel On-call mail' }));
  dialog = await screen.findByRole('dialog');
  fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Remove the stored password' }));
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save channel' })));
  await waitFor(() => expect(fake.alerts.channels.get('local')![0]).not.toHaveProperty('password'));
  expect(fake.alerts.channels.get('local')![0]).toMatchObject({ to: ['oncall@example.com', 'lead@example.com'] });
});

it('a bad edit is refused in the dialog with the reason, and nothing is sent', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/channels';
  const { fake } = renderWithFake(<AlertsPage />);
  fake.alerts.channels.set('local', [{ id: 'ch-hook', name: 'Ops hook', kind: 'webhook', url: 'https://ops.example.com/hook', secret: 'a-signing-secret-16+' }]);
  const table = await screen.findByRole('table', { name: 'Alert channels of Local (embedded)' });
  fireEvent.click(within(table).getByRole('button', { name: 'Edit channel Ops hook' }));
  const dialog = await screen.findByRole('dialog');
  expect((within(dialog).getByRole('textbox', { name: 'URL' }) as HTMLInputElement).placeholder).toBe('stored — leave empty to keep');
  expect(within(dialog).getByText('Stored: https://ops.example.com/…')).toBeTruthy();
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'URL' }), { target: { value: 'http://ops.example.com/new' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save channel' })));
  expect(within(dialog).getByText(/use https for ops.example.com/)).toBeTruthy();
  expect(fake.calls.some((c) => c.method === 'updateAlertChannel')).toBe(false);
});

it('keeps the user directory notes go through: add, edit keeping the stored Slack webhook, remove', { timeout: 30_000 }, async () => {
  window.location.hash = '#/alerts/channels';
  const { fake } = renderWithFake(<AlertsPage />);
  await screen.findByText('Nobody in the directory yet.');
  fireEvent.click(screen.getByRole('button', { name: 'Add user' }));
  let dialog = await screen.findByRole('dialog', { name: 'Add a user on Local (embedded)' });
  // Nothing to reach them by: refused in the dialog, nothing sent.
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'User (as jobs name them)' }), { target: { value: 'ana' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save user' })));
  expect(within(dialog).getByText('give at least one way to reach them: an email, a phone number or a Slack webhook')).toBeTruthy();
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Phone for SMS (optional)' }), { target: { value: '555-1234' } });
  fireEvent.change(within(dialog).getByLabelText('Slack incoming webhook (optional, write-only)'), { target: { value: 'https://hooks.slack.com/services/T0/B0/ANA' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save user' })));
  expect(within(dialog).getByText('a phone number in international form, e.g. +15551234567')).toBeTruthy();
  expect(fake.calls.some((c) => c.method === 'putAlertUser')).toBe(false);
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Phone for SMS (optional)' }), { target: { value: '+15551234567' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save user' })));
  expect(await screen.findByText("Notes about ana's jobs go by SMS, Slack.")).toBeTruthy();
  const table = await screen.findByRole('table', { name: 'User directory of Local (embedded)' });
  const row = () => within(screen.getByRole('table', { name: 'User directory of Local (embedded)' })).getAllByRole('row')[1]!;
  expect(within(row()).getAllByRole('cell').slice(0, 4).map((c) => c.textContent)).toEqual(['ana', '—', '+15551234567', 'https://hooks.slack.com/…']);
  expect(table.textContent).not.toContain('ANA');

  // An email added later keeps the Slack webhook nobody typed again.
  fireEvent.click(within(row()).getByRole('button', { name: 'Edit user ana' }));
  dialog = await screen.findByRole('dialog', { name: 'Edit ana on Local (embedded)' });
  expect((within(dialog).getByRole('textbox', { name: 'User (as jobs name them)' }) as HTMLInputElement).disabled).toBe(true);
  fireEvent.change(within(dialog).getByRole('textbox', { name: 'Email (optional)' }), { target: { value: 'ana@example.com' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Save user' })));
  await waitFor(() => expect(fake.alerts.users.get('local')).toEqual([{ user: 'ana', email: 'ana@example.com', phone: '+15551234567', slackWebhookUrl: 'https://hooks.slack.com/services/T0/B0/ANA' }]));
  expect(fake.calls.filter((c) => c.method === 'putAlertUser').at(-1)!.args[2]).toEqual({ email: 'ana@example.com', phone: '+15551234567' });

  await act(async () => fireEvent.click(within(row()).getByRole('button', { name: 'Remove user ana' })));
  await act(async () => fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Remove user' })));
  expect(await screen.findByText('Nobody in the directory yet.')).toBeTruthy();
  expect(fake.alerts.users.get('local')).toEqual([]);
});
