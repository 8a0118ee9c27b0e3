// The load model's inputs counted from known rows: arrivals, completions, run times, servers.
import { describe, expect, it } from 'vitest';
import type { FinishedSample } from '../datastore/shared-store.ts';
import type { JobType } from '../../contract/domain.ts';
import { loadInputsOf, MAX_RUN_SAMPLES, serversOf, type LoadSources } from './load-inputs.ts';

const MINUTE = 60_000;
const NOW = 10 * 60 * MINUTE;
const ago = (minutes: number) => NOW - minutes * MINUTE;

function done(over: Partial<FinishedSample>): FinishedSample {
  return { type: 'signal', base: 'completed', createdAt: ago(50), startedAt: ago(40), finishedAt: ago(39), runAt: null, ...over };
}

function sources(over: Partial<LoadSources> = {}): LoadSources {
  return {
    now: NOW,
    type: 'signal',
    paused: false,
    concurrency: 3,
    servers: 3,
    running: 0,
    ready: 0,
    finished: [],
    runningRows: [],
    waitingSince: [],
    waitingUnread: 0,
    ...over,
  };
}

describe('loadInputsOf', () => {
  it('counts arrivals when jobs became ready and completions when they finished, per period', () => {
    const finished = [
      // Arrived 50 min ago, finished 39 min ago: in the hour only.
      done({}),
      // Arrived 10 min ago, finished 5 min ago: in both periods; 60 s run.
      done({ createdAt: ago(10), startedAt: ago(6), finishedAt: ago(5) }),
      // Created 70 min ago for a runAt 12 min ago: it arrived 12 min ago.
      done({ createdAt: ago(70), runAt: ago(12), startedAt: ago(11), finishedAt: ago(10), base: 'failed' }),
      // Another type and a cancelled job count nowhere.
      done({ type: 'report', createdAt: ago(1) }),
      done({ base: 'cancelled', createdAt: ago(2), startedAt: null, finishedAt: ago(1) }),
    ];
    const runningRows = [
      { type: 'signal' as const, createdAt: ago(3), runAt: null },
      { type: 'signal' as const, createdAt: ago(30), runAt: null },
      { type: 'report' as const, createdAt: ago(3), runAt: null },
    ];
    const got = loadInputsOf(sources({ finished, runningRows, running: 2, ready: 2, waitingSince: [ago(20), ago(1)] }));
    expect(got).toMatchObject({
      arrivals15m: 4, // two finished, one running, one waiting
      arrivals60m: 7,
      completions15m: 2,
      completions60m: 3,
      busy: 2,
      backlog: 2,
      servers: 3,
      concurrency: 3,
    });
    expect([...got.runTimesMs].sort((a, b) => a - b)).toEqual([MINUTE, MINUTE, MINUTE]);
  });

  it('counts unread waiting jobs as arrivals in the periods the youngest job read arrived in', () => {
    expect(loadInputsOf(sources({ ready: 7, waitingSince: [ago(40), ago(20)], waitingUnread: 5 }))).toMatchObject({ arrivals15m: 0, arrivals60m: 7 });
    expect(loadInputsOf(sources({ ready: 7, waitingSince: [ago(40), ago(5)], waitingUnread: 5 }))).toMatchObject({ arrivals15m: 6, arrivals60m: 7 });
  });

  it('counts as servers what the live nodes serving the queue run: the concurrency set, or each node its own', () => {
    const node = (status: 'online' | 'lost', queues: JobType[], concurrency: Record<string, number>) => ({ status, queues, concurrency });
    const nodes = [node('online', ['signal', 'report'], { signal: 4, report: 1 }), node('online', ['signal'], { signal: 3 }), node('lost', ['signal', 'report'], { signal: 8, report: 8 })];
    // No concurrency set: two live nodes run 4 and 3 at once (the lost one runs nothing).
    expect(serversOf('signal', null, nodes)).toBe(7);
    // Set to 2: BullMQ holds every node to 2 in all.
    expect(serversOf('signal', 2, nodes)).toBe(2);
    expect(serversOf('report', null, nodes)).toBe(1);
    // No live node serves backtests: nothing runs them, whatever the concurrency.
    expect(serversOf('backtest', 5, nodes)).toBe(0);
    expect(serversOf('signal', 2, [node('lost', ['signal'], { signal: 2 })])).toBe(0);
  });

  it('scores started jobs that had a prediction against the wait they had, not those given a later start', () => {
    const finished = [
      done({ createdAt: ago(20), startedAt: ago(18), finishedAt: ago(17), predictedWaitMs: 90_000 }),
      // Delayed to a later runAt: its wait is not the one predicted.
      done({ createdAt: ago(20), runAt: ago(15), startedAt: ago(14), finishedAt: ago(13), predictedWaitMs: 1_000 }),
      done({ createdAt: ago(20), startedAt: ago(19), finishedAt: ago(18), predictedWaitMs: null }),
      done({ type: 'report', createdAt: ago(20), startedAt: ago(19), finishedAt: ago(18), predictedWaitMs: 5 }),
      done({ base: 'cancelled', createdAt: ago(2), startedAt: null, finishedAt: ago(1), predictedWaitMs: 5 }),
    ];
    const runningRows = [{ type: 'signal' as const, createdAt: ago(3), startedAt: ago(1), runAt: null, predictedWaitMs: 0 }];
    const got = loadInputsOf(sources({ finished, runningRows }));
    expect([...got.scoredWaits!].sort((a, b) => a.startedAt - b.startedAt)).toEqual([
      { predictedMs: 90_000, actualMs: 2 * MINUTE, startedAt: ago(18) },
      { predictedMs: 0, actualMs: 2 * MINUTE, startedAt: ago(1) },
    ]);
  });

  it('uses the most recent run times, of jobs that started', () => {
    const finished = [
      ...Array.from({ length: MAX_RUN_SAMPLES }, (_, i) => done({ startedAt: ago(30) - 1000, finishedAt: ago(30) + i })),
      done({ startedAt: ago(40) - 5000, finishedAt: ago(40) }),
      done({ startedAt: null, base: 'failed', finishedAt: ago(1) }),
    ];
    const got = loadInputsOf(sources({ finished }));
    expect(got.runTimesMs).toHaveLength(MAX_RUN_SAMPLES);
    expect(got.runTimesMs).not.toContain(5000);
    expect(got.completions15m).toBe(1);
  });
});
