import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { expect, it } from 'vitest';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import { FakeAdminApi } from '../../testing/fake-admin-api.ts';
import { renderWithFake } from '../../testing/render-app.tsx';
import { BacklogChart, backlogChartEmpty, backlogSeries } from './backlog-chart.tsx';
import { QueueLoadPanel } from './queue-load-panel.tsx';
import { QueueTable } from './queue-table.tsx';
import { LoadTable } from './load-table.tsx';
import { forecastErrorWords } from './load-words.ts';
import { queueMetrics } from '../../testing/fake-metrics.ts';

/**
 * Makes the signal queue busy on the local cluster: 30 jobs arrived in the last ten minutes and
 * wait, 10 finished recently after a minute each, and it may run one at a time — more work arrives
 * than one worker does, so the fake's model recommends a higher concurrency.
 */
function busySignalQueue(fake: FakeAdminApi): void {
  const jobs = fake.jobs.get('local')!;
  const template = jobs.find((j) => j.type === 'signal') ?? jobs[0]!;
  const now = Date.now();
  const make = (i: number, patch: Partial<CachedJob>): CachedJob => ({ ...template, id: `busy-${i}`, type: 'signal', parentId: null, runAt: null, ...patch });
  for (let i = 0; i < 30; i++) {
    jobs.unshift(make(i, { state: 'pending', createdAt: new Date(now - i * 20_000).toISOString(), startedAt: null, finishedAt: null, durationMs: null, progress: null }));
  }
  for (let i = 30; i < 40; i++) {
    const finished = now - (i - 29) * 30_000;
    jobs.unshift(make(i, { state: 'completed', createdAt: new Date(finished - 120_000).toISOString(), startedAt: new Date(finished - 60_000).toISOString(), finishedAt: new Date(finished).toISOString(), durationMs: 60_000 }));
  }
  fake.concurrency.get('local')!.set('signal', 1);
  fake.emit({ kind: 'queues-changed', clusterId: 'local' });
}

function rowOf(table: HTMLElement, type: JobType): HTMLElement {
  return within(table).getByRole('rowheader', { name: JOB_TYPE_LABELS[type] }).closest('tr')!;
}

it('the Pending count carries the growth arrow: a paused queue with jobs waiting will not drain, an idle one has none', { timeout: 20_000 }, async () => {
  const { fake } = renderWithFake(<QueueTable cluster={new FakeProbe().local} />);
  const table = await screen.findByRole('table', { name: `Queues of ${new FakeProbe().local.name}` }, { timeout: 10_000 });
  await within(table).findByRole('rowheader', { name: JOB_TYPE_LABELS.report }, { timeout: 10_000 });
  const jobs = fake.jobs.get('local')!;
  // The fake's local cluster has the report queue paused; give it a job ready to run.
  const report = jobs.find((j) => j.type === 'report')!;
  fake.update('local', report.id, { state: 'pending', runAt: null, startedAt: null, finishedAt: null });
  const arrow = await within(rowOf(table, 'report')).findByRole('img', { name: 'Backlog growing: Paused: will not drain' }, { timeout: 10_000 });
  expect(arrow.textContent).toBe('↑');
  const idle = (Object.keys(JOB_TYPE_LABELS) as JobType[]).find((t) => t !== 'report' && !fake.jobs.get('local')!.some((j) => j.type === t && j.state === 'pending'));
  if (idle) expect(within(rowOf(table, idle)).queryByRole('img')).toBeNull();
});

