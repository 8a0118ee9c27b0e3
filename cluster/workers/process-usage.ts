/**
 * The CPU and memory use of the current process, for the job's progress reports: CPU % of one core
 * since the previous reading (so 100 % = one core busy; a multi-threaded job may exceed 100) and
 * the resident set size.
 */
export interface UsageReading {
  cpuPercent: number;
  rssBytes: number;
}

/** A sampler over `process.cpuUsage()`; each `read()` covers the time since the previous one. */
export class ProcessUsage {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private lastPercent = 0;

  read(): UsageReading {
    const now = performance.now();
    const elapsedMs = now - this.lastAt;
    // Readings closer than 200 ms apart are noise: keep the previous figure.
    if (elapsedMs >= 200) {
      const cpu = process.cpuUsage(this.lastCpu);
      this.lastPercent = Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10;
      this.lastCpu = process.cpuUsage();
      this.lastAt = now;
    }
    return { cpuPercent: Math.max(0, this.lastPercent), rssBytes: process.memoryUsage.rss() };
  }
}
