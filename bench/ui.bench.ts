/**
 * UI benchmark: the Jobs view with 100,000 cached jobs in headless Chromium (production build of
 * the real renderer over the fake AdminApi of the dev harness): time to first rows, and frame times
 * while scrolling (p95, max), next to a baseline measured in the same run — a plain DOM table of
 * 100 rows scrolled the same way. Run: `npm run bench ui` (or `node --import tsx bench/ui.bench.ts`).
 */
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/harness/chromium.ts';
import { startHarness } from '../e2e/harness/harness-server.ts';

const JOBS = 100_000;
const FRAMES = 240;

/** Scrolls `selector` by `step` px per animation frame for FRAMES frames; returns frame durations (ms). */
async function scrollFrames(page: Page, selector: string, step: number): Promise<number[]> {
  return page.evaluate(
    `new Promise((resolve) => {
      const el = document.querySelector(${JSON.stringify(selector)});
      const times = [];
      let last = performance.now();
      let n = 0;
      function frame(now) {
        times.push(now - last);
        last = now;
        el.scrollTop += ${step};
        if (++n < ${FRAMES}) requestAnimationFrame(frame);
        else resolve(times.slice(2));
      }
      requestAnimationFrame(frame);
    })`,
  );
}

function stats(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: p(0.5), p95: p(0.95), max: s[s.length - 1]!, long: s.filter((t) => t > 50).length };
}

function fmt(label: string, r: ReturnType<typeof stats>) {
  return `${label.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   max ${r.max.toFixed(1).padStart(6)} ms   frames > 50 ms: ${r.long}`;
}

function baselineHtml(): string {
  const rows = Array.from({ length: 100 }, (_, i) => `<tr><td>${100000 + i}</td><td>Backtest</td><td>Completed</td><td>Normal</td><td>alice</td><td>04:12:30 PM</td><td>3 min 3 s</td><td><button>Retry</button></td></tr>`).join('');
  return `<!doctype html><style>body{font:13px system-ui;margin:0}#s{height:700px;overflow:auto}td{height:33px;border-bottom:1px solid #ddd;padding:0 10px}table{width:100%;border-collapse:collapse}</style><div id="s"><table><tbody>${rows}</tbody></table></div>`;
}

const server = await startHarness({ production: true });
const browser = await launchChromium();
try {
  // Baseline: a plain table of 100 rows, scrolled at the same speed.
  const base = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await base.setContent(baselineHtml());
  const baseSteady = stats(await scrollFrames(base, '#s', 20));
  await base.close();

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}?jobs=${JOBS}&validate=0#/jobs`);
  await page.waitForSelector('[data-testid="jobs-scroll"] a.job-link', { timeout: 120_000 });
  const firstRowsAt = await page.evaluate<number>('performance.now()');
  const generatedMs = await page.evaluate<number>('window.__generatedMs');
  const rowCount = await page.getAttribute('table[aria-label="Jobs"]', 'aria-rowcount');
  await page.waitForTimeout(500);
  const steady = stats(await scrollFrames(page, '[data-testid="jobs-scroll"]', 20));
  const fast = stats(await scrollFrames(page, '[data-testid="jobs-scroll"]', 1500));
  const domRows = await page.evaluate<number>('document.querySelectorAll("[data-testid=jobs-scroll] tbody tr").length');
  const loaded = await page.textContent('.table-foot');
  await page.close();

  console.log(`Jobs view, ${JOBS.toLocaleString()} cached jobs (table says ${Number(rowCount) - 1} rows; ${domRows} <tr> in the DOM; ${loaded?.trim()})`);
  console.log(`time to first rows                            ${(firstRowsAt - generatedMs).toFixed(0)} ms after page start (+ ${generatedMs.toFixed(0)} ms generating the fixture jobs in the page)`);
  console.log(fmt('scroll 20 px/frame — Jobs view', steady));
  console.log(fmt('scroll 20 px/frame — baseline: plain 100-row table', baseSteady));
  console.log(fmt('scroll 1,500 px/frame — Jobs view (pages load)', fast));
} finally {
  await browser.close();
  await server.close();
}
