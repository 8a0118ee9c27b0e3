/**
 * The admin UI end to end: real Chromium against browser mode (`sigmatiq-admin serve`) with the
 * embedded cluster and its sample workload. Saves a screenshot of each screen under a folder it
 * prints.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.ts';
import { buildRenderer, startBrowserModeHost, type BrowserModeHost } from './browser-mode-host.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots', new Date().toISOString().replace(/[:.]/g, '-'));
let host: BrowserModeHost;
let browser: Browser;
let page: Page;

async function shot(name: string) {
  // The page scrolls inside <main>; grow the viewport to the content for a whole-screen picture.
  const height = await page.evaluate<number>(`document.getElementById('content').scrollHeight + 120`);
  await page.setViewportSize({ width: 1440, height: Math.max(900, Math.min(height, 3500)) });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function go(hash: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

/** A job that stays pending: delayed by an hour. */
async function delayedJob(user: string) {
  const runAt = new Date(Date.now() + 3600_000).toISOString();
  return host.call('submitJob', 'local', { type: 'signal', user, priority: 'low', config: {}, runAt });
}

/** The first cached job in `state`, waiting for the sample workload to produce one. */
async function firstJobIn(state: 'completed') {
  const first = async () => (await host.call('queryJobs', { clusterIds: ['local'], filter: { state: [state] }, limit: 1 })).items[0];
  await expect.poll(first, { timeout: 180_000, message: `a ${state} job from the sample workload` }).toBeDefined();
  return (await first())!;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  console.log(`admin UI screenshots: ${SHOTS}`);
  buildRenderer();
  host = await startBrowserModeHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(host.openUrl);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

it('dashboard: cards, queue metrics and the three tables fill with live data', async () => {
  await go('#/dashboard');
  const total = page.getByRole('group', { name: 'Total Jobs' });
  await expect.poll(async () => Number((await total.locator('.stat-value').textContent())?.replace(/,/g, '')), { timeout: 120_000 }).toBeGreaterThan(0);
  // The sample workload keeps workers busy; a job an hour away keeps the Queue table from being
  // empty at the moment we look (its pending jobs are often taken within a second).
  await delayedJob('dana.dashboard');
  for (const m of ['Queue Length', 'Wait Time', 'Processing Rate', 'Failure Rate']) {
    await expect.poll(() => page.getByRole('group', { name: m }).locator('.metric-value').textContent(), { timeout: 30_000 }).not.toBe('…');
  }
  for (const name of ['Active jobs', 'Queue', 'Completed jobs']) {
    await expect.poll(() => page.getByRole('table', { name, exact: true }).locator('tbody tr').count(), { timeout: 180_000, message: `rows in the ${name} table` }).toBeGreaterThan(0);
  }
  await expect.poll(() => page.getByRole('meter', { name: 'CPU' }).getAttribute('aria-valuenow'), { timeout: 30_000 }).not.toBeNull();
  await shot('dashboard');
});

it('a job detail shows all four tabs with real content', async () => {
  // The Completed table may show only failed or cancelled jobs this early; wait for a completed one.
  const { id } = await firstJobIn('completed');
  await go(`#/jobs/local/${id}`);
  await page.getByRole('tab', { name: 'Overview' }).waitFor();
  await page.getByText('Attempts').waitFor();
  await shot('job-detail-overview');
  await page.getByRole('tab', { name: 'Configuration' }).click();
  await page.getByRole('tabpanel').locator('.detail-section').first().waitFor();
  expect(await page.getByRole('tabpanel').locator('.kv-row').count()).toBeGreaterThan(2);
  await shot('job-detail-configuration');
  await page.getByRole('tab', { name: 'Progress' }).click();
  await page.getByRole('region', { name: 'Steps' }).waitFor();
  expect(await page.locator('.step').count()).toBeGreaterThan(0);
  expect(await page.locator('.log-line').count()).toBeGreaterThan(0);
  await shot('job-detail-progress');
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByRole('region', { name: 'Metrics' }).waitFor();
  await shot('job-detail-results');
});

/** A backtest of a symbol with no data: it fails at once, by design (no waiting for the sample workload to fail one). */
async function failedJob() {
  const job = await host.call('submitJob', 'local', { type: 'backtest', user: 'e2e-failing', priority: 'critical', config: { symbols: ['ZZZT'] } });
  await expect.poll(async () => (await host.call('getJob', 'local', job.id)).state, { timeout: 120_000, message: `backtest ${job.id} of an unknown symbol fails` }).toBe('failed');
  return host.call('getJob', 'local', job.id);
}

it('retry of a failed job takes effect on the cluster', async () => {
  const failed = await failedJob();
  await go(`#/jobs/local/${failed.id}/progress`);
  await page.getByRole('region', { name: 'Error' }).waitFor();
  await shot('job-detail-progress-failed');
  const before = await host.call('getJob', 'local', failed.id);
  await page.getByRole('button', { name: `Retry job ${failed.id}`, exact: true }).click();
  const toast = page.getByRole('region', { name: 'Action feedback' });
  await toast.getByText(`Job ${failed.id} queued for retry.`).or(toast.getByRole('alert')).first().waitFor({ timeout: 60_000 });
  expect(await toast.getByRole('alert').count(), await toast.textContent() ?? '').toBe(0);
  // A sample job that fails by design may fail again quickly: it was retried when it left 'failed' or ran again.
  await expect
    .poll(async () => {
      const now = await host.call('getJob', 'local', failed.id);
      return now.state !== 'failed' || now.attempts > before.attempts || now.updatedAt !== before.updatedAt;
    }, { timeout: 60_000 })
    .toBe(true);
});

it('cancel of a pending job and a change of priority take effect on the cluster', async () => {
  const a = await delayedJob('e2e-single');
  const b = await delayedJob('e2e-single');
  await go(`#/jobs/local/${a.id}`);
  await page.getByRole('button', { name: `Cancel job ${a.id}` }).click();
  await page.getByRole('dialog', { name: `Cancel job ${a.id}?` }).getByRole('button', { name: 'Cancel job' }).click();
  await expect.poll(async () => (await host.call('getJob', 'local', a.id)).state, { timeout: 60_000 }).toBe('cancelled');
  await go(`#/jobs/local/${b.id}`);
  await page.getByRole('combobox', { name: `Change priority of job ${b.id}` }).selectOption('critical');
  await expect.poll(async () => (await host.call('getJob', 'local', b.id)).priority, { timeout: 60_000 }).toBe('critical');
  await page.getByText(`Job ${b.id} given a new priority.`).waitFor();
});

it('a bulk cancel counts first, then cancels every selected job on the cluster', async () => {
  const jobs = [await delayedJob('e2e-bulk'), await delayedJob('e2e-bulk'), await delayedJob('e2e-bulk')];
  await go('#/jobs');
  await page.getByRole('textbox', { name: 'Users, comma-separated' }).fill('e2e-bulk');
  await expect.poll(() => page.getByRole('table', { name: 'Jobs' }).getAttribute('aria-rowcount'), { timeout: 60_000 }).toBe('4');
  await page.getByRole('checkbox', { name: /^Select all 3 loaded jobs/ }).check();
  await shot('jobs');
  await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Cancel 3 selected' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel 3 selected' });
  await dialog.getByRole('button', { name: 'Cancel 3 jobs' }).click();
  await dialog.getByRole('table', { name: 'Result per job' }).waitFor({ timeout: 60_000 });
  await shot('jobs-bulk-cancel-result');
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  for (const j of jobs) expect((await host.call('getJob', 'local', j.id)).state).toBe('cancelled');
});

