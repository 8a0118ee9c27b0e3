/**
 * Delaying and boosting end to end: real Chromium against browser mode with the embedded cluster.
 * Report jobs wait in a paused queue; one is delayed from its detail view (the cluster keeps it
 * pending with its runAt, the detail and the Jobs table say when it runs) and run now again; then
 * the Jobs list filtered to the low-priority pending report jobs of one user delays them all until
 * a chosen time with the dry-run count and per-job results; last, a selection is boosted one
 * priority step, a Critical job staying as it is, and Run now on it puts back in line only its
 * delayed job. Saves screenshots at 1280 and 1440 px.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Priority } from '../contract/domain.ts';
import { launchChromium } from './harness/chromium.ts';
import { buildRenderer, startBrowserModeHost, type BrowserModeHost } from './browser-mode-host.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots', `delay-boost-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const USER = 'dana.delay';
let host: BrowserModeHost;
let browser: Browser;
let page: Page;

async function shot(name: string) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`) });
  }
}

async function job(id: string) {
  return host.call('getJob', 'local', id);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  console.log(`delay and boost screenshots: ${SHOTS}`);
  buildRenderer();
  host = await startBrowserModeHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(host.openUrl);
});

afterAll(async () => {
  // What the page showed last: where a failed run stopped.
  await page?.screenshot({ path: path.join(SHOTS, 'last.png') }).catch(() => undefined);
  await browser?.close();
  await host?.stop();
});

it('delays a pending job and runs it now from its detail view, bulk-delays a filter until a time, and boosts a selection', async () => {
  await expect.poll(async () => (await host.call('listClusters')).find((c) => c.id === 'local')?.status, { timeout: 180_000 }).toBe('online');
  // The report queue is paused so the jobs stay pending whatever the sample workload does.
  await host.call('queueAction', 'local', 'report', 'pause', {});
  const priorities: Priority[] = ['low', 'low', 'normal', 'normal', 'critical'];
  const ids: string[] = [];
  for (const priority of priorities) {
    ids.push((await host.call('submitJob', 'local', { type: 'report', user: USER, priority, config: { kind: 'jobs-summary' } })).id);
  }
  const [low1, low2, normal1, normal2, critical] = ids as [string, string, string, string, string];
  // The app has them once its cache has: the detail view and the list read from it.
  await expect.poll(async () => (await host.call('queryJobs', { filter: { user: [USER], state: ['pending'] } })).total, { timeout: 60_000 }).toBe(5);

  // ---- one job, from its detail view: delay by 45 minutes, then run now
  await page.evaluate(`location.hash = '#/jobs/local/${encodeURIComponent(normal1)}'`);
  const bar = page.getByRole('toolbar', { name: 'Job actions' });
  await bar.waitFor({ timeout: 60_000 });
  expect(await bar.getByRole('button', { name: `Run now job ${normal1}` }).getAttribute('aria-disabled')).toBe('true');
  await bar.getByRole('button', { name: `Delay job ${normal1}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delay job ${normal1}` });
  await dialog.waitFor();
  await dialog.getByRole('combobox', { name: 'Unit' }).selectOption('minutes');
  const amount = dialog.getByRole('spinbutton', { name: 'Delay by how many minutes' });
  await amount.fill('');
  await dialog.getByRole('alert').getByText('Enter how many minutes to delay by.').waitFor();
  await amount.fill('45');
  await dialog.getByRole('status').getByText(/^Runs at/).waitFor();
  await shot('delay-dialog');
  const before = Date.now();
  await dialog.getByRole('button', { name: 'Delay job' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  const delayed = await job(normal1);
  expect(delayed.state).toBe('pending');
  expect(Math.abs(Date.parse(delayed.runAt!) - (before + 45 * 60_000))).toBeLessThan(60_000);
  const panel = page.getByRole('tabpanel');
  await panel.getByText('Runs at', { exact: true }).waitFor({ timeout: 30_000 });
  await panel.getByText(/delayed, in 4\d min/).waitFor();
  await panel.locator('.badge.state-delayed').waitFor();
  await shot('job-detail-delayed');

  const runNow = bar.getByRole('button', { name: `Run now job ${normal1}` });
  await expect.poll(() => runNow.getAttribute('aria-disabled'), { timeout: 30_000 }).toBeNull();
  await runNow.click();
  await expect.poll(async () => (await job(normal1)).runAt ?? null, { timeout: 30_000 }).toBeNull();
  await panel.getByText('Runs at', { exact: true }).waitFor({ state: 'detached', timeout: 30_000 });
  expect(await panel.locator('.badge.state-pending').count()).toBe(1);

  // ---- the Jobs list, filtered: pending low-priority report jobs of one user, delayed until a time
  await page.evaluate(`location.hash = '#/jobs'`);
  await page.getByRole('radio', { name: 'Queue' }).click();
  await page.getByLabel('Users, comma-separated').fill(USER);
  await expect.poll(() => page.getByRole('search', { name: 'Filter jobs' }).getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  await page.locator('summary', { hasText: 'Type' }).click();
  await page.getByRole('group', { name: 'Type' }).getByLabel('Report Generation').check();
  await page.locator('summary', { hasText: 'Priority' }).click();
  await page.getByRole('group', { name: 'Priority' }).getByLabel('Low').check();
  await page.keyboard.press('Escape');
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect.poll(() => table.locator('tbody tr[aria-rowindex]').count(), { timeout: 30_000 }).toBe(2);

  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Delay pending' }).click();
  const bulk = page.getByRole('dialog', { name: 'Delay pending' });
  const confirm = bulk.getByRole('button', { name: 'Delay 2 jobs' });
  await confirm.waitFor({ timeout: 30_000 });
  await bulk.getByRole('radio', { name: 'Until a date and time' }).check();
  const when = bulk.getByLabel('Run at (your local time)');
  // A time already past is refused in words before anything is sent.
  const past = (await page.evaluate(`(() => { const d = new Date(Date.now() - 3600000); const p = (n) => String(n).padStart(2, '0'); return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()); })()`)) as string;
  await when.fill(past);
  await bulk.getByRole('alert').getByText(/^That time has passed/).waitFor();
  expect(await confirm.getAttribute('aria-disabled')).toBe('true');
  // A time three hours on, to the minute, as the admin would type it.
  const later = (await page.evaluate(`(() => { const d = new Date(Date.now() + 3 * 3600000); const p = (n) => String(n).padStart(2, '0'); return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()); })()`)) as string;
  const untilIso = (await page.evaluate(`new Date(${JSON.stringify(later)}).toISOString()`)) as string;
  await when.fill(later);
  await bulk.getByRole('status').getByText(/^Runs at/).waitFor();
  await shot('bulk-delay-dialog');
  await confirm.click();
  const results = bulk.getByRole('table', { name: 'Result per job' });
  await results.waitFor({ timeout: 60_000 });
  await bulk.getByText('2 done, 0 skipped, 0 failed of 2.').waitFor();
  await shot('bulk-delay-results');
  expect((await job(low1)).runAt).toBe(untilIso);
  expect((await job(low2)).runAt).toBe(untilIso);
  expect((await job(normal2)).runAt ?? null).toBeNull();
  await bulk.getByRole('button', { name: 'Close' }).last().click();

  // The table tells them apart from pending jobs ready to run: both filtered rows say when they run.
  await expect.poll(() => table.locator('.badge.state-delayed').count(), { timeout: 30_000 }).toBe(2);

  // ---- the whole queue of this user: delayed and ready side by side, then a boost of a selection
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('radio', { name: 'Queue' }).click();
  await page.getByLabel('Users, comma-separated').fill(USER);
  // The typed user applies after a pause and clears any selection then: select only once it has.
  await expect.poll(() => page.getByRole('search', { name: 'Filter jobs' }).getAttribute('aria-busy'), { timeout: 30_000 }).toBeNull();
  await expect.poll(() => table.locator('tbody tr[aria-rowindex]').count(), { timeout: 30_000 }).toBe(5);
  await expect.poll(() => table.locator('.badge.state-pending').count(), { timeout: 30_000 }).toBe(3);
  await shot('jobs-table-delayed');

  for (const id of [low1, normal2, critical]) await table.getByRole('checkbox', { name: `Select job ${id}` }).check();
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Boost 3 selected' }).click();
  const boost = page.getByRole('dialog', { name: 'Boost 3 selected' });
  const lines = boost.getByRole('table', { name: 'Priority per job' });
  await lines.waitFor();
  expect(await lines.getByRole('row').filter({ hasText: low1 }).textContent()).toMatch(/Low→ Normal/);
  expect(await lines.getByRole('row').filter({ hasText: normal2 }).textContent()).toMatch(/Normal→ High/);
  expect(await lines.getByRole('row').filter({ hasText: critical }).textContent()).toMatch(/Unchanged: already Critical/);
  await boost.getByRole('button', { name: 'Boost 2 jobs' }).waitFor({ timeout: 30_000 });
  await shot('boost-dialog');
  await boost.getByRole('button', { name: 'Boost 2 jobs' }).click();
  await boost.getByText('2 done, 0 skipped, 0 failed of 2. 1 job already Critical: unchanged.').waitFor({ timeout: 60_000 });
  await shot('boost-results');
  expect((await job(low1)).priority).toBe('normal');
  expect((await job(normal2)).priority).toBe('high');
  expect((await job(critical)).priority).toBe('critical');
  // A boost keeps the delay: the job is still pending until its time.
  expect((await job(low1)).runAt).toBe(untilIso);
  await boost.getByRole('button', { name: 'Close' }).last().click();

  // ---- Run now on the same selection: only its delayed job goes back in line
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Run now 3 selected' }).click();
  const runNow3 = page.getByRole('dialog', { name: 'Run now 3 selected' });
  await runNow3.getByText(/2 selected jobs not delayed will be left alone/).waitFor({ timeout: 30_000 });
  await runNow3.getByRole('button', { name: 'Run now 1 job' }).click();
  await runNow3.getByText('1 done, 0 skipped, 0 failed of 1.').waitFor({ timeout: 60_000 });
  expect((await job(low1)).runAt ?? null).toBeNull();
  expect((await job(low2)).runAt).toBe(untilIso);

  await host.call('bulkAction', 'local', { action: 'delete', filter: { user: [USER] } });
  await host.call('queueAction', 'local', 'report', 'resume', {});
});
