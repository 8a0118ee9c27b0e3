process.env.TZ = 'Europe/Berlin';

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DailySummaryReport } from '../../../contract/reports.ts';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import { latestDue, nextDue, periodOfRun, ReportScheduler, type ScheduledRun } from './report-scheduler.ts';
import { SavedReports } from './saved-reports.ts';
import { runScheduledReport } from './scheduled-report.ts';
import { fillReportCache } from './testing/report-fixture.ts';

const at = (d: number, h: number, m = 0) => new Date(2026, 11, d, h, m).getTime(); // December, local
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-schedules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('due times', () => {
  it('are the local time of day, today once past, else yesterday', () => {
    expect(latestDue('07:00', at(2, 8))).toBe(at(2, 7));
    expect(latestDue('07:00', at(2, 6, 59))).toBe(at(1, 7));
    expect(nextDue('07:00', at(2, 8))).toBe(at(3, 7));
    expect(periodOfRun('previous-day', at(2, 7))).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(periodOfRun('previous-7-days', at(2, 7))).toEqual({ from: '2026-11-25', to: '2026-12-01' });
  });
});

describe('ReportScheduler', () => {
  function scheduler(now: { t: number }, runs: ScheduledRun[]) {
    return new ReportScheduler({
      file: path.join(dir, 'report-schedules.json'),
      now: () => now.t,
      run: async (run) => {
        runs.push(run);
        return 'wrote x.pdf';
      },
    });
  }

  it('does not count a time already past today as missed when a schedule is added', async () => {
    const now = { t: at(2, 10) };
    const runs: ScheduledRun[] = [];
    const s = scheduler(now, runs);
    await s.start();
    s.set([{ id: 'daily', kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf', enabled: true }]);
    await s.tick();
    expect(runs).toEqual([]);
    expect(s.states()[0]!.nextRunAt).toBe(new Date(at(3, 7)).toISOString());
    await s.stop();
  });

  it('makes the run it missed while the app was closed at the next start, once, with a note', async () => {
    const now = { t: at(1, 20) };
    const first = scheduler(now, []);
    await first.start();
    first.set([{ id: 'daily', kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf', enabled: true }]);
    await first.stop();
    // The app is closed over night and started at 09:30: the 07:00 run was missed.
    now.t = at(2, 9, 30);
    const runs: ScheduledRun[] = [];
    const second = scheduler(now, runs);
    await second.start();
    expect(runs.map((r) => r.due)).toEqual([at(2, 7)]);
    expect(runs[0]!.note).toMatch(/missed while the app was closed/);
    expect(second.states()[0]!.lastResult).toMatch(/^wrote x\.pdf \(made at .* for the run of .*, missed while the app was closed\)$/);
    await second.tick();
    expect(runs.length).toBe(1);
    await second.stop();
    // On time the next day: no note.
    now.t = at(3, 7, 0) + 10_000;
    const third = scheduler(now, runs);
    await third.start();
    expect(runs.map((r) => [r.due, r.note])).toEqual([[at(2, 7), runs[0]!.note], [at(3, 7), null]]);
    await third.stop();
  });

  it('moves an unreadable schedules file aside instead of overwriting it', async () => {
    const file = path.join(dir, 'report-schedules.json');
    writeFileSync(file, '{"schedules": [{"id": "x", "kind": "weekly"}]');
    const lines: string[] = [];
    const s = new ReportScheduler({ file, run: async () => 'ok', log: (l) => lines.push(l) });
    await s.start();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('report-schedules.json.unreadable-'))).toBe(true);
    expect(lines.join('\n')).toMatch(/could not be read .*moved to/);
    expect(s.states()).toEqual([]);
    await s.stop();
  });

  it('refuses two schedules with one id', async () => {
    const s = scheduler({ t: at(2, 10) }, []);
    const one = { id: 'a', kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'pdf', enabled: true } as const;
    expect(() => s.set([one, one])).toThrow(/two schedules are called 'a'/);
  });
});

describe('a scheduled run', () => {
  it('writes the report of the days before its time into the reports folder, noted', async () => {
    const cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
    fillReportCache(cache, { days: 4, jobsPerDay: 60, endMs: at(2, 12) });
    const saved = new SavedReports(path.join(dir, 'reports'));
    const result = await runScheduledReport(
      { cache, saved, now: () => at(2, 9) },
      { schedule: { id: 'daily', kind: 'daily-summary', at: '07:00', period: 'previous-day', format: 'json', enabled: true }, due: at(2, 7), note: 'made late' },
    );
    expect(result).toMatch(/^wrote .*daily-summary-.*\.json$/);
    const [listed] = saved.list();
    expect(listed).toMatchObject({ kind: 'daily-summary', format: 'json', scheduleId: 'daily', note: 'made late' });
    const report = DailySummaryReport.parse(JSON.parse(readFileSync(listed!.path, 'utf8')));
    expect(report.days.map((d) => d.date)).toEqual(['2026-12-01']);
    cache.close();
  });
});
