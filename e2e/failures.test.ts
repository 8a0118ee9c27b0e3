/**
 * Failure patterns end to end: real Chromium against browser mode with the embedded cluster. Real
 * failures of the job handlers (unknown symbols, an oversized training, a report on a missing job)
 * appear as separate patterns with the right counts, a pattern's retry takes effect on the
 * cluster, and the Failures screen works with the cluster switched off. Screenshots at 1280 and
 * 1440 px go to a folder it prints.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.ts';
import { buildRenderer, startBrowserModeHost, type BrowserModeHost } from './browser-mode-host.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots', `failures-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const USER = 'e2e.failures';
let host: BrowserModeHost;
let browser: Browser;
let page: Page;

async function shots(name: string) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    const height = await page.evaluate<number>(`document.getElementById('content').scrollHeight + 120`);
    await page.setViewportSize({ width, height: Math.max(900, Math.min(height, 3500)) });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function go(hash: string) {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

// The sample workload keeps the training queue busy with long trainings, so an oversized training
// may wait minutes for a worker before it fails; the first test has the time for that.
const UNIVERSE = ['ALPH', 'BRVO', 'CHRL', 'DLTA', 'ECHO', 'FXTR', 'GOLF', 'HOTL', 'INDA', 'JULT', 'KILO', 'LIMA', 'MIKE', 'NOVA', 'OSCR', 'PAPA', 'QBEC', 'RMEO', 'SIER', 'TNGO'];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  console.log(`failure screenshots: ${SHOTS}`);
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

it('real failures appear as separate patterns with the right counts', async () => {
  await expect
    .poll(async () => (await host.call('listClusters')).find((c) => c.id === 'local')?.status, { timeout: 180_000, message: 'the embedded cluster online' })
    .toBe('online');
  const submit = (type: 'backtest' | 'training' | 'report', config: Record<string, unknown>) => host.call('submitJob', 'local', { type, user: USER, priority: 'high', config });
  const jobs = [
    ...(await Promise.all(['ZZZT', 'QQQX', 'NOPE'].map((s) => submit('backtest', { symbols: [s, 'ALPH'] })))),
    ...(await Promise.all([20, 18].map((n) => submit('training', { symbols: UNIVERSE.slice(0, n), start: '2012-01-03', end: '2024-12-31', lags: 250, epochs: 5 })))),
    ...(await Promise.all(['sweep-gone-a', 'sweep-gone-b'].map((id) => submit('report', { kind: 'sweep-results', sourceJobId: id })))),
  ];
  // Grouped once the sync has read each failure's detail (stack and config) in the background.
  await expect
    .poll(async () => {
      const page = await host.call('listFailureGroups', { users: [USER], period: '24h' });
      return page.items.map((g) => `${g.jobType} ${g.count}`).sort();
    }, { timeout: 480_000, message: `the failures of ${jobs.length} jobs grouped` })
    .toEqual(['backtest 3', 'report 2', 'training 2']);

  await go('#/failures');
  await page.getByRole('table', { name: 'Failure patterns' }).waitFor();
  await page.locator('summary', { hasText: 'User' }).click();
  await page.getByRole('checkbox', { name: USER }).check();
  await page.keyboard.press('Escape');
  const rows = page.getByRole('table', { name: 'Failure patterns' }).locator('tbody tr');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
  const texts = await rows.allTextContents();
  expect(texts.find((t) => t.includes('data not available for symbol <symbol>'))).toMatch(/Data not available.*3/);
  expect(texts.find((t) => t.includes('training matrix too large'))).toMatch(/Out of memory \/ limit exceeded.*2/);
  expect(texts.find((t) => t.includes('no job'))).toMatch(/Invalid parameters.*2/);
  await shots('failures-filtered');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await shots('failures');
  await go('#/dashboard');
  await page.getByRole('list', { name: 'Top failure patterns' }).waitFor({ timeout: 60_000 });
  await shots('dashboard-top-failures');
}, 600_000);

it("a pattern's retry takes effect on the cluster", async () => {
  const groups = await host.call('listFailureGroups', { users: [USER], period: '24h' });
  const group = groups.items.find((g) => g.jobType === 'report')!;
  const mine = (await host.call('queryFailureGroupJobs', group.id, { limit: 1000 })).items.filter((j) => j.user === USER);
  expect(mine).toHaveLength(2);
  const before = new Map(mine.map((j) => [j.id, j.updatedAt]));
  await go(`#/failures/${group.id}`);
  await page.getByRole('heading', { name: 'Failure pattern' }).waitFor();
  await page.getByRole('table', { name: 'Failed jobs of this pattern' }).locator('tbody tr').first().waitFor({ timeout: 30_000 });
  await shots('failure-group');
  await page.getByRole('button', { name: 'Retry all…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry all failed jobs of this pattern' });
  const confirm = dialog.getByRole('button', { name: /^Retry \d+ jobs?$/ });
  await confirm.waitFor({ timeout: 60_000 });
  await shots('failure-group-retry-dry-run');
  await confirm.click();
  await dialog.getByText(/\d+ retried, \d+ skipped, \d+ failed/).waitFor({ timeout: 60_000 });
  expect(await dialog.getByText(/^0 retried/).count()).toBe(0);
  await page.keyboard.press('Escape');
  // On the cluster: each of them ran again (it fails again by design: the sweep does not exist).
  for (const [id, updatedAt] of before) {
    await expect.poll(async () => (await host.call('getJob', 'local', id)).updatedAt !== updatedAt, { timeout: 60_000, message: `job ${id} retried` }).toBe(true);
  }
});

it('the Failures screen works with the cluster switched off', async () => {
  await go('#/clusters');
  await page.getByRole('switch', { name: 'Run the local embedded cluster' }).click();
  await page.getByText('Showing cached data.').waitFor({ timeout: 120_000 });
  await go('#/failures');
  const rows = page.getByRole('table', { name: 'Failure patterns' }).locator('tbody tr');
  await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await shots('failures-offline');
  await rows.first().click();
  await page.getByRole('heading', { name: 'What these failures have in common' }).waitFor({ timeout: 30_000 });
  await shots('failure-group-offline');
});
