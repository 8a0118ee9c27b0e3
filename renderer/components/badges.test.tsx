import { render, screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob } from '../../contract/admin-api.ts';
import { generateJobs } from '../testing/fixtures.ts';
import { renderWithFake } from '../testing/render-app.tsx';
import { StateBadge, WORKER_LOST_LABEL } from './badges.tsx';
import { DataTable } from './data-table.tsx';
import { jobColumns } from './job-columns.tsx';

it('a running job whose worker node is lost says so instead of "Running"', () => {
  render(<StateBadge state="running" workerLost />);
  expect(screen.getByText('Worker lost — waiting to be recovered')).toBeTruthy();
  expect(screen.queryByText('Running')).toBeNull();
});

it('a finished job is shown by its state even if its worker was lost', () => {
  render(<StateBadge state="completed" workerLost />);
  expect(screen.queryByText(WORKER_LOST_LABEL)).toBeNull();
  expect(screen.getByText('Completed')).toBeTruthy();
});

it('the running and all-jobs tables show the worker-lost label instead of progress or state', { timeout: 30_000 }, async () => {
  const base = generateJobs({ count: 1, clusterId: 'local', now: Date.now(), pending: 0, running: 1, stuck: 0, paused: 0 })[0]!;
  const lost: CachedJob = { ...base, id: 'signal-lost1', type: 'signal', state: 'running', workerId: 'node-a', workerLost: true };
  const alive: CachedJob = { ...base, id: 'signal-alive1', type: 'signal', state: 'running', workerId: 'node-b' };
  for (const kind of ['active', 'all'] as const) {
    const { unmount } = renderWithFake(<DataTable label="Jobs" columns={jobColumns(kind, true)} data={[lost, alive]} getRowId={(j) => j.id} empty="none" />);
    expect(await screen.findByText(WORKER_LOST_LABEL, undefined, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getAllByText(WORKER_LOST_LABEL)).toHaveLength(1);
    unmount();
  }
});