it('pausing a queue shows, and the cluster reports it paused', async () => {
  await go('#/queues');
  const table = page.getByRole('table', { name: /^Queues of / });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Report Generation' }) });
  await row.waitFor({ timeout: 60_000 });
  const pause = row.getByRole('button', { name: 'Pause queue Report Generation' });
  if (await pause.count()) {
    await pause.click();
    await page.getByRole('dialog', { name: 'Pause the Report Generation queue?' }).getByRole('button', { name: 'Pause queue' }).click();
  }
  // The state badge; the Processing Rate cell of a paused queue reads "Paused" too.
  await row.locator('.badge.state-paused').waitFor({ timeout: 60_000 });
  expect((await host.call('getQueues', 'local')).find((q) => q.type === 'report')!.paused).toBe(true);
  await shot('queues');
  await row.getByRole('button', { name: 'Resume queue Report Generation' }).click();
  await expect.poll(async () => (await host.call('getQueues', 'local')).find((q) => q.type === 'report')!.paused, { timeout: 60_000 }).toBe(false);
});

it('the other screens render: workers, schedules, clusters, settings, submit job', async () => {
  await go('#/workers');
  await page.getByText(/^Worker nodes · /).waitFor({ timeout: 60_000 });
  await page.getByRole('table', { name: /^Worker nodes of / }).or(page.getByText('No worker node is running.')).waitFor({ timeout: 60_000 });
  await shot('workers');
  await go('#/schedules');
  await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
  await page.waitForTimeout(1000);
  await shot('schedules');
  await go('#/settings');
  await page.getByRole('table', { name: 'Thresholds' }).waitFor();
  await shot('settings');
  await go('#/clusters');
  await page.getByRole('switch', { name: 'Run the local embedded cluster' }).waitFor();
  await shot('clusters');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.getByRole('dialog', { name: 'Submit job' }).waitFor();
  await shot('submit-job');
  await page.keyboard.press('Escape');
});

it('stopping the embedded cluster shows the offline banner, with cached data still browsable', async () => {
  await go('#/clusters');
  // A controlled switch: it flips once the host reports the cluster stopped, so click rather than uncheck.
  await page.getByRole('switch', { name: 'Run the local embedded cluster' }).click();
  await page.getByText('Showing cached data.').waitFor({ timeout: 120_000 });
  await go('#/jobs');
  await page.getByRole('textbox', { name: 'Users, comma-separated' }).fill('');
  await expect.poll(() => page.getByRole('table', { name: 'Jobs' }).locator('tbody tr a.job-link').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await shot('offline-jobs');
  const first = await page.getByRole('table', { name: 'Jobs' }).locator('tbody tr a.job-link').first().textContent();
  await go(`#/jobs/local/${first}`);
  await page.getByRole('tab', { name: 'Overview' }).waitFor({ timeout: 60_000 });
  await shot('offline-job-detail');
  await go('#/dashboard');
  await page.waitForTimeout(1500);
  await shot('offline-dashboard');
});
