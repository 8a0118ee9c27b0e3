import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobState, JobType } from '../../../contract/domain.ts';
import { Job } from '../../../contract/jobs.ts';
import { runRecorded, tempFolder } from '../job-test-support.ts';
import { sweepHandler } from '../sweep/sweep-handler.ts';
import { failureKind, summariseJobs } from './jobs-summary.ts';
import { reportHandler } from './report-handler.ts';

const NOW = Date.now();
let n = 0;
function job(type: JobType, state: JobState, minutesAgo: number, durationMs: number, errorMessage: string | null = null): Job {
  const finished = new Date(NOW - minutesAgo * 60_000);
  const started = new Date(finished.getTime() - durationMs);
  return Job.parse({
    id: `job-${++n}`,
    type,
    state,
    priority: 'normal',
    user: 'alice',
    createdAt: new Date(started.getTime() - 1000).toISOString(),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs,
    attempts: 1,
    maxAttempts: 3,
    progress: null,
    errorMessage,
    updatedAt: finished.toISOString(),
  });
}

const JOBS: Job[] = [
  job('backtest', 'completed', 10, 4_000),
  job('backtest', 'completed', 20, 6_000),
  job('backtest', 'failed', 30, 1_000, 'data not available for symbol NOPE: no file /var/data/market/NOPE.csv; check the ticker'),
  job('backtest', 'failed', 40, 1_200, 'data not available for symbol NOPE: no file /srv/other/market/NOPE.csv; check the ticker'),
  job('training', 'completed', 50, 600_000),
  job('training', 'failed', 60, 30_000, 'timeout'),
  job('signal', 'completed', 5, 120),
  job('report', 'cancelled', 15, 2_000),
  job('backtest', 'completed', 26 * 60, 5_000), // outside a 24 h window
  { ...job('sweep', 'completed', 5, 1000), state: 'running', finishedAt: null, durationMs: null }, // not finished
];

describe('jobs summary', () => {
  it('counts, times and groups failures of the jobs finished in the window', () => {
    const s = summariseJobs(JOBS, new Date(NOW - 24 * 3_600_000), new Date(NOW + 1));
    expect(s.total).toMatchObject({ finished: 8, completed: 4, failed: 3, cancelled: 1, successRate: 4 / 7, maxMs: 600_000 });
    const backtest = s.byType.find((t) => t.type === 'backtest')!;
    // Durations 1000, 1200, 4000, 6000: mean 3050, median (nearest rank) 1200, p95 6000.
    expect(backtest).toMatchObject({ finished: 4, completed: 2, failed: 2, successRate: 0.5, meanMs: 3050, p50Ms: 1200, p95Ms: 6000 });
    expect(s.failureReasons.map((r) => [r.reason, r.count])).toEqual([
      ['data not available for symbol NOPE: no file <path>; check the ticker', 2],
      ['timeout', 1],
    ]);
    expect(failureKind('bad row 123456 in job 9f8e7d6c5b4a\nstack')).toBe('bad row # in job #');
  });
});

describe('report job', () => {
  const data = tempFolder('report');
  afterAll(() => data.remove());

  it('writes a jobs summary as CSV, JSON and a readable PDF with page numbers', async () => {
    const asked: [Date, Date][] = [];
    const run = await runRecorded(reportHandler, { kind: 'jobs-summary', formats: ['csv', 'json', 'pdf'], sinceHours: 24 }, {
      dataDir: data.dir,
      outputRoot: data.dir,
      resolvers: {
        finishedJobs: async (since, until) => {
          asked.push([since, until]);
          return JOBS;
        },
      },
    });
    expect(asked[0]![1].getTime() - asked[0]![0].getTime()).toBe(24 * 3_600_000);
    expect(run.result.metrics).toMatchObject({ finished: 8, failed: 3, topFailure: 'data not available for symbol NOPE: no file <path>; check the ticker (2×)' });
    expect(run.result.outputs.map((o) => o.name)).toEqual(['jobs-summary.csv', 'jobs-summary.json', 'jobs-summary.pdf']);
    const csv = readFileSync(path.join(run.outputDir, 'jobs-summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('type,finished,completed,failed,cancelled,successRate,meanMs,p50Ms,p95Ms,maxMs');
    expect(csv).toContain('backtest,4,2,2,0,0.5,3050,1200,6000,6000');
    expect(JSON.parse(readFileSync(path.join(run.outputDir, 'jobs-summary.json'), 'utf8')).failureReasons).toHaveLength(2);

    const pdfPath = path.join(run.outputDir, 'jobs-summary.pdf');
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    expect(text).toContain('Sigmatiq jobs summary');
    expect(text).toMatch(/Period: .* UTC \(last 24 h\)/);
    expect(text).toMatch(/Backtest\s+4\s+2\s+2\s+0\s+50\.0 %/);
    expect(text).toContain('data not available for symbol NOPE');
    expect(text).toContain('page 1 of 1');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdfPath, path.join(run.outputDir, 'page')]);
    expect(existsSync(path.join(run.outputDir, 'page-1.png'))).toBe(true);
  });

  it('reports a sweep’s ranked table, across pages when it is long', async () => {
    const sweep = await runRecorded(sweepHandler, { symbols: ['ALPH'], start: '2020-01-02', end: '2021-12-31', grid: { fastWindow: [3, 5, 8, 10, 12, 15, 20, 25, 30, 40], slowWindow: [50, 60, 80, 100, 150] } }, { dataDir: data.dir, outputRoot: data.dir, jobId: 'sw-1' });
    const record = { ...job('sweep', 'completed', 1, 9_000), id: 'sw-1' };
    const run = await runRecorded(reportHandler, { kind: 'sweep-results', sourceJobId: 'sw-1', formats: ['pdf', 'csv'] }, {
      dataDir: data.dir,
      outputRoot: data.dir,
      resolvers: { jobResult: async (id) => ({ job: { ...record, id }, result: sweep.result }) },
    });
    expect(run.result.metrics).toMatchObject({ sweepJobId: 'sw-1', parameterSets: 50, best: sweep.result.metrics.best });
    const csv = readFileSync(path.join(run.outputDir, 'sweep-sw-1-results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(51);
    const text = execFileSync('pdftotext', ['-layout', path.join(run.outputDir, 'sweep-sw-1-results.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Sweep sw-1: ranked parameter sets');
    expect(text).toContain('Period: backtests from 2020-01-02 to 2021-12-31 on ALPH');
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => expect(page).toContain(`page ${i + 1} of ${pages.length}`));
    // The header repeats on every page; 50 rows in all.
    for (const page of pages) expect(page).toMatch(/rank\s+fastWindow\s+slowWindow\s+sharpe/);
    expect(pages.join('\n').match(/^\s+\d+\s+\d+\s+\d+\s+-?\d+\.\d\d\s+-?\d+\.\d %/gm)).toHaveLength(50);
  });

  it('fails clearly without a source sweep or with the wrong kind of job', async () => {
    const opts = { dataDir: data.dir, outputRoot: data.dir };
    await expect(runRecorded(reportHandler, { kind: 'sweep-results' }, opts)).rejects.toThrow(/needs sourceJobId/);
    const bt = job('backtest', 'completed', 1, 10);
    await expect(
      runRecorded(reportHandler, { kind: 'sweep-results', sourceJobId: bt.id }, { ...opts, resolvers: { jobResult: async () => ({ job: bt, result: null }) } }),
    ).rejects.toThrow(`job ${bt.id} is a backtest job, not a sweep`);
  });
});
