import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { elapsedMs, etaView, JobElapsed, JobEta, observeEta } from './job-timing.tsx';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

describe('running time', () => {
  it('a running job counts from its start; a finished one keeps its duration', () => {
    const running = { state: 'running', startedAt: iso(T0), finishedAt: null, durationMs: null };
    expect(elapsedMs(running, T0 + 3 * 60_000)).toBe(3 * 60_000);
    expect(elapsedMs({ ...running, state: 'completed', finishedAt: iso(T0 + 87), durationMs: 87 }, T0 + 3 * 60_000)).toBe(87);
    expect(elapsedMs({ ...running, state: 'pending', startedAt: null }, T0)).toBeNull();
  });

  it('the elapsed time of a running job ticks on screen', () => {
    vi.useFakeTimers({ now: T0 + 5_000 });
    render(<JobElapsed job={{ state: 'running', startedAt: iso(T0), finishedAt: null, durationMs: null }} />);
    expect(screen.getByText('5 s')).toBeTruthy();
    act(() => vi.advanceTimersByTime(3 * 60_000));
    expect(screen.getByText('3 min 5 s')).toBeTruthy();
  });
});

describe('ETA', () => {
  const base = { state: 'running', startedAt: iso(T0), lastProgressAt: iso(T0 + 10_000) };

  it('an ETA that moved later without progress says it keeps slipping', () => {
    const first = T0 + 25_000;
    const v = etaView({ ...base, eta: iso(T0 + 6 * 60_000), firstEtaMs: first, now: T0 + 4 * 60_000 });
    expect(v.text).toBe('ETA keeps slipping — no progress for 3 min');
    expect(v.tone).toBe('warn');
  });

  it('a steady ETA, or one that moved after new progress, is shown as a time', () => {
    expect(etaView({ ...base, eta: iso(T0 + 60_000), firstEtaMs: T0 + 60_000, now: T0 + 20_000 }).text).toBe('in 40 s');
    // Later by more than SLIP_MS, but progress came 20 s ago: a re-estimate, not a slip.
    expect(etaView({ ...base, lastProgressAt: iso(T0 + 100_000), eta: iso(T0 + 300_000), firstEtaMs: T0 + 60_000, now: T0 + 120_000 }).text).not.toContain('slipping');
    expect(etaView({ ...base, state: 'stuck', eta: null, firstEtaMs: null, now: T0 }).text).toBe('No progress');
  });

  it('the first ETA is remembered per job until progress is reported', () => {
    expect(observeEta('c/j1', 'p1', iso(T0 + 15_000))).toBe(T0 + 15_000);
    expect(observeEta('c/j1', 'p1', iso(T0 + 360_000))).toBe(T0 + 15_000);
    expect(observeEta('c/j1', 'p2', iso(T0 + 360_000))).toBe(T0 + 360_000);
  });

  it('a job whose ETA rises from 15 s to 6 min without progress stops promising a time', () => {
    vi.useFakeTimers({ now: T0 + 5_000 });
    const job = { id: 'job-slip', clusterId: 'c', state: 'running', startedAt: iso(T0), lastProgressAt: iso(T0) };
    const { rerender } = render(<JobEta job={{ ...job, eta: iso(T0 + 20_000) }} />);
    expect(screen.getByText('in 15 s')).toBeTruthy();
    act(() => vi.advanceTimersByTime(3 * 60_000));
    rerender(<JobEta job={{ ...job, eta: iso(T0 + 9 * 60_000) }} />);
    expect(screen.getByText('ETA keeps slipping — no progress for 3 min')).toBeTruthy();
  });
});
