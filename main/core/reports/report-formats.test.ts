import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../contract/reports.ts';
import { JobCache } from '../cache/job-cache.ts';
import { openCacheDatabase } from '../cache/open-cache-database.ts';
import { dailySummary } from './daily-summary.ts';
import { performanceTrends } from './performance-trends.ts';
import { reportPdf } from './pdf/report-pdf.ts';
import { reportCsvZip, tableCsv } from './report-csv.ts';
import { resolveScope } from './report-scope.ts';
import { reportTables } from './report-tables.ts';
import { resourceUtilisation } from './resource-utilization.ts';
import { fillReportCache } from './testing/report-fixture.ts';
import { userUsage } from './user-usage.ts';

const END = Date.parse('2026-12-02T10:00:00Z');
let cache: JobCache;
let dir: string;

beforeAll(() => {
  cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
  fillReportCache(cache, { days: 10, jobsPerDay: 150, endMs: END });
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-report-'));
});
afterAll(() => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
});

const scope = (request: { since?: string; from?: string; to?: string } = { since: '7d' }) => resolveScope(cache.db, request, END);

/** Pages of a PDF as text and as pixels (PPM), through poppler. */
function pages(pdf: Buffer, name: string): { text: string; pixels: (rgb: string) => number }[] {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
  execFileSync('pdftoppm', ['-r', '40', file, path.join(dir, name)]);
  const images = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.ppm')).sort();
  expect(images.length).toBe(count);
  return images.map((image, i) => {
    const text = execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-layout', file, '-'], { encoding: 'utf8' });
    const ppm = readFileSync(path.join(dir, image));
    // P6 header: "P6\n<w> <h>\n255\n", then RGB triples.
    const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
    const data = ppm.subarray(header[0].length);
    const pixels = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
      let n = 0;
      for (let p = 0; p + 2 < data.length; p += 3) {
        if (Math.abs(data[p]! - r) < 12 && Math.abs(data[p + 1]! - g) < 12 && Math.abs(data[p + 2]! - b) < 12) n++;
      }
      return n;
    };
    return { text, pixels };
  });
}