it('the concurrency field shows the recommended concurrency with Apply, and what a typed concurrency would do', { timeout: 30_000 }, async () => {
  const probe = new FakeProbe();
  const { fake } = renderWithFake(<QueueTable cluster={probe.local} />);
  const table = await screen.findByRole('table', { name: `Queues of ${probe.local.name}` }, { timeout: 10_000 });
  await within(table).findByRole('rowheader', { name: JOB_TYPE_LABELS.signal }, { timeout: 10_000 });
  busySignalQueue(fake);
  const row = () => rowOf(table, 'signal');
  await within(row()).findByRole('img', { name: 'Backlog growing: Growing: will not drain' }, { timeout: 10_000 });
  const apply = await within(row()).findByRole('button', { name: new RegExp(`^Apply concurrency \\d+ to ${JOB_TYPE_LABELS.signal}$`) }, { timeout: 10_000 });
  const recommended = Number(/Apply concurrency (\d+)/.exec(apply.getAttribute('aria-label')!)![1]);
  expect(recommended).toBeGreaterThan(1);
  expect(row().textContent).toContain(`Needs ${recommended} for p95 ≤ 1 min`);

  // Typing a concurrency asks the cluster's model what it would do.
  const input = within(row()).getByRole('spinbutton', { name: `Concurrency of ${JOB_TYPE_LABELS.signal}` });
  fireEvent.change(input, { target: { value: '1000' } });
  await waitFor(() => expect(row().textContent).toMatch(/With 1000: Clears in (< 1 min|~\d+ min), p95 wait /), { timeout: 10_000 });
  expect(fake.calls.some((c) => c.method === 'getQueueLoad' && (c.args[2] as { concurrency?: number }).concurrency === 1000)).toBe(true);

  await act(async () => fireEvent.click(apply));
  await waitFor(() => expect(screen.getByRole('region', { name: 'Action feedback' }).textContent).toContain(`${JOB_TYPE_LABELS.signal} now runs up to ${recommended} jobs at once.`));
  expect(fake.concurrency.get('local')!.get('signal')).toBe(recommended);
});

