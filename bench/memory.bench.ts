/**
 * Memory of the desktop host and the renderer over a cache of 1,000,000 jobs (BENCH_JOBS): the
 * browser-mode host — the desktop core the Electron app runs, as built (`out/node/web-serve.js`) —
 * serving the real renderer to headless Chromium. Measured after the host started, after the Jobs
 * view showed its first rows, after scrolling it BENCH_SCROLL_ROWS rows deep (every row on the way
 * loaded, as a reader scrolling down loads them) and after the dashboard; each next to the same
 * host and page over an empty cache in the same run (the baseline). Host: RSS now and at its peak,
 * and the JS heap after a collection; renderer: the RSS of Chromium's renderer processes and the
 * page's JS heap after a collection. Target: the host under 400 MB.
 *
 *   npm run bench memory           (BENCH_JOBS=200000 BENCH_SCROLL_ROWS=20000 to change the sizes)
 *
 * The cluster is configured but unreachable, as for an admin offline: everything shown comes from
 * the cache, and no sync runs while measuring.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../e2e/harness/chromium.ts';
import { JobCache } from '../main/core/cache/job-cache.ts';
import { fillJobCache } from './job-corpus.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 1_000_000);
const SCROLL_ROWS = Number(process.env.BENCH_SCROLL_ROWS ?? 50_000);
const HOST_TARGET_MB = 400;
const ROOT = path.join(import.meta.dirname, '..');
const HOST_BUNDLE = path.join(ROOT, 'out', 'node', 'web-serve.js');
const MB = 1024 * 1024;

// The host answers SIGUSR2 with its memory after a full collection, on one stderr line.
const MEMORY_PROBE = `data:text/javascript,${encodeURIComponent("process.on('SIGUSR2', () => { globalThis.gc?.(); process.stderr.write('MEMORY ' + JSON.stringify(process.memoryUsage()) + '\\n'); });")}`;

interface HostMemory {
  rssMb: number;
  peakRssMb: number;
  heapMb: number;
}

interface RendererMemory {
  rssMb: number;
  privateMb: number;
  heapMb: number;
}

interface Sample {
  label: string;
  host: HostMemory;
  renderer: RendererMemory | null;
}

function ensureBuilt(): void {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(ROOT, 'bin', 'start.js'))}); console.log(JSON.stringify(m.staleOutputs()));`], { encoding: 'utf8' });
  const stale = r.status === 0 ? (JSON.parse(r.stdout) as string[]) : ['(could not tell)'];
  if (stale.length === 0 && existsSync(HOST_BUNDLE)) return;
  console.log(`building (${stale.join(', ')} missing or stale)…`);
  const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Fields of /proc/PID/status in MB (VmRSS, VmHWM…). */
function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) / 1024;
  }
  return out;
}

