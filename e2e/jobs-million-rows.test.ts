/**
 * The Jobs view over 1,000,000 jobs in real Chromium (the dev harness's fake AdminApi, production
 * build): 1,000,000 rows of 34 px are taller than the largest element Chromium lays out (about
 * 33.5 million px), and the end of the scroll range must still show the last job.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.ts';
import { startHarness, type HarnessServer } from './harness/harness-server.ts';

let server: HarnessServer;
let browser: Browser;

beforeAll(async () => {
  server = await startHarness({ production: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('scrolled to the end, the Jobs view over a million jobs shows the last one in view', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}?jobs=1000000&validate=0#/jobs`);
  await page.waitForSelector('[data-testid="jobs-scroll"] a.job-link', { timeout: 180_000 });
  const rowCount = Number(await page.getAttribute('table[aria-label="Jobs"]', 'aria-rowcount'));
  expect(rowCount).toBeGreaterThan(1_000_000);
  await page.evaluate(`(() => { const el = document.querySelector('[data-testid="jobs-scroll"]'); el.scrollTop = el.scrollHeight; })()`);
  // The last row drawn is the list's last, and it ends at the bottom of the scroller's view.
  const lastRow = () =>
    page.evaluate<{ index: number; bottom: number; viewBottom: number }>(`(() => {
      const el = document.querySelector('[data-testid="jobs-scroll"]');
      const rows = el.querySelectorAll('tbody tr[aria-rowindex]');
      const last = rows[rows.length - 1];
      return { index: Number(last.getAttribute('aria-rowindex')), bottom: last.getBoundingClientRect().bottom, viewBottom: el.getBoundingClientRect().bottom };
    })()`);
  await expect.poll(async () => (await lastRow()).index, { timeout: 30_000 }).toBe(rowCount);
  const { bottom, viewBottom } = await lastRow();
  expect(Math.abs(bottom - viewBottom)).toBeLessThan(2);
  await page.close();
});
