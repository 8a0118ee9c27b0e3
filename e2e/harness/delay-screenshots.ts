/**
 * Test-only: screenshots of delaying and boosting against the dev harness at 1280 and 1440 px —
 * the Jobs list's queue with delayed jobs (today and another day) next to jobs ready to run, with
 * the Cluster column of two clusters in view; the Delay dialog of a job, its error for a time
 * passed, the job detail of a delayed job; the bulk Delay, Boost and Run now dialogs —
 * saved under a folder it prints. Run: `npx tsx e2e/harness/delay-screenshots.ts [outDir]`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { startHarness } from './harness-server.ts';

const out = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'screenshots', 'delay'));
mkdirSync(out, { recursive: true });

/** Delays some pending local jobs in the page's fake: three until 18:00 (or in 2 h once that passed), two until the day after tomorrow; returns the ids. */
const SEED = `(async () => {
  const fake = window.__fake;
  const pending = fake.jobs.get('local').filter((j) => j.state === 'pending' && j.type !== 'sweep');
  const six = new Date(); six.setHours(18, 0, 0, 0);
  const today = six.getTime() > Date.now() + 60000 ? six.getTime() : Date.now() + 2 * 3600000;
  const later = new Date(Date.now() + 2 * 86400000); later.setHours(9, 30, 0, 0);
  const ids = pending.map((j) => j.id);
  // One of each priority among the next ones, for the boost (before the delays replace the records).
  ['low', 'normal', 'high', 'critical'].forEach((p, i) => { if (pending[5 + i]) pending[5 + i].priority = p; });
  await fake.api.bulkAction('local', { action: 'delay', ids: ids.slice(0, 3), until: new Date(today).toISOString() });
  await fake.api.bulkAction('local', { action: 'delay', ids: ids.slice(3, 5), until: later.toISOString() });
  return ids;
})()`;

async function shot(page: Page, name: string) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(out, `${name}-${width}.png`) });
  }
}

const server = await startHarness();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
  await page.goto(`${server.url}?jobs=240`);
  await page.waitForFunction('window.__fake !== undefined');
  const ids = (await page.evaluate(SEED)) as string[];

  // The queue of every cluster in view: delayed and ready side by side, the Cluster column shown.
  await page.evaluate(`location.hash = '#/jobs'`);
  await page.getByRole('radio', { name: 'Queue' }).click();
  await page.getByRole('table', { name: 'Jobs' }).waitFor();
  await shot(page, 'jobs-queue');

  // The Delay dialog of one job: its default, then a time passed.
  await page.evaluate(`location.hash = '#/jobs/local/${ids[6]}'`);
  await page.getByRole('button', { name: `Delay job ${ids[6]}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delay job ${ids[6]}` });
  await dialog.waitFor();
  await shot(page, 'delay-dialog');
  await dialog.getByRole('radio', { name: 'Until a date and time' }).check();
  await dialog.getByLabel('Run at (your local time)').fill('2020-01-01T08:00');
  await shot(page, 'delay-dialog-past');
  await dialog.getByRole('button', { name: 'Keep it' }).click();

  // A delayed job's detail.
  await page.evaluate(`location.hash = '#/jobs/local/${ids[0]}'`);
  await page.getByText('Runs at', { exact: true }).waitFor();
  await shot(page, 'job-detail-delayed');

  // Bulk delay over the queue filter, and its results. (Under React's StrictMode in the dev harness
  // the list coming back to the same query stays loading; choosing the view again loads it.)
  await page.evaluate(`location.hash = '#/jobs'`);
  await page.getByRole('radio', { name: 'All' }).click();
  await page.getByRole('radio', { name: 'Queue' }).click();
  await page.getByRole('table', { name: 'Jobs' }).waitFor();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Delay pending' }).click();
  const bulk = page.getByRole('dialog', { name: 'Delay pending' });
  await bulk.getByRole('button', { name: /^Delay \d+ jobs?$/ }).waitFor();
  await shot(page, 'bulk-delay-dialog');
  await bulk.getByRole('button', { name: /^Delay \d+ jobs?$/ }).click();
  await bulk.getByRole('table', { name: 'Result per job' }).waitFor();
  await shot(page, 'bulk-delay-results');
  await bulk.getByRole('button', { name: 'Close' }).last().click();

  // Boost four selected jobs, one of each priority.
  const table = page.getByRole('table', { name: 'Jobs' });
  await table.waitFor();
  for (const id of ids.slice(5, 9)) await table.getByRole('checkbox', { name: `Select job ${id}` }).check();
  await shot(page, 'jobs-selection');
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Boost 4 selected' }).click();
  const boost = page.getByRole('dialog', { name: 'Boost 4 selected' });
  await boost.getByRole('button', { name: 'Boost 3 jobs' }).waitFor();
  await shot(page, 'boost-dialog');
  await boost.getByRole('button', { name: 'Boost 3 jobs' }).click();
  await boost.getByRole('table', { name: 'Result per job' }).waitFor();
  await shot(page, 'boost-results');
  await boost.getByRole('button', { name: 'Close' }).last().click();

  // Run now on the selection: only the delayed ones among it go back in line.
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Run now 4 selected' }).click();
  const runNow = page.getByRole('dialog', { name: 'Run now 4 selected' });
  await runNow.getByRole('button', { name: /^Run now \d+ jobs?$/ }).waitFor();
  await shot(page, 'bulk-run-now-dialog');
  console.log(`delay screenshots: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
