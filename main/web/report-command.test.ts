import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailySummaryReport, UserUsageReport } from '../../contract/reports.ts';
import { JobCache } from '../core/cache/job-cache.ts';
import { fillReportCache } from '../core/reports/testing/report-fixture.ts';
import { runReport } from './report-command.ts';

const END = Date.parse('2026-12-02T10:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-report-cli-'));
const dataDir = path.join(dir, 'data');

beforeAll(() => {
  const { cache } = JobCache.open({ file: path.join(dataDir, 'cache.db') });
  fillReportCache(cache, { days: 5, jobsPerDay: 100, endMs: END, clusterId: 'local' });
  cache.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  const stderr: string[] = [];
  const code = await runReport(argv, { out: (t) => (stdout += t), err: (l) => stderr.push(l) }, END);
  return { code, stdout, stderr: stderr.join('\n') };
}

describe('sigmatiq-admin report', { timeout: 60_000 }, () => {
  it('prints the JSON report to stdout without --out, and says what it stands on', async () => {
    const r = await run('user-usage', '--data-dir', dataDir, '--since', '3d');
    expect(r.code).toBe(0);
    const report = UserUsageReport.parse(JSON.parse(r.stdout));
    expect(report.users.length).toBeGreaterThan(0);
    expect(report.users[0]).toEqual(expect.objectContaining({ user: expect.any(String), jobs: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number) }));
    expect(r.stderr).toMatch(/^local: as of/m);
  });

  it('writes PDF, JSON, CSV files and a zip of CSV tables', async () => {
    const pdf = path.join(dir, 'out', 'daily.pdf');
    expect((await run('daily-summary', '--data-dir', dataDir, '--from', '2026-11-28', '--to', '2026-12-01', '--format', 'pdf', '--out', pdf, '--paper', 'letter')).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const json = path.join(dir, 'out', 'daily.json');
    expect((await run('daily-summary', '--data-dir', dataDir, '--from', '2026-11-28', '--to', '2026-12-01', '--format', 'json', '--out', json)).code).toBe(0);
    const report = DailySummaryReport.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.days.map((d) => d.date)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    const csv = path.join(dir, 'out', 'daily.csv');
    const written = await run('daily-summary', '--data-dir', dataDir, '--from', '2026-11-28', '--to', '2026-12-01', '--format', 'csv', '--out', csv);
    expect(written.stderr).toMatch(/wrote .*daily\.csv\n.*wrote .*daily-longest_waits\.csv\n.*wrote .*daily-coverage\.csv/s);
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toMatch(/^date,submitted,completed,failed/);
    const zip = path.join(dir, 'out', 'daily.zip');
    expect((await run('daily-summary', '--data-dir', dataDir, '--since', '2d', '--format', 'csv', '--out', zip)).code).toBe(0);
    expect(Object.keys(unzipSync(readFileSync(zip)))).toContain('daily-summary-days.csv');
    expect(strFromU8(unzipSync(readFileSync(zip))['daily-summary-days.csv']!)).toMatch(/^date,/);
  });

  it.each([
    [['weekly'], /unknown report 'weekly': choose one of daily-summary/],
    [[], /say which report/],
    [['daily-summary', '--format', 'xml'], /--format xml: choose csv, json or pdf/],
    [['daily-summary', '--format', 'pdf'], /a PDF needs --out FILE/],
    [['daily-summary', '--from', '2026-11-31', '--to', '2026-12-01'], /--from: no such day/],
    [['daily-summary', '--from', '2026-12-01'], /from and to go together/],
    [['daily-summary', '--from', '2026-12-02', '--to', '2026-12-01'], /is before from/],
    [['daily-summary', '--since', '7w'], /write a period like 24h or 7d/],
    [['daily-summary', '--since', '7d', '--from', '2026-12-01', '--to', '2026-12-01'], /either from\/to or since/],
    [['daily-summary', '--colour', 'red'], /unknown option '--colour'/],
    [['daily-summary', '--out'], /option '--out' needs a value/],
  ])('refuses %j with exit 2 and a reason', async (argv, message) => {
    const r = await run(...argv, '--data-dir', dataDir);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('exits 2 for a cluster the cache does not hold, naming the ones it does', async () => {
    const r = await run('daily-summary', '--data-dir', dataDir, '--cluster', 'prod');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no cluster named 'prod' \(clusters in the cache: local\)/);
  });

  it('exits 1 for a missing or unreadable cache, saying why', async () => {
    const missing = await run('daily-summary', '--data-dir', path.join(dir, 'nowhere'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no job cache at .*nowhere.*cache\.db: start the app once/);
    const junk = path.join(dir, 'junk');
    rmSync(junk, { recursive: true, force: true });
    await import('node:fs').then((fs) => fs.mkdirSync(junk, { recursive: true }));
    writeFileSync(path.join(junk, 'cache.db'), 'not a database '.repeat(400));
    const bad = await run('daily-summary', '--data-dir', junk);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot read the cache at .*junk.*cache\.db: file is not a database/);
  });
});
