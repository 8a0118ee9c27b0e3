#!/usr/bin/env node
// Renders the app and tray icons (resources/icons/*.png) from the SVGs below in headless Chromium,
// so the PNGs can be regenerated and reviewed as code. Run: node resources/render-icons.mjs
//
// - app.png (512×512): the application icon (window, taskbar, installers).
// - tray-<state>.png (16×16) and tray-<state>@2x.png (32×32) for ok / warning / critical: Electron's
//   nativeImage picks the @2x file on HiDPI screens. States differ in colour and in shape (a check,
//   an exclamation mark, a cross), so they can be told apart without colour vision.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const OUT = path.join(import.meta.dirname, 'icons');

/** The app icon: a job queue (three bars, the first one in progress) on the Sigmatiq blue. */
function appSvg() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#5b8cff"/><stop offset="1" stop-color="#2743b8"/>
    </linearGradient>
    <linearGradient id="shine" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#ffffff" stop-opacity="0.22"/><stop offset="0.5" stop-color="#ffffff" stop-opacity="0"/>
    </linearGradient>
  </defs>
  <rect x="24" y="24" width="464" height="464" rx="104" fill="url(#bg)"/>
  <rect x="24" y="24" width="464" height="464" rx="104" fill="url(#shine)"/>
  <g fill="#ffffff">
    <rect x="104" y="128" width="304" height="56" rx="28" fill-opacity="0.28"/>
    <rect x="104" y="128" width="212" height="56" rx="28"/>
    <rect x="104" y="228" width="304" height="56" rx="28" fill-opacity="0.9"/>
    <rect x="104" y="328" width="200" height="56" rx="28" fill-opacity="0.6"/>
  </g>
  <circle cx="376" cy="356" r="60" fill="#22c55e" stroke="#ffffff" stroke-width="16"/>
  <path d="M348 357 l20 20 l36 -40" fill="none" stroke="#ffffff" stroke-width="18" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;
}

const STATES = {
  ok: { colour: '#16a34a', glyph: (s) => `<path d="M${s * 0.28} ${s * 0.52} l${s * 0.14} ${s * 0.14} l${s * 0.3} -${s * 0.32}" fill="none" stroke="#fff" stroke-width="${s * 0.13}" stroke-linecap="round" stroke-linejoin="round"/>` },
  warning: {
    colour: '#d97706',
    glyph: (s) =>
      `<rect x="${s * 0.43}" y="${s * 0.2}" width="${s * 0.14}" height="${s * 0.38}" rx="${s * 0.07}" fill="#fff"/><circle cx="${s / 2}" cy="${s * 0.74}" r="${s * 0.08}" fill="#fff"/>`,
  },
  critical: {
    colour: '#dc2626',
    glyph: (s) => `<path d="M${s * 0.32} ${s * 0.32} L${s * 0.68} ${s * 0.68} M${s * 0.68} ${s * 0.32} L${s * 0.32} ${s * 0.68}" stroke="#fff" stroke-width="${s * 0.14}" stroke-linecap="round"/>`,
  },
};

/** A tray icon: a filled circle in the state's colour with a white glyph, a thin dark rim for light panels. */
function traySvg(state, size) {
  const { colour, glyph } = STATES[state];
  const r = size / 2 - size * 0.04;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <circle cx="${size / 2}" cy="${size / 2}" r="${r}" fill="${colour}" stroke="#0b1220" stroke-opacity="0.35" stroke-width="${Math.max(1, size * 0.04)}"/>
  ${glyph(size)}
</svg>`;
}

async function render(page, svg, size, file) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator('svg').screenshot({ omitBackground: true });
  writeFileSync(path.join(OUT, file), png);
  console.log(`wrote resources/icons/${file} (${size}×${size})`);
}

mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  await render(page, appSvg(), 512, 'app.png');
  for (const state of Object.keys(STATES)) {
    await render(page, traySvg(state, 16), 16, `tray-${state}.png`);
    await render(page, traySvg(state, 32), 32, `tray-${state}@2x.png`);
  }
} finally {
  await browser.close();
}
