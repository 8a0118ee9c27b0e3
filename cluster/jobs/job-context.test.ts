import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../contract/jobs.ts';
import { backtestHandler } from './backtest/backtest-handler.ts';
import { createLocalJobContext, type LogLevel } from './job-context.ts';
import { isJobStopped, JobStoppedError, JobTimeoutError } from './job-errors.ts';
import { runRecorded, tempFolder } from './job-test-support.ts';
import { trainingHandler } from './training/training-handler.ts';

const data = tempFolder('ctx');
afterAll(() => data.remove());
const opts = { dataDir: data.dir, outputRoot: data.dir };
const backtest = { symbols: ['ALPH', 'BRVO'], start: '2021-01-04', end: '2021-12-31' };

describe('progress', () => {
  it('weights steps, reports 0–100 % in order and names each step', async () => {
    const seen: JobProgress[] = [];
    const ctx = createLocalJobContext({
      jobId: 'p',
      type: 'report',
      config: {},
      dataDir: data.dir,
      outputDir: data.dir,
      steps: [{ name: 'A', weight: 1 }, { name: 'B', weight: 3 }],
      progressIntervalMs: 0,
      onProgress: (p) => void seen.push(p),
    });
    await ctx.step('A');
    ctx.progress(0.5, 'half of A');
    await ctx.step('B');
    ctx.progress(0.5, 'half of B');
    await ctx.complete();
    expect(seen.map((p) => [p.step, p.stepIndex, p.stepCount, p.percent, p.message])).toEqual([
      ['A', 0, 2, 0, 'A'],
      ['A', 0, 2, 12.5, 'half of A'],
      ['B', 1, 2, 25, 'B'],
      ['B', 1, 2, 62.5, 'half of B'],
      ['B', 1, 2, 100, 'done'],
    ]);
    await expect(ctx.step('A')).rejects.toThrow(/not a declared step/);
  });

  it('throttles progress within a step but never a step change', async () => {
    const seen: JobProgress[] = [];
    const ctx = createLocalJobContext({ jobId: 't', type: 'report', config: {}, dataDir: data.dir, outputDir: data.dir, steps: [{ name: 'A' }, { name: 'B' }], progressIntervalMs: 60_000, onProgress: (p) => void seen.push(p) });
    await ctx.step('A');
    for (let i = 0; i < 100; i++) ctx.progress(i / 100);
    await ctx.step('B');
    expect(seen.map((p) => p.step)).toEqual(['A', 'B']);
    expect(ctx.current.step).toBe('B');
  });
});

describe('graceful stop', () => {
  it('finishes the current step, then stops before the next with JobStoppedError and writes nothing', async () => {
    const progress: JobProgress[] = [];
    const run = runRecorded(backtestHandler, backtest, {
      ...opts,
      jobId: 'stopped',
      progress,
      control: { stopRequested: () => progress.some((p) => p.step === 'Compute signals'), pauseRequested: () => false, stopReason: () => 'stopped by alice' },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobStoppedError);
    expect(isJobStopped(error)).toBe(true);
    expect((error as Error).message).toBe('stopped at step boundary before "Simulate" (stopped by alice)');
    expect(progress.at(-1)).toMatchObject({ step: 'Compute signals', stepIndex: 1 });
    expect(existsSync(path.join(data.dir, 'stopped', 'equity-curve.csv'))).toBe(false);
  });

  it('stops a long training between epochs', async () => {
    const progress: JobProgress[] = [];
    const error = await runRecorded(trainingHandler, { ...backtest, epochs: 100_000 }, {
      ...opts,
      progress,
      control: { stopRequested: () => progress.some((p) => p.message.startsWith('epoch 25/')), pauseRequested: () => false },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('stopped at step boundary before "epoch 26/100000"');
    expect(progress.at(-1)!.message).toMatch(/^epoch 25\/100000 loss/);
  });
});

describe('pause and resume', () => {
  it('holds at the next boundary without progressing, then continues where it was', async () => {
    const progress: JobProgress[] = [];
    let paused = false;
    let pausedAt: JobProgress | null = null;
    let progressWhilePaused = -1;
    const run = runRecorded(trainingHandler, { ...backtest, epochs: 40 }, {
      ...opts,
      progress,
      control: {
        stopRequested: () => false,
        pauseRequested: () => {
          if (!paused && pausedAt === null && progress.some((p) => p.message.startsWith('epoch 10/'))) paused = true;
          return paused;
        },
      },
    });
    // Resume 300 ms after the job reports that it holds.
    const holds = (async () => {
      while (pausedAt === null) {
        await new Promise((r) => setTimeout(r, 5));
        if (paused && progress.at(-1)!.message.startsWith('epoch 10/')) {
          pausedAt = progress.at(-1)!;
          const count = progress.length;
          await new Promise((r) => setTimeout(r, 300));
          progressWhilePaused = progress.length - count;
          paused = false;
        }
      }
    })();
    const [result] = await Promise.all([run, holds]);
    const resumedAt = progress.find((p) => p.message.startsWith('epoch 11/')) ?? null;
    expect(progressWhilePaused).toBe(0);
    expect(pausedAt!.message).toMatch(/^epoch 10\/40/);
    expect(resumedAt).not.toBeNull();
    expect(result.logs.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^paused before "epoch 11\/40"/), expect.stringMatching(/^resumed at "epoch 11\/40"/)]));
    const epochs = progress.filter((p) => /^epoch \d+\/40 /.test(p.message)).map((p) => Number(/^epoch (\d+)/.exec(p.message)![1]));
    expect(epochs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('calls onPaused / onResumed and lets a stop end a paused job', async () => {
    const events: string[] = [];
    let stop = false;
    const ctx = createLocalJobContext({
      jobId: 'pp',
      type: 'report',
      config: {},
      dataDir: data.dir,
      outputDir: data.dir,
      steps: [{ name: 'A' }, { name: 'B' }],
      pausePollMs: 5,
      control: { stopRequested: () => stop, pauseRequested: () => true },
      onPaused: (p) => void events.push(`paused at ${p.step}`),
      onResumed: () => void events.push('resumed'),
    });
    setTimeout(() => (stop = true), 50);
    await expect(ctx.step('A')).rejects.toThrow(JobStoppedError);
    expect(events).toEqual(['paused at A']);
  });
});

describe('time limit', () => {
  it('fails a job that runs past its limit with "timeout"', async () => {
    const logs: { level: LogLevel; message: string }[] = [];
    const error = await runRecorded(trainingHandler, { ...backtest, epochs: 1000, epochDelayMs: 20 }, { ...opts, timeoutMs: 300, logs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as Error).message).toBe('timeout');
    expect((error as JobTimeoutError).detail).toMatch(/time limit of 300 ms; limit hit at "epoch \d+\/1000"/);
    expect(logs.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/^timeout: ran longer than/) });
  });

  it('does not count paused time', async () => {
    let pauses = 1;
    const ctx = createLocalJobContext({
      jobId: 'pt',
      type: 'report',
      config: {},
      dataDir: data.dir,
      outputDir: data.dir,
      steps: [{ name: 'A' }, { name: 'B' }],
      pausePollMs: 10,
      timeoutMs: 150,
      control: { stopRequested: () => false, pauseRequested: () => pauses > 0 },
      onPaused: () => void setTimeout(() => (pauses = 0), 300),
    });
    await ctx.step('A');
    await ctx.step('B');
    expect(ctx.current.step).toBe('B');
  });
});
