/**
 * Reports in browser mode, in real Chromium: the Reports screen previews a report from the cache
 * and saves it as PDF, CSV (a zip of tables) and JSON as downloads; the saved list shows them. The
 * host runs in this process over a cache filled with a generated month of history (no cluster:
 * reports work offline). Screenshots at 1280 and 1440 px go to the folder printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DailySummaryReport } from '../contract/reports.ts';
import { JobCache } from '../main/core/cache/job-cache.ts';
import { createDesktopCore } from '../main/core/desktop-core.ts';
import type { DesktopCore } from '../main/core/ports.ts';
import { fillReportCache } from '../main/core/reports/testing/report-fixture.ts';
import { FileSecretStore } from '../main/web/file-secret-store.ts';
import { JsonSettingsStore } from '../main/web/json-settings-store.ts';
import { startWebHost, type WebHost } from '../main/web/web-host.ts';
import { buildRenderer } from './browser-mode-host.ts';
import { launchChromium } from './harness/chromium.ts';

const REPO = path.join(import.meta.dirname, '..');
let dir: string;
let shots: string;
let core: DesktopCore;
let host: WebHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  buildRenderer();
  dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-reports-e2e-'));
  // Kept after the run (like the other e2e screenshots) so they can be looked at.
  shots = mkdtempSync(path.join(tmpdir(), 'sigmatiq-reports-shots-'));
  const { cache } = JobCache.open({ file: path.join(dir, 'cache.db') });
  fillReportCache(cache, { days: 30, jobsPerDay: 300, endMs: Date.now(), clusterId: 'local' });
  cache.close();
  core = createDesktopCore({
    dataDir: dir,
    secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
    settings: new JsonSettingsStore(path.join(dir, 'settings.json')),
    embeddedCluster: null,
    notifier: null,
  });
  await core.start();
  host = await startWebHost({ api: core.api, onEvent: core.onEvent, rendererDir: path.join(REPO, 'out', 'renderer') });
  browser = await launchChromium();
  page = await (await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(host.openUrl);
  console.log(`reports e2e screenshots: ${shots}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await core?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function saveAs(label: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
  const file = path.join(dir, 'downloads', download.suggestedFilename());
  await download.saveAs(file);
  return readFileSync(file);
}

it('previews a report from the cache and saves it as PDF, CSV and JSON downloads', async () => {
  await page.goto(host.openUrl.replace(/#.*$/, '') + '#/reports');
  await page.getByText('Jobs finished per day').first().waitFor({ timeout: 60_000 });
  await expect(page.getByLabel('What this report stands on').textContent()).resolves.toMatch(/local: [\d,]+ jobs in the period; as of/);
  await page.screenshot({ path: path.join(shots, 'reports-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, 'reports-1440.png'), fullPage: true });

  const pdf = await saveAs('Save PDF');
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const zip = await saveAs('Save CSV');
  expect(Object.keys(unzipSync(zip))).toEqual(expect.arrayContaining(['daily-summary-days.csv', 'daily-summary-coverage.csv']));
  const json = DailySummaryReport.parse(JSON.parse((await saveAs('Save JSON')).toString('utf8')));
  expect(json.days.length).toBeGreaterThanOrEqual(7);
  expect(json.totals.submitted).toBeGreaterThan(1000);

  const saved = page.getByRole('table', { name: 'Saved reports' });
  await saved.getByText('Daily summary · JSON').waitFor();
  await expect(saved.getByRole('row').count()).resolves.toBe(4);

  await page.getByRole('combobox', { name: 'Report', exact: true }).selectOption('performance-trends');
  await page.getByText('Run time p95 per day (minutes)').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(shots, 'reports-trends-1440.png'), fullPage: true });
}, 240_000);
