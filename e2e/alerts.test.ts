/**
 * Alerts end to end: real Chromium against browser mode with the embedded cluster. A queue-length
 * rule with a low threshold and no pending period is created through the AdminApi (which forwards
 * it to the cluster), the queue is paused and filled, and the cluster's evaluation fires it: the
 * banner and the Alerts screen show it, and acknowledging it there reaches the cluster (the
 * acknowledgement names the cluster's token). Silencing it there shows the silence on the Silences
 * tab, and ending it there ends it on the cluster; a channel is edited without its secret being
 * typed again; and cancelling a job with a note for its owner tells what the cluster did with the
 * note. Saves screenshots at 1280 and 1440 px.
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

// Beyond the project's 4 min: the embedded cluster's start and first evaluation alone may take 3 on a loaded machine.
it('a rule firing on the embedded cluster shows the banner and the Alerts screen; acknowledging it there reaches the cluster', { timeout: 480_000 }, async () => {
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
  const submitted: string[] = [];
  for (let i = 0; i < 5; i++) {
    submitted.push((await host.call('submitJob', 'local', { type: 'report', user: 'erin.alerts', priority: 'normal', config: { kind: 'jobs-summary' } })).id);
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

  // Silence it for the default hour from Firing now; the Silences tab lists it, and ending it there ends it on the cluster.
  await row.getByRole('button', { name: /^Silence/ }).click();
  const silenceDialog = page.getByRole('dialog');
  await silenceDialog.getByRole('textbox', { name: 'Comment (optional)' }).fill('Reports held for the e2e');
  await silenceDialog.getByRole('button', { name: 'Silence', exact: true }).click();
  await silenceDialog.waitFor({ state: 'detached', timeout: 30_000 });
  const active = async () => (await host.call('listAlertSilences', 'local')).filter((s) => Date.parse(s.until) > Date.now());
  await expect.poll(async () => (await active()).map((s) => [s.ruleId, s.queue, s.comment]), { timeout: 30_000 }).toEqual([[rule.id, 'report', 'Reports held for the e2e']]);
  await page.getByRole('tab', { name: 'Silences' }).click();
  const silenceRow = page.getByRole('table', { name: 'Silences of Local' }).locator('tbody tr', { hasText: 'Report queue over 2 jobs · queue report' });
  await silenceRow.waitFor({ timeout: 30_000 });
  expect(await silenceRow.textContent()).toMatch(/desktop-.*Reports held for the e2e/);
  await shot('alerts-silences');
  await silenceRow.getByRole('button', { name: /^End silence of / }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'End silence' }).click();
  await expect.poll(async () => (await active()).length, { timeout: 30_000 }).toBe(0);
  await page.getByText('Nothing is silenced.').waitFor({ timeout: 30_000 });

  // A channel edited in the app keeps the signing secret nobody typed again.
  const hook = await host.call('createAlertChannel', 'local', { name: 'E2E hook', kind: 'webhook', url: 'http://127.0.0.1:9/e2e-hook', secret: 'e2e-signing-secret-0123' });
  await page.evaluate(`location.hash = '#/alerts/channels'`);
  await page.getByRole('button', { name: 'Edit channel E2E hook' }).click();
  const editDialog = page.getByRole('dialog');
  await editDialog.getByRole('textbox', { name: 'Name' }).fill('E2E hook (renamed)');
  await shot('alerts-channel-edit');
  await editDialog.getByRole('button', { name: 'Save channel' }).click();
  await expect.poll(async () => (await host.call('listAlertChannels', 'local')).find((c) => c.id === hook.id), { timeout: 30_000 }).toMatchObject({ name: 'E2E hook (renamed)', secretSet: true });
  await host.call('deleteAlertChannel', 'local', hook.id);

  // Cancelling a pending job with a note for its owner: the cluster says what became of the note (erin has no directory entry).
  const noted = submitted.at(-1)!;
  await page.evaluate(`location.hash = '#/jobs/local/${noted}'`);
  await page.getByRole('button', { name: `Cancel job ${noted}`, exact: true }).click();
  const cancelDialog = page.getByRole('dialog', { name: `Cancel job ${noted}?` });
  await cancelDialog.getByRole('textbox', { name: 'Note for erin.alerts (optional)' }).fill('Queued once too often, sorry.');
  await shot('job-cancel-note');
  await cancelDialog.getByRole('button', { name: 'Cancel job', exact: true }).click();
  await page.getByText(`Job ${noted} cancelled. Note for erin.alerts not sent (the user directory has no entry for erin.alerts`).waitFor({ timeout: 30_000 });
  await expect.poll(async () => (await host.call('getJob', 'local', noted)).state, { timeout: 30_000 }).toBe('cancelled');

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
