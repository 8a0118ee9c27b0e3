// Reports over 1,000,000 cached jobs (30 days): each report's time as JSON (computed from the
// cache) and as PDF (computed and drawn), next to a plain SQL aggregate over the same rows as the
// baseline — one GROUP BY (UTC) day and state of the period's jobs. Targets: JSON < 1 s, PDF < 3 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { REPORT_KINDS } from '../contract/reports.ts';
import { JobCache } from '../main/core/cache/job-cache.ts';
import { buildReport } from '../main/core/reports/build-report.ts';
import { failureFactsOf } from '../main/core/reports/failure-analysis.ts';
import { reportPdf } from '../main/core/reports/pdf/report-pdf.ts';
import { fillReportCache } from '../main/core/reports/testing/report-fixture.ts';

const JOBS = Number(process.env.REPORT_BENCH_JOBS ?? 1_000_000);
const DAYS = 30;
const dir = mkdtempSync(path.join(tmpdir(), 'sigmatiq-report-bench-'));
const { cache } = JobCache.open({ file: path.join(dir, 'cache.db') });
const end = Date.parse('2026-12-02T10:00:00Z');
let t = performance.now();
const filled = fillReportCache(cache, { days: DAYS, jobsPerDay: Math.ceil(JOBS / DAYS), endMs: end });
cache.optimize();
console.log(`cache: ${filled.jobs.toLocaleString('en-US')} jobs over ${DAYS} days, 3 nodes sampled each minute, filled in ${((performance.now() - t) / 1000).toFixed(0)} s`);

const request = { since: `${DAYS}d` } as const;
const from = new Date(end - DAYS * 86_400_000).toISOString();
const to = new Date(end).toISOString();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** This process's CPU time so far in ms: next to the wall time, what a loaded machine adds shows. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const cpuTimes: number[] = [];

function timeIt(runs: number, f: () => unknown): number {
  const times: number[] = [];
  cpuTimes.length = 0;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const c = cpuMs();
    f();
    times.push(performance.now() - s);
    cpuTimes.push(cpuMs() - c);
  }
  return median(times);
}

// Figures on a shared machine move with its load: each line says the load it was measured at.
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const baseline = timeIt(3, () =>
  cache.db.prepare(`SELECT substr(created_at, 1, 10) AS d, state, count(*) FROM jobs WHERE created_at >= ? AND created_at < ? GROUP BY d, state`).all(from, to),
);
console.log(`baseline: SQL GROUP BY day and state over the period's jobs: ${baseline.toFixed(0)} ms  (${load()})`);
const failures = failureFactsOf(cache.failures, end);
let missed = false;
for (const kind of REPORT_KINDS) {
  const json = timeIt(3, () => JSON.stringify(buildReport({ db: cache.db, failures }, { kind, ...request }, end)));
  const jsonCpu = median(cpuTimes);
  const pdfTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await reportPdf(buildReport({ db: cache.db, failures }, { kind, ...request }, end));
    pdfTimes.push(performance.now() - t);
  }
  const pdf = median(pdfTimes);
  const ok = json < 1000 && pdf < 3000;
  if (!ok) missed = true;
  console.log(`${kind.padEnd(22)} JSON ${json.toFixed(0).padStart(5)} ms (CPU ${jsonCpu.toFixed(0)} ms, ${(json / baseline).toFixed(1)}× baseline)  PDF ${pdf.toFixed(0).padStart(5)} ms   targets: JSON < 1000, PDF < 3000${ok ? '' : '  MISSED'}  (${load()})`);
}
cache.close();
rmSync(dir, { recursive: true, force: true });
if (missed) process.exitCode = 1;
