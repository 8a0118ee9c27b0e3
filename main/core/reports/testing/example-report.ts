/**
 * The README's example report page: a daily summary over a generated two-week history, written as
 * PDF and rendered to PNG with poppler. `npx tsx main/core/reports/testing/example-report.ts docs`
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { JobCache } from '../../cache/job-cache.ts';
import { openCacheDatabase } from '../../cache/open-cache-database.ts';
import { dailySummary } from '../daily-summary.ts';
import { reportPdf } from '../pdf/report-pdf.ts';
import { resolveScope } from '../report-scope.ts';
import { fillReportCache } from './report-fixture.ts';

const out = path.resolve(process.argv[2] ?? 'docs');
mkdirSync(out, { recursive: true });
const end = Date.parse('2026-12-02T10:00:00Z');
const cache = new JobCache(openCacheDatabase({ file: ':memory:' }).db);
fillReportCache(cache, { days: 14, jobsPerDay: 800, endMs: end });
const pdf = path.join(out, 'report-example.pdf');
// The PDF stays next to the picture for a look at every page; only the picture is kept in docs.
writeFileSync(pdf, await reportPdf(dailySummary(resolveScope(cache.db, { since: '7d' }, end))));
execFileSync('pdftoppm', ['-f', '2', '-l', '2', '-r', '80', '-png', '-singlefile', pdf, path.join(out, 'report-example')]);
renameSync(path.join(out, 'report-example.png'), path.join(out, 'report-example-page.png'));
console.log(`wrote ${pdf} and ${path.join(out, 'report-example-page.png')}`);
