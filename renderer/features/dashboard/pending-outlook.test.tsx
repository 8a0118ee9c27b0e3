import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import type { QueueLoad } from '../../../contract/load.ts';
import { emptyStateCounts, type QueueMetrics, type Summary } from '../../../contract/metrics.ts';
import { pendingOutlook } from './pending-outlook.ts';
import { SummaryCards } from './summary-cards.tsx';

const AT = '2026-12-02T12:00:00.000Z';
const READING = { value: 0, level: 'good' as const };

function load(status: QueueLoad['status'], drainSeconds: number | null = null): QueueLoad {
  return {
    status,
    arrivalPerMin: 1,
    completionPerMin: 1,
    growthPerMin: 0,
    growthPerMinHour: 0,
    utilisation: 0.5,
    busy: 1,
    concurrency: 2,
    backlog: status === 'idle' ? 0 : 5,
    meanRunMs: 30_000,
    runTimeScv: 1,
    runSamples: 20,
    drainSeconds,
    predictedWaitMs: null,
    predictedWaitP95Ms: null,
    recommendedConcurrency: 2,
    waitTargetMs: 60_000,
  };
}

function queue(type: JobType, l: QueueLoad | undefined, paused = false): QueueMetrics {
  return {
    type,
    paused,
    concurrency: 2,
    counts: { ...emptyStateCounts(), pending: l?.backlog ?? 0 },
    queueLength: READING,
    readyCount: l?.backlog ?? 0,
    waitTimeP50Ms: READING,
    waitTimeP95Ms: READING,
    processingRatePerMin: READING,
    failureRate: READING,
    windowMs: 3_600_000,
    ...(l ? { load: l } : {}),
  };
}

function summaryOf(queues: QueueMetrics[], at = AT): Summary {
  const counts = emptyStateCounts();
  counts.pending = queues.reduce((n, q) => n + q.counts.pending, 0);
  return { at, total: counts.pending, counts, successRate: null, queues, queueLength: READING, waitTimeP95Ms: READING, processingRatePerMin: READING, failureRate: READING };
}

function dashboard(...clusters: { id: string; queues: QueueMetrics[]; fromCache?: boolean }[]): DashboardSummary {
  const counts = emptyStateCounts();
  counts.pending = clusters.reduce((n, c) => n + c.queues.reduce((m, q) => m + q.counts.pending, 0), 0);
  return {
    clusters: clusters.map((c) => ({ clusterId: c.id, summary: summaryOf(c.queues), fromCache: c.fromCache ?? false })),
    counts,
    total: counts.pending,
    successRate: null,
  };
}

const clock = (ms: number) => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(Date.parse(AT) + ms);

describe('the Pending card’s outlook over every cluster in view', () => {
  it('clears when the last queue clears: the latest clear time of all, with its clock time', () => {
    const o = pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('draining', 600)), queue('signal', load('idle', 0))] }, { id: 'b', queues: [queue('training', load('draining', 2100))] }))!;
    expect(o.note).toBe(`↓ Clears by ${clock(2_100_000)}`);
    expect(o.tone).toBe('good');
    expect(o.detail).toBe(`Draining at current rates: clears in ~35 min; the last queue to clear is ${JOB_TYPE_LABELS.training} on b.`);
    // Within a minute, or too far off for a clock time to say which day: the span.
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('draining', 20))] }))!.note).toBe('↓ Clears in < 1 min');
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('draining', 3 * 86_400))] }))!.note).toBe('↓ Clears in ~3 days');
  });

  it('is growing when any queue grows, even beside draining ones on another cluster', () => {
    const o = pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('draining', 60))] }, { id: 'b', queues: [queue('signal', load('growing'))] }))!;
    expect(o).toMatchObject({ note: '↑ Growing: will not drain', tone: 'critical' });
  });

  it('a paused queue that is filling counts as growing, and says it is paused', () => {
    const o = pendingOutlook(dashboard({ id: 'a', queues: [queue('report', load('growing'), true), queue('backtest', load('draining', 60))] }))!;
    expect(o).toMatchObject({ note: '↑ Paused: will not drain', tone: 'critical' });
    expect(o.detail).toContain('(paused, filling)');
  });

  it('a queue whose run time is not known yet makes the clear time unknown', () => {
    const o = pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('draining', 60)), queue('sweep', load('insufficient-data'))] }))!;
    expect(o.note).toBe('Not enough data to forecast');
  });

  it('idle when nothing is ready anywhere; nothing to say without a live cluster reporting load', () => {
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('idle', 0))] }))!.note).toBe('Idle: nothing ready to run');
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', undefined)] }))).toBeNull();
    // A cached cluster's load is as old as its snapshot: it does not decide the card.
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('growing'))], fromCache: true }))).toBeNull();
    expect(pendingOutlook(dashboard({ id: 'a', queues: [queue('backtest', load('growing'))], fromCache: true }, { id: 'b', queues: [queue('signal', load('draining', 90))] }))!.note).toBe(
      `↓ Clears by ${clock(90_000)}`,
    );
  });

  it('shows on the Pending card, with the queues in its tooltip', () => {
    render(<SummaryCards summary={dashboard({ id: 'a', queues: [queue('signal', load('growing'))] })} />);
    const card = screen.getByRole('group', { name: 'Pending' });
    const note = within(card).getByText('↑ Growing: will not drain');
    expect(note.getAttribute('title')).toBe(`Backlog growing in ${JOB_TYPE_LABELS.signal}.`);
    expect(card.className).toContain('tone-warning');
  });
});
