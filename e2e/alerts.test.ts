/**
 * Alerts end to end: real Chromium against browser mode with the embedded cluster. A queue-length
 * rule with a low threshold and no pending period is created through the AdminApi (which forwards
 * it to the cluster), the queue is paused and filled, and the cluster's evaluation fires it: the
 * banner and the Alerts screen show it, and acknowledging it there reaches the cluster (the
 * acknowledgement names the cluster's token). Saves screenshots at 1280 and 1440 px.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.ts';
import { buildRenderer, startBrowserModeHost, type BrowserModeHost } from './browser-mode-host.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots', `alerts-${new Date().toISOString().replace(/[:.]/g, '-')}`);
let host: BrowserModeHost;
let browser: Browser;
let page: Page;

async function shot(name: string) {
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`) });
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  console.log(`alerts screenshots: ${SHOTS}`);
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

it('a rule firing on the embedded cluster shows the banner and the Alerts screen; acknowledging it there reaches the cluster', async () => {
  await expect.poll(async () => (await host.call('listClusters')).find((c) => c.id === 'local')?.status, { timeout: 180_000 }).toBe('online');
  const rule = await host.call('createAlertRule', 'local', {
    name: 'Report queue over 2 jobs',
    metric: 'queueLength',
    queue: 'report',
    op: 'above',
    threshold: 2,
    forSeconds: 0,
    severity: 'critical',
    channels: [],
  });
  expect((await host.call('listAlertRules', 'local')).map((r) => r.id)).toContain(rule.id);
  await host.call('queueAction', 'local', 'report', 'pause', {});
  for (let i = 0; i < 4; i++) {
    await host.call('submitJob', 'local', { type: 'report', user: 'erin.alerts', priority: 'normal', config: { kind: 'jobs-summary' } });
  }

  const banner = page.locator('.banner-alert');
  // The cluster evaluates every 10 s; a loaded machine takes longer to start its scheduler.
  await banner.waitFor({ timeout: 180_000 });
  await expect.poll(() => banner.textContent(), { timeout: 30_000 }).toContain('Queue > 2 jobs (report)');
  expect(await banner.getAttribute('class')).toContain('banner-alert-critical');
  await page.evaluate(`location.hash = '#/dashboard'`);
  await shot('banner-dashboard');

  await banner.getByRole('link', { name: 'Open Alerts' }).click();
  const table = page.getByRole('table', { name: 'Firing alerts' });
  const row = table.locator('tbody tr', { hasText: 'Report queue over 2 jobs' });
  await row.waitFor({ timeout: 30_000 });
  expect(await row.textContent()).toContain('Queue > 2 jobs (report)');
  await shot('alerts-firing');

  await row.getByRole('button', { name: /^Acknowledge / }).click();
  const alertId = (await host.call('listAlerts', { state: 'firing' })).items.find((a) => a.ruleId === rule.id)!.id;
  // The acknowledgement is the cluster's: it names the token that acknowledged (the app's session token).
  await expect
    .poll(async () => (await host.call('listAlerts', { state: 'all' })).items.find((a) => a.id === alertId)?.acknowledgedBy, { timeout: 30_000 })
    .toMatch(/^desktop-/);
  await row.getByText(/Acknowledged by desktop-/).first().waitFor({ timeout: 30_000 });

  await page.evaluate(`location.hash = '#/alerts/rules'`);
  await page.getByRole('table', { name: 'Alert rules of Local' }).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByRole('row', { name: /Report queue over 2 jobs/ }).textContent(), { timeout: 30_000 }).toMatch(/would fire/);
  await shot('alerts-rules');
  await page.evaluate(`location.hash = '#/alerts/channels'`);
  await page.getByText('No channels yet.').waitFor({ timeout: 30_000 });
  await shot('alerts-channels');
  await page.evaluate(`location.hash = '#/alerts/history'`);
  await page.getByRole('table', { name: 'Alert history' }).waitFor({ timeout: 30_000 });
  await shot('alerts-history');

  // Resolves once the queue drains: the banner goes.
  await host.call('queueAction', 'local', 'report', 'resume', {});
  await host.call('deleteAlertRule', 'local', rule.id);
  await page.evaluate(`location.hash = '#/dashboard'`);
  await banner.waitFor({ state: 'detached', timeout: 120_000 });
});
