import { act, fireEvent, render, screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import { ActionButton } from './action-button.tsx';

const ask = { title: 'Cancel job?', body: 'It will not run.', confirmLabel: 'Cancel job' };
const note = { label: 'Note for ana (optional)', hint: 'Sent to ana.', maxLength: 100 };

it('a button given another target drops the question, the typed note and the pending mark of the first one', async () => {
  let finish!: () => void;
  const run = () => new Promise<string | undefined>((resolve) => (finish = () => resolve('done')));
  const button = (target: string) => <ActionButton label="Cancel" feedbackTitle={`Cancelling ${target}`} run={run} confirm={ask} note={note} target={target} />;
  const { rerender } = render(button('local/a'));
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  fireEvent.change(screen.getByLabelText('Note for ana (optional)'), { target: { value: 'for a' } });
  rerender(button('local/b'));
  expect(screen.queryByRole('dialog')).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect((screen.getByLabelText('Note for ana (optional)') as HTMLTextAreaElement).value).toBe('');
  fireEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
  expect(screen.getByRole('button', { name: 'Cancel' }).getAttribute('aria-busy')).toBe('true');
  rerender(button('local/c'));
  expect(screen.getByRole('button', { name: 'Cancel' }).getAttribute('aria-busy')).toBeNull();
  await act(async () => finish());
});

it('the same target keeps its question open across renders', () => {
  const button = (label: string) => <ActionButton label={label} feedbackTitle="Cancelling a" run={async () => undefined} confirm={ask} target="local/a" />;
  const { rerender } = render(button('Cancel'));
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  rerender(button('Cancel now'));
  expect(screen.getByRole('dialog')).toBeTruthy();
});
