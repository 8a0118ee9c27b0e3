/**
 * Test-only: screenshots of every screen against the dev harness, in light and dark, saved under a
 * folder it prints. Run: `npx tsx e2e/harness/screenshots.ts [outDir]`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from './chromium.ts';
import { startHarness } from './harness-server.ts';

const out = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'screenshots', 'harness'));
mkdirSync(out, { recursive: true });
const only = process.argv[3];

const SCREENS: { name: string; hash: string; action?: string }[] = [
  { name: 'dashboard', hash: '#/dashboard' },
  { name: 'jobs', hash: '#/jobs' },
  { name: 'job-detail-overview-sweep', hash: '#/jobs/local/100213' },
  { name: 'job-detail-overview-running', hash: '#/jobs/local/100226' },
  { name: 'job-detail-configuration', hash: '#/jobs/local/100213/configuration' },
  { name: 'job-detail-progress-running', hash: '#/jobs/local/100226/progress' },
  { name: 'job-detail-progress-failed', hash: '#/jobs/local/100206/progress' },
  { name: 'job-detail-results', hash: '#/jobs/local/100213/results' },
  { name: 'queues', hash: '#/queues' },
  { name: 'workers', hash: '#/workers' },
  { name: 'schedules', hash: '#/schedules' },
  { name: 'clusters', hash: '#/clusters' },
  { name: 'settings', hash: '#/settings' },
  { name: 'submit-job', hash: '#/jobs', action: 'n' },
];

const server = await startHarness();
const browser = await launchChromium();
try {
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
    await page.goto(`${server.url}?jobs=240`);
    for (const s of SCREENS) {
      if (only && !s.name.includes(only)) continue;
      await page.evaluate(`location.hash = ${JSON.stringify(s.hash)}`);
      await page.waitForTimeout(700);
      if (s.action) {
        await page.keyboard.press(s.action);
        await page.waitForTimeout(400);
      }
      const file = path.join(out, `${s.name}-${scheme}.png`);
      // The page scrolls inside <main>, so grow the viewport to the content for a whole-page shot.
      const height = await page.evaluate<number>(`document.getElementById('content').scrollHeight + 60`);
      await page.setViewportSize({ width: 1440, height: Math.max(900, Math.min(height, 4000)) });
      await page.waitForTimeout(300);
      await page.screenshot({ path: file });
      await page.setViewportSize({ width: 1440, height: 900 });
      if (s.action) await page.keyboard.press('Escape');
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots: ${out}`);
