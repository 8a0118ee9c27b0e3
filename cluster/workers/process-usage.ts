/**
 * The CPU and memory use of the current process, for the job's progress reports: CPU % of one core
 * since the previous reading (so 100 % = one core busy; a multi-threaded job may exceed 100) and
 * the resident set size.
 */
export interface UsageReading {
  cpuPercent: number;
  rssBytes: number;
  /** CPU % of one core from the sampler's start (the job's start) to now. */
  cpuMeanPercent: number;
  /** The highest resident set size any reading saw. */
  peakRssBytes: number;
}

/** A sampler over `process.cpuUsage()`; each `read()` covers the time since the previous one. */
export class ProcessUsage {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private lastPercent = 0;
  private readonly startCpu = process.cpuUsage();
  private readonly startAt = performance.now();
  private peakRss = 0;

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
    const rssBytes = process.memoryUsage.rss();
    this.peakRss = Math.max(this.peakRss, rssBytes);
    const total = process.cpuUsage(this.startCpu);
    const sinceStartMs = Math.max(1, now - this.startAt);
    const cpuMeanPercent = Math.round(((total.user + total.system) / 1000 / sinceStartMs) * 1000) / 10;
    return { cpuPercent: Math.max(0, this.lastPercent), rssBytes, cpuMeanPercent: Math.max(0, cpuMeanPercent), peakRssBytes: this.peakRss };
  }
}
