import { render, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { ApiProvider } from '../../api/api-context.tsx';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { ClusterFormDialog } from './cluster-form-dialog.tsx';

it('the Add-cluster dialog says where the token really goes, as the app reports it', { timeout: 30_000 }, async () => {
  const { fake, unmount } = renderWithFake(<ClusterFormDialog onClose={() => {}} />);
  const dialog = await screen.findByRole('dialog', { name: 'Add cluster' });
  expect(await within(dialog).findByText('Kept encrypted with your OS keychain; never in settings.')).toBeTruthy();
  expect(fake.calls.some((c) => c.method === 'getTokenStorage')).toBe(true);
  unmount();
});

it('in browser mode it names the file and that it is not encrypted, not a keychain', { timeout: 30_000 }, async () => {
  const fake = new FakeAdminApi({ localJobs: 0 });
  fake.tokenStorage = 'in a file readable only by you (/home/a/.sigmatiq/secrets.json), not encrypted: browser mode has no system keychain';
  render(
    <ApiProvider api={fake.api}>
      <ClusterFormDialog onClose={() => {}} />
    </ApiProvider>,
  );
  const dialog = await screen.findByRole('dialog', { name: 'Add cluster' });
  const hint = await within(dialog).findByText(/^Kept in a file readable only by you/);
  expect(hint.textContent).toBe(`Kept ${fake.tokenStorage}; never in settings.`);
  expect(dialog.textContent).not.toMatch(/stored in the system keychain/i);
});