it('Apply is off, with the reason, for a token that is not admin', { timeout: 20_000 }, async () => {
  const probe = new FakeProbe();
  const viewer = { ...probe.local, info: { ...probe.local.info!, role: 'operator' as const } };
  const { fake } = renderWithFake(<QueueTable cluster={viewer} />);
  const table = await screen.findByRole('table', { name: `Queues of ${probe.local.name}` }, { timeout: 10_000 });
  await within(table).findByRole('rowheader', { name: JOB_TYPE_LABELS.signal }, { timeout: 10_000 });
  busySignalQueue(fake);
  const apply = await within(rowOf(table, 'signal')).findByRole('button', { name: /^Apply concurrency/ }, { timeout: 10_000 });
  expect(apply.getAttribute('aria-disabled')).toBe('true');
  expect(apply.getAttribute('title')).toMatch(/needs the admin role; this cluster's token is operator/);
});

it('the load panel lists every queue’s outlook and opens the chart on the queue most in need', { timeout: 30_000 }, async () => {
  const probe = new FakeProbe();
  const { fake } = renderWithFake(
    <>
      <QueueTable cluster={probe.local} />
      <QueueLoadPanel cluster={probe.local} />
    </>,
  );
  await screen.findByRole('table', { name: `Queues of ${probe.local.name}` }, { timeout: 10_000 });
  busySignalQueue(fake);
  const picker = await screen.findByRole('combobox', { name: `Queue whose load ${probe.local.name} shows` }, { timeout: 10_000 });
  await waitFor(() => expect((picker as HTMLSelectElement).value).toBe('signal'), { timeout: 10_000 });
  const loads = await screen.findByRole('table', { name: `Load of the queues of ${probe.local.name}` }, { timeout: 10_000 });
  const signal = within(loads).getByRole('button', { name: JOB_TYPE_LABELS.signal });
  expect(signal.getAttribute('aria-pressed')).toBe('true');
  const cells = signal.closest('tr')!.querySelectorAll('td');
  expect(cells[1]!.textContent).toBe('↑ Growing: will not drain');
  expect(Number(cells[6]!.textContent)).toBeGreaterThan(1);
  expect(cells[6]!.getAttribute('title')).toBe('Now 1; target p95 ≤ 1 min');
  // The paused report queue: will not drain either, and no wait can be predicted while paused.
  const reportCells = within(loads).getByRole('button', { name: JOB_TYPE_LABELS.report }).closest('tr')!.querySelectorAll('td');
  expect(reportCells[3]!.textContent).toBe('—');
  const chart = await screen.findByRole('figure', { name: `${JOB_TYPE_LABELS.signal} backlog: last hour and next hour` }, { timeout: 10_000 });
  await waitFor(() => expect(chart.textContent).toMatch(/Forecast in 60 minutes: about \d+ jobs? \(90% between \d+ and \d+\)/), { timeout: 10_000 });
  expect(chart.textContent).toContain('Forecast with 90% band');
  expect(chart.querySelector('.chart-empty')).toBeNull();
  // Choosing another queue charts it.
  await act(async () => fireEvent.click(within(loads).getByRole('button', { name: JOB_TYPE_LABELS.backtest })));
  await screen.findByRole('figure', { name: `${JOB_TYPE_LABELS.backtest} backlog: last hour and next hour` }, { timeout: 10_000 });
});

it('a backlog chart with no samples and no forecast says so instead of drawing empty axes', () => {
  expect(backlogChartEmpty([], null, false)).toMatch(/No backlog samples yet/);
  expect(backlogChartEmpty([], [{ minutes: 0, expected: 3, low: 3, high: 3 }], false)).toBeNull();
  expect(backlogChartEmpty([{ at: '2026-12-02T12:00:00.000Z', backlog: 0 }], null, false)).toBeNull();
  const { container } = render(<BacklogChart title="Empty" history={[]} forecast={null} now={Date.parse('2026-12-02T12:00:00.000Z')} loading={false} />);
  expect(container.textContent).toMatch(/No backlog samples yet/);
  expect(container.querySelector('.chart-empty')).not.toBeNull();
});

it('history and forecast share one time axis: the forecast starts at now', () => {
  const now = Date.parse('2026-12-02T12:00:00.000Z');
  const series = backlogSeries(
    [
      { at: '2026-12-02T11:58:00.000Z', backlog: 4 },
      { at: '2026-12-02T11:59:00.000Z', backlog: 5 },
    ],
    [
      { minutes: 0, expected: 5, low: 5, high: 5 },
      { minutes: 5, expected: 3.04, low: 1.26, high: 4.83 },
    ],
    now,
  );
  expect(series).toEqual([
    { t: now - 120_000, backlog: 4 },
    { t: now - 60_000, backlog: 5 },
    { t: now, expected: 5, band: [5, 5] },
    { t: now + 300_000, expected: 3, band: [1.3, 4.8] },
  ]);
});

/** The fake's clusters, as a test reads them before rendering. */
class FakeProbe {
  readonly local = new FakeAdminApi({ localJobs: 80, researchJobs: 10 }).clusters.find((c) => c.id === 'local')!;
}

it('a queue whose wait predictions have a poor record is flagged next to its predicted wait, with the error in words', () => {
  const probe = new FakeAdminApi({ localJobs: 80, researchJobs: 10 });
  const [first, second] = queueMetricsOf(probe);
  const poor = { samples: 40, medianMs: 95_000, p90Ms: 240_000, biasMs: 60_000, medianWaitMs: 120_000, poor: true };
  const queues = [
    { ...first!, load: { ...first!.load!, forecastError: poor } },
    { ...second!, load: { ...second!.load!, forecastError: { ...poor, medianMs: 4_000, p90Ms: 9_000, poor: false } } },
  ];
  render(<LoadTable clusterName="Local" queues={queues} chosen={first!.type} onChoose={() => undefined} />);
  const flags = screen.getAllByRole('img', { name: 'Poor prediction record' });
  expect(flags).toHaveLength(1);
  expect(flags[0]!.closest('tr')!.textContent).toContain(JOB_TYPE_LABELS[first!.type]);
  expect(flags[0]!.getAttribute('title')).toBe('wait predictions off by 1 min 35 s (median), 4 min (p90) over 40 started jobs: a poor record, read them as rough');
  expect(forecastErrorWords(null)).toBe('wait predictions not scored yet (fewer than 5 started jobs had one)');
  expect(forecastErrorWords(undefined)).toBeNull();
});

/** The fake's local queues with their load, as the cluster would list them. */
function queueMetricsOf(fake: FakeAdminApi) {
  return queueMetrics(fake.jobs.get('local')!, Date.now(), fake.paused.get('local')!, fake.concurrency.get('local')!);
}
