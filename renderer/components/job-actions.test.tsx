/**
 * The job tables' rows and the job detail's action bar offer a job's actions alike: for every job
 * state and every table that lists it, each action a row shows is in the bar under the same name,
 * allowed or refused alike (with the same reason), and asks the same question before it runs.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CachedJob, CachedJobDetail } from '../../contract/admin-api.ts';
import { JOB_STATES, type JobState, type JobType } from '../../contract/domain.ts';
import { JobActionsBar } from '../features/job-detail/job-actions-bar.tsx';
import { FakeAdminApi } from '../testing/fake-admin-api.ts';
import { renderWithFake } from '../testing/render-app.tsx';
import { JobRowActions, type JobTableKind } from './job-actions.tsx';

/** Which tables list a job in each state. */
const TABLES_OF: Record<JobState, JobTableKind[]> = {
  pending: ['queue', 'all'],
  running: ['active', 'all'],
  paused: ['active', 'all'],
  stuck: ['active', 'all'],
  completed: ['completed', 'all'],
  failed: ['completed', 'all'],
  cancelled: ['completed', 'all'],
};

interface Offered {
  name: string;
  disabled: boolean;
  reason: string | null;
  /** The question asked before it runs: title, text and the confirming button's words; null when it runs at once. */
  asks: { title: string; body: string; confirm: string } | null;
}

async function detailOf(state: JobState, type: JobType): Promise<CachedJobDetail> {
  const fake = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const job = fake.jobs.get('local')![0] as CachedJob;
  const detail = await fake.api.getJob('local', job.id);
  return { ...detail, state, type };
}

/** What one button offers; clicking an enabled one shows its question, or runs it when it has none. */
async function offered(button: HTMLElement): Promise<Offered> {
  const disabled = button.getAttribute('aria-disabled') === 'true';
  const base = { name: button.getAttribute('aria-label') ?? button.textContent!, disabled, reason: button.getAttribute('title') };
  if (disabled) return { ...base, asks: null };
  await act(async () => fireEvent.click(button));
  const dialog = screen.queryByRole('dialog');
  if (!dialog) return { ...base, asks: null };
  const buttons = within(dialog.querySelector('footer')!).getAllByRole('button');
  const asks = {
    title: dialog.querySelector('h2')!.textContent!,
    body: dialog.querySelector('.dialog-body')!.textContent!,
    confirm: buttons.at(-1)!.textContent!,
  };
  fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  return { ...base, asks };
}

/** Everything offered by the buttons named `names` (all buttons when absent) inside `container`. */
async function offeredIn(container: HTMLElement, names?: string[]): Promise<Offered[]> {
  const result: Offered[] = [];
  const count = within(container).getAllByRole('button').length;
  for (let i = 0; i < count; i++) {
    // Each click may re-render: find the button again by position.
    const button = within(container).getAllByRole('button')[i]!;
    const name = button.getAttribute('aria-label') ?? button.textContent!;
    if (names && !names.includes(name)) continue;
    result.push(await offered(button));
  }
  return result;
}

describe('job actions in table rows and in the action bar', () => {
  for (const state of JOB_STATES) {
    for (const type of ['backtest', 'sweep'] as JobType[]) {
      it(`a ${state} ${type}: every row action is in the bar, alike`, async () => {
        const job = await detailOf(state, type);
        const bar = renderWithFake(<JobActionsBar job={job} />);
        await screen.findByRole('toolbar', { name: 'Job actions' });
        const barContainer = bar.container;
        for (const kind of TABLES_OF[state]) {
          const row = renderWithFake(
            <div role="row" aria-label="job row">
              <JobRowActions job={job} kind={kind} />
            </div>,
          );
          const inRow = await offeredIn(within(row.container).getByRole('row'));
          expect(inRow.length, kind).toBeGreaterThan(0);
          // The priority select of the queue's rows is the bar's too.
          for (const select of within(row.container).queryAllByRole('combobox')) {
            const same = within(barContainer).getByRole('combobox', { name: select.getAttribute('aria-label')! });
            expect([same.hasAttribute('disabled'), same.getAttribute('title')]).toEqual([select.hasAttribute('disabled'), select.getAttribute('title')]);
          }
          row.unmount();
          const inBar = await offeredIn(barContainer, inRow.map((o) => o.name));
          expect(inBar, `${kind} table, ${state} ${type}`).toEqual(inRow);
        }
        cleanup();
      });
    }
  }
});