/** Chromium's renderer processes among this process's descendants. */
function rendererPids(): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    if (!ours(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

class Host {
  private stderr = '';
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts the built host over `dataDir` with one unreachable cluster; resolves once it serves. */
  static async start(dataDir: string, tokenFile: string): Promise<Host & { clusterLine: string }> {
    const deadPort = await freePort();
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', MEMORY_PROBE, HOST_BUNDLE, 'serve', '--no-embedded', '--no-build', '--data-dir', dataDir, '--cluster', `prod=http://127.0.0.1:${deadPort}`, '--token-file', tokenFile],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host did not start in 120 s:\n${out}\n${err}`)), 120_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /open: (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => reject(new Error(`the host exited (${code}):\n${out}\n${err}`)));
    });
    const host = new Host(child, url);
    child.stderr!.on('data', (d: Buffer) => (host.stderr += d.toString()));
    return Object.assign(host, { clusterLine: err });
  }

  async memory(): Promise<HostMemory> {
    const before = this.stderr.length;
    this.child.kill('SIGUSR2');
    const deadline = Date.now() + 30_000;
    const report = () => /MEMORY (\{.*\})/.exec(this.stderr.slice(before));
    while (!report() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const line = report();
    if (!line) throw new Error('the host did not report its memory');
    const usage = JSON.parse(line[1]!) as NodeJS.MemoryUsage;
    const status = procStatus(this.child.pid!);
    return { rssMb: status.VmRSS!, peakRssMb: status.VmHWM!, heapMb: usage.heapUsed / MB };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.on('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

async function rendererMemory(page: Page): Promise<RendererMemory> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / MB;
  // The page's renderer: not Chromium's own UI (top-chrome-webui), and of the others (a spare one
  // may wait for the next tab) the biggest. RSS counts Chromium's mapped binary too; `private` is
  // the anonymous memory, what the page itself holds.
  const own = rendererPids()
    .filter((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui'))
    .map((pid) => procStatus(pid))
    .sort((a, b) => (b.VmRSS ?? 0) - (a.VmRSS ?? 0))[0];
  return { rssMb: own?.VmRSS ?? NaN, privateMb: (own?.RssAnon ?? NaN) + (own?.RssShmem ?? 0), heapMb: heap };
}

/** Waits until the Jobs view's foot says at least `rows` are loaded ("12,000 of 1,000,000 loaded"). */
async function rowsLoaded(page: Page, rows: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const loaded = Number(/^([\d,]+) of/.exec((await page.textContent('.table-foot'))?.trim() ?? '')?.[1]?.replace(/,/g, '') ?? 0);
    if (loaded >= rows) return;
    if (Date.now() > deadline) throw new Error(`the Jobs view loaded ${loaded} rows, not ${rows}, in 120 s`);
    await page.waitForTimeout(100);
  }
}

/** The cluster id the host gave `prod` (it prints `cluster prod (ID) at URL: added`). */
function clusterIdFrom(line: string): string {
  const m = /cluster prod \(([^)]+)\)/.exec(line);
  if (!m) throw new Error(`the host did not say which id it gave the cluster:\n${line}`);
  return m[1]!;
}

async function measure(browser: Browser, jobs: number): Promise<Sample[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-memory-bench-'));
  const tokenFile = path.join(dataDir, 'token');
  writeFileSync(tokenFile, 'bench-token-0123456789\n', { mode: 0o600 });
  try {
    // A first start configures the cluster (and its id); the cache is filled while the host is down.
    const first = await Host.start(dataDir, tokenFile);
    const clusterId = clusterIdFrom(first.clusterLine);
    await first.stop();
    if (jobs > 0) {
      const t0 = performance.now();
      const { cache } = JobCache.open({ file: path.join(dataDir, 'cache.db') });
      fillJobCache(cache, [clusterId], jobs);
      cache.close();
      console.log(`  filled ${jobs.toLocaleString('en-US')} jobs in ${((performance.now() - t0) / 1000).toFixed(0)} s (set-up, not measured)`);
    }

    const host = await Host.start(dataDir, tokenFile);
    const samples: Sample[] = [];
    try {
      await new Promise((r) => setTimeout(r, 2000));
      samples.push({ label: 'host started (cache open)', host: await host.memory(), renderer: null });

      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(`${host.url}#/jobs`);
      if (jobs > 0) await page.waitForSelector('[data-testid="jobs-scroll"] a.job-link', { timeout: 120_000 });
      else await page.getByText('No jobs yet.').waitFor({ timeout: 120_000 });
      samples.push({ label: 'Jobs view, first rows', host: await host.memory(), renderer: await rendererMemory(page) });

      if (jobs > 0) {
        const deep = Math.min(SCROLL_ROWS, jobs - 1);
        // Down in steps, as a reader would: each step asks for the pages up to it, in order.
        for (let row = 0; ; row = Math.min(deep, row + 2_000)) {
          await page.evaluate(`document.querySelector('[data-testid="jobs-scroll"]').scrollTop = ${row * 34}`);
          await rowsLoaded(page, row + 1);
          if (row === deep) break;
        }
        const loaded = (await page.textContent('.table-foot'))?.trim();
        samples.push({ label: `Jobs view, scrolled ${deep.toLocaleString('en-US')} rows deep (${loaded})`, host: await host.memory(), renderer: await rendererMemory(page) });
      }

      await page.goto(`${host.url}#/`);
      await page.getByRole('group', { name: 'Total Jobs' }).waitFor({ timeout: 120_000 });
      await page.waitForTimeout(3000);
      samples.push({ label: 'dashboard', host: await host.memory(), renderer: await rendererMemory(page) });
      await page.close();
    } finally {
      await host.stop();
    }
    return samples;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function mb(n: number): string {
  return `${n.toFixed(0).padStart(5)} MB`;
}

ensureBuilt();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
try {
  console.log('baseline: the same host and page over an empty cache');
  const base = await measure(browser, 0);
  console.log(`${JOBS.toLocaleString('en-US')} cached jobs`);
  const full = await measure(browser, JOBS);
  console.log(`\n${'when'.padEnd(70)} ${'host RSS'.padStart(8)} ${'peak'.padStart(8)} ${'JS heap'.padStart(8)}   ${'renderer RSS'.padStart(12)} ${'private'.padStart(8)} ${'JS heap'.padStart(8)}`);
  const row = (label: string, s: Sample) =>
    console.log(
      `${label.padEnd(70)} ${mb(s.host.rssMb)} ${mb(s.host.peakRssMb)} ${mb(s.host.heapMb)}   ${s.renderer ? `${mb(s.renderer.rssMb).padStart(12)} ${mb(s.renderer.privateMb)} ${mb(s.renderer.heapMb)}` : ''}`,
    );
  // Each sample next to the empty cache's at the same step (an empty list cannot scroll: its first rows stand in).
  const step = (label: string) => label.split(',')[0]!;
  for (const s of full) {
    row(s.label, s);
    const b = base.find((x) => step(x.label) === step(s.label));
    if (b) row(`  baseline: empty cache, ${b.label}`, b);
  }
  const peak = Math.max(...full.map((s) => s.host.peakRssMb));
  console.log(`=> host peak RSS ${peak.toFixed(0)} MB with ${JOBS.toLocaleString('en-US')} cached jobs (target < ${HOST_TARGET_MB} MB): ${peak < HOST_TARGET_MB ? 'MET' : 'NOT MET'}`);
} finally {
  await browser.close();
}
