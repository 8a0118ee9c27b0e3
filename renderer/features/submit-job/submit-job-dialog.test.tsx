import { act, fireEvent, screen, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import { renderWithFake } from '../../testing/render-app.tsx';
import { countFields, SubmitJobDialog } from './submit-job-dialog.tsx';

it('counts fields, not errors: two bad symbols in one list are one field to fix', { timeout: 30_000 }, async () => {
  renderWithFake(<SubmitJobDialog onClose={() => {}} />);
  const dialog = await screen.findByRole('dialog', { name: 'Submit job' });
  await within(dialog).findByRole('option', { name: 'Local (embedded)' });
  fireEvent.change(within(dialog).getAllByRole('combobox')[0]!, { target: { value: 'local' } });
  fireEvent.change(within(dialog).getByPlaceholderText('alice'), { target: { value: 'alice' } });
  fireEvent.change(within(dialog).getByLabelText('Symbols'), { target: { value: 'bad!, worse!' } });
  await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Submit job' })));
  const notes = within(dialog).getAllByRole('alert').map((a) => a.textContent);
  expect(notes).toContain('One field needs fixing before the job can be submitted.');
});

it('countFields: list items and repeated rules count once per field', () => {
  expect(countFields([{ path: 'symbols.0', message: 'a' }, { path: 'symbols.1', message: 'b' }])).toBe(1);
  expect(countFields([{ path: 'user', message: 'a' }, { path: 'user', message: 'b' }, { path: 'params.fastWindow', message: 'c' }])).toBe(2);
  expect(countFields([{ path: 'grid.fastWindow.0', message: 'a' }, { path: 'grid.slowWindow.3', message: 'b' }])).toBe(2);
});
