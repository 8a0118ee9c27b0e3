import { screen } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob } from '../../contract/admin-api.ts';
import { generateJobs } from '../testing/fixtures.ts';
import { renderWithFake } from '../testing/render-app.tsx';
import { DataTable } from './data-table.tsx';
import { JOB_ID_MIN_PX, jobColumns, jobIdParts, type JobTableKind } from './job-columns.tsx';

it('a job id keeps the part that tells jobs apart; a schedule run is named by its scheduler and due time', () => {
  expect(jobIdParts('backtest-sweep-mx5suowcd6f10ace-5')).toEqual({ kind: 'plain', head: 'backtest-sweep-', tail: 'mx5suowcd6f10ace-5' });
  expect(jobIdParts('signal-mx5sutt373a562ac')).toEqual({ kind: 'plain', head: 'signal-', tail: 'mx5sutt373a562ac' });
  expect(jobIdParts('42')).toEqual({ kind: 'plain', head: '', tail: '42' });
  expect(jobIdParts('repeat:schedule-836a1b2c:1764698400000')).toEqual({ kind: 'scheduled', schedulerId: 'schedule-836a1b2c', dueAt: 1764698400000 });
});

it('runs of a schedule show the schedule name and run time, with the full id on hover', { timeout: 30_000 }, async () => {
  const dueAt = Date.now() - 60_000;
  const id = `repeat:sch-1:${dueAt}`;
  const base = generateJobs({ count: 1, clusterId: 'local', now: Date.now(), pending: 0, running: 0, stuck: 0, paused: 0 })[0]!;
  const job: CachedJob = { ...base, id, type: 'signal' };
  renderWithFake(<DataTable label="Jobs" columns={jobColumns('all', true)} data={[job]} getRowId={(j) => j.id} empty="none" />);
  const link = await screen.findByRole('link', { name: /Nightly signals/ }, { timeout: 10_000 });
  expect(link.getAttribute('title')).toBe(id);
  expect(link.textContent).not.toContain('repeat:');
});

it('every column but the id has a fixed width, and the widest table leaves the id room at 1280 px', () => {
  // 1280 px window − 212 px sidebar − 2 × 22 px page padding − 2 px panel border
  const available = 1280 - 212 - 44 - 2;
  for (const kind of ['active', 'queue', 'completed', 'all'] as JobTableKind[]) {
    const columns = jobColumns(kind, true, kind === 'all');
    const sized = columns.filter((c) => (c as { accessorKey?: string }).accessorKey !== 'id');
    for (const c of sized) expect(c.layout?.width, `${kind}: ${c.id}`).toMatch(/^\d+px$/);
    const used = sized.reduce((sum, c) => sum + Number.parseInt(c.layout!.width!, 10), 0);
    expect(available - used, kind).toBeGreaterThanOrEqual(JOB_ID_MIN_PX);
  }
});

it('a user name with a right-to-left override shows the control instead of reading reversed', { timeout: 30_000 }, async () => {
  const base = generateJobs({ count: 1, clusterId: 'local', now: Date.now(), pending: 0, running: 0, stuck: 0, paused: 0 })[0]!;
  const job: CachedJob = { ...base, user: 'ana\u202Egnp.exe' };
  renderWithFake(<DataTable label="Jobs" columns={jobColumns('all', false)} data={[job]} getRowId={(j) => j.id} empty="none" />);
  const cell = await screen.findByText('ana⟨U+202E⟩gnp.exe', {}, { timeout: 10_000 });
  expect(cell.textContent).not.toContain('\u202E');
});
