// The usage a job's progress reports carry: CPU since the previous reading, CPU since the job
// started, and the peak resident memory of its process.
import { expect, it } from 'vitest';
import { ProcessUsage } from './process-usage.ts';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) Math.sqrt(Math.random());
}

it('measures CPU since the start and keeps the peak memory across readings', async () => {
  const usage = new ProcessUsage();
  spin(400);
  const busy = usage.read();
  // A busy loop keeps one core busy; a loaded machine may give it less, never much more.
  expect(busy.cpuMeanPercent).toBeGreaterThan(20);
  expect(busy.cpuMeanPercent).toBeLessThan(160);
  await new Promise((r) => setTimeout(r, 400));
  const idle = usage.read();
  // Half of the time since the start was idle: the mean falls, the peak memory does not.
  expect(idle.cpuMeanPercent).toBeLessThan(busy.cpuMeanPercent);
  expect(idle.peakRssBytes).toBeGreaterThanOrEqual(Math.max(busy.peakRssBytes, idle.rssBytes));
});