describe('PDF', { timeout: 120_000 }, () => {
  it('daily summary: title page with coverage, charts with bars, tables, page numbers, on A4 and Letter', async () => {
    for (const size of ['A4', 'LETTER'] as const) {
      const report = dailySummary(scope());
      const rendered = pages(await reportPdf(report, size), `daily-${size}`);
      expect(rendered.length).toBeGreaterThanOrEqual(2);
      expect(rendered[0]!.text).toMatch(/Daily summary/);
      expect(rendered[0]!.text).toMatch(/What this report stands on/);
      expect(rendered[0]!.text).toMatch(/no samples/);
      rendered.forEach((p, i) => expect(p.text).toMatch(new RegExp(`Page ${i + 1} of ${rendered.length}`)));
      const body = rendered.slice(1);
      expect(body.some((p) => /Jobs finished per day/.test(p.text))).toBe(true);
      expect(body.some((p) => /Per day/.test(p.text))).toBe(true);
      expect(body.some((p) => /Stuck jobs and what was done/.test(p.text))).toBe(true);
      // Completed bars (green) and submissions by hour (blue) are drawn, not empty frames.
      expect(body.reduce((n, p) => n + p.pixels('#16a34a'), 0)).toBeGreaterThan(500);
      expect(body.reduce((n, p) => n + p.pixels('#2563eb'), 0)).toBeGreaterThan(300);
      for (const day of report.days) expect(body.map((p) => p.text).join('\n')).toContain(day.date);
    }
  });

  it('every report renders its headings and non-empty charts', async () => {
    const cases: [Report, RegExp[], string][] = [
      [userUsage(scope()), [/User usage/, /Compute time by user/, /Per user/], '#2563eb'],
      [performanceTrends(scope()), [/Performance trends/, /Run time p95 per day/, /This period against the one before/, /Capacity/, /Hours waiting/, /waited longer than 1 min \(the cluster's wait threshold\)/], '#2563eb'],
      [resourceUtilisation(scope()), [/Resource utilisation/, /Per node/, /hourly means/, /Compute time, CPU and memory by job type/], '#dc2626'],
    ];
    for (const [report, headings, ink] of cases) {
      const rendered = pages(await reportPdf(report), report.kind);
      const text = rendered.map((p) => p.text).join('\n');
      for (const h of headings) expect(text).toMatch(h);
      expect(rendered.slice(1).reduce((n, p) => n + p.pixels(ink), 0)).toBeGreaterThan(100);
    }
  });

  it('embeds its fonts, and draws user text the font lacks as readable stand-ins, never as empty boxes', async () => {
    const first = cache.db.prepare('SELECT rowid AS id, user FROM jobs ORDER BY rowid LIMIT 1').get() as { id: number; user: string };
    cache.db.prepare('UPDATE jobs SET user = ? WHERE rowid = ?').run('Šárka ✓ ≥ \u202Eevil שלום', first.id);
    try {
      const file = path.join(dir, 'fonts.pdf');
      writeFileSync(file, await reportPdf(userUsage(scope({ since: '30d' }))));
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(fonts.length).toBeGreaterThan(0);
      // Every font embedded (a viewer without Helvetica drew another font at its places, letters running into each other).
      for (const line of fonts) expect(line, line).toMatch(/^\S+\+Arimo-(Regular|Bold)\s.*\syes\s+yes\s+yes\s/);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('?árka yes >= ?evil ????');
    } finally {
      cache.db.prepare('UPDATE jobs SET user = ? WHERE rowid = ?').run(first.user, first.id);
    }
  });

  it('says there is nothing to chart instead of drawing an empty chart', async () => {
    const empty = dailySummary(scope({ from: '2026-10-01', to: '2026-10-03' }));
    expect(empty.totals.submitted).toBe(0);
    const rendered = pages(await reportPdf(empty), 'empty');
    const text = rendered.map((p) => p.text).join('\n');
    expect(text).toMatch(/Jobs finished per day: no job finished in this period/);
    expect(rendered.reduce((n, p) => n + p.pixels('#16a34a') + p.pixels('#2563eb'), 0)).toBe(0);
  });
});

describe('CSV', () => {
  it('holds the same numbers as the JSON, one table per file in the zip', () => {
    const report = dailySummary(scope());
    const files = unzipSync(reportCsvZip(report));
    expect(Object.keys(files).sort()).toEqual(['daily-summary-coverage.csv', 'daily-summary-days.csv', 'daily-summary-longest_waits.csv', 'daily-summary-stuck_jobs.csv']);
    const lines = strFromU8(files['daily-summary-days.csv']!).trim().split('\r\n');
    expect(lines[0]).toBe('date,submitted,completed,failed,cancelled,success_rate,busiest_hour,wait_p95_ms,stuck,worker_lost,alerts_fired');
    const submitted = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[1]), 0);
    expect(submitted).toBe(report.totals.submitted);
  });

  it('performance trends: the Capacity section has a row per queue and signal with its sentence, and failures per day', () => {
    const report = performanceTrends(scope());
    expect(report.capacity.enoughHistory).toBe(true);
    const files = unzipSync(reportCsvZip(report));
    const rows = strFromU8(files['performance-trends-capacity.csv']!).trim().split('\r\n');
    expect(rows[0]).toBe('cluster,type,signal,value,more_capacity_needed,sentence');
    expect(rows.length - 1).toBe(report.capacity.queues.length * 4);
    const report0 = report.capacity.queues[0]!;
    expect(rows[2]).toBe(`${report0.clusterId},${report0.type},waits_over_threshold,${Math.round(report0.waitsOverThreshold.value! * 1e6) / 1e6},${report0.waitsOverThreshold.moreCapacityNeeded},${report0.waitsOverThreshold.sentence}`);
    const perDay = strFromU8(files['performance-trends-capacity_failures_per_day.csv']!).trim().split('\r\n').slice(1);
    const timeouts = perDay.filter((l) => l.split(',')[2] === 'timeout').reduce((s, l) => s + Number(l.split(',')[4]), 0);
    expect(timeouts).toBe(report.capacity.queues.reduce((s, q) => s + q.timeouts.total, 0));
    expect(timeouts).toBeGreaterThan(0);
  });

  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    const csv = tableCsv({ name: 't', heading: 'T', columns: ['a', 'b', 'c'], rows: [['=HYPERLINK("x")', 'a,b', null], ['-1', 2.5, true]] });
    expect(csv).toBe('a,b,c\r\n"\'=HYPERLINK(""x"")","a,b",\r\n\'-1,2.5,true\r\n');
    expect(reportTables(userUsage(scope())).map((t) => t.name)).toEqual(['users', 'users_by_type', 'coverage']);
  });
});

describe('failure analysis', () => {
  it('counts each pattern in the period as the jobs in the cache do, largest first, with causes and steps', async () => {
    const { failureAnalysis } = await import('./failure-analysis.ts');
    const report = failureAnalysis(scope(), { inCommon: (id) => cache.failures.detail(id, END)?.inCommon ?? [] });
    const period = scope().period;
    const sql = cache.db
      .prepare(`SELECT failure_group_id AS id, count(*) AS n FROM jobs WHERE state = 'failed' AND finished_at >= ? AND finished_at < ? GROUP BY failure_group_id`)
      .all(period.from, period.to) as { id: string; n: number }[];
    expect(report.groups.length).toBe(sql.length);
    for (const row of sql) expect(report.groups.find((g) => g.id === row.id)?.count, row.id).toBe(row.n);
    expect(report.totals.failed).toBe(sql.reduce((s, r) => s + r.n, 0));
    expect(report.totals.ungrouped).toBe(0);
    // The fixture's four messages, with varied symbols, numbers and paths, are four patterns per job type at most.
    expect(report.groups.every((g) => /<num>|<symbol>|<path>/.test(g.signature))).toBe(true);
    expect(new Set(report.groups.map((g) => g.category))).toEqual(new Set(['data-not-available', 'invalid-parameters', 'limit-exceeded', 'timeout']));
    expect(report.groups.every((g) => g.steps.length > 0 && g.perDay.length === period.days.length)).toBe(true);
    expect(report.groups.every((g) => g.perDay.reduce((a, b) => a + b, 0) === g.count)).toBe(true);
    const rendered = pages(await reportPdf(report), 'failures');
    expect(rendered.map((p) => p.text).join('\n')).toMatch(/Failures per pattern[\s\S]*#1 /);
  });
});
