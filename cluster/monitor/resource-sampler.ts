/**
 * System resources of this node, sampled every few seconds and appended to the cluster's resource
 * samples (served by the engine's `resources()` / `GET /api/v1/resources`; the engine's
 * housekeeping trims them after its retention window).
 *
 * - CPU %: systeminformation's current load (all cores).
 * - Memory %: (total − available) / total — what the OS could not hand to a new process.
 * - Disk I/O %: busy time of the busiest whole disk over the interval (Linux `/proc/diskstats`
 *   "time spent doing I/O", the same figure as iostat's %util); throughput in bytes/s from
 *   systeminformation's fsStats.
 * - Network %: max(rx, tx) bits/s over the link speed of the interfaces that report one (Linux
 *   /proc/net/dev and /sys/class/net; read from files, see readNetCounters).
 * Where a reading is not available (no /proc/diskstats, no link speed — common in containers and
 * VMs) its percent is 0 and it is listed in the sample's `unavailable`, never invented.
 */
import { readdir, readFile } from 'node:fs/promises';
import si from 'systeminformation';
import type { ResourceSample } from '../../contract/metrics.ts';

type Reading = NonNullable<ResourceSample['unavailable']>[number];

interface DiskTicks {
  at: number;
  busyMs: Map<string, number>;
}

/** Busy milliseconds per whole disk from /proc/diskstats (null when not on Linux or unreadable). */
async function readDiskTicks(): Promise<DiskTicks | null> {
  try {
    const [stats, blocks] = await Promise.all([readFile('/proc/diskstats', 'utf8'), readdir('/sys/block')]);
    const disks = new Set(blocks.filter((b) => !/^(loop|ram|zram|dm-|md|sr)/.test(b)));
    const busyMs = new Map<string, number>();
    for (const line of stats.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13 || !disks.has(f[2]!)) continue;
      busyMs.set(f[2]!, Number(f[12]));
    }
    return busyMs.size > 0 ? { at: performance.now(), busyMs } : null;
  } catch {
    return null;
  }
}

interface NetCounters {
  at: number;
  /** Bytes received/sent per external interface, and link speeds in Mbit/s where known. */
  ifaces: Map<string, { rx: number; tx: number; speedMbit: number | null }>;
}

/**
 * Interface counters from /proc/net/dev and link speeds from /sys/class/net (Linux). Read from files
 * because systeminformation's network calls run commands synchronously and stall the event loop
 * for most of a second — on a worker node that is the loop that renews job locks.
 */
async function readNetCounters(): Promise<NetCounters | null> {
  try {
    const text = await readFile('/proc/net/dev', 'utf8');
    const ifaces: NetCounters['ifaces'] = new Map();
    for (const line of text.split('\n').slice(2)) {
      const [name, rest] = line.split(':');
      if (!name || !rest) continue;
      const iface = name.trim();
      if (iface === 'lo') continue;
      const f = rest.trim().split(/\s+/).map(Number);
      let speedMbit: number | null = null;
      try {
        const speed = Number((await readFile(`/sys/class/net/${iface}/speed`, 'utf8')).trim());
        speedMbit = Number.isFinite(speed) && speed > 0 ? speed : null;
      } catch {
        speedMbit = null; // virtual interfaces have no speed
      }
      ifaces.set(iface, { rx: f[0] ?? 0, tx: f[8] ?? 0, speedMbit });
    }
    return { at: performance.now(), ifaces };
  } catch {
    return null;
  }
}

const clampPercent = (n: number) => Math.max(0, Math.min(100, Math.round(n * 10) / 10));

/** Takes one sample per call; percentages of rates cover the time since the previous call. */
export class ResourceSampler {
  private lastDisk: DiskTicks | null = null;
  private lastNet: NetCounters | null = null;
  private primed = false;

  constructor(
    readonly nodeId: string,
    readonly host: string,
  ) {}

  /** Call once before the first `sample()` so rates have a start. */
  async prime(): Promise<void> {
    this.lastDisk = await readDiskTicks();
    this.lastNet = await readNetCounters();
    await Promise.all([si.currentLoad(), si.fsStats()]).catch(() => undefined);
    this.primed = true;
  }

  async sample(): Promise<ResourceSample> {
    if (!this.primed) await this.prime();
    const unavailable: Reading[] = [];
    const [load, mem, fs, disk, net] = await Promise.all([
      si.currentLoad().catch(() => null),
      si.mem().catch(() => null),
      si.fsStats().catch(() => null),
      readDiskTicks(),
      readNetCounters(),
    ]);
    const cpuPercent = load && Number.isFinite(load.currentLoad) ? clampPercent(load.currentLoad) : (unavailable.push('cpu'), 0);
    const memoryPercent = mem && mem.total > 0 ? clampPercent(((mem.total - mem.available) / mem.total) * 100) : (unavailable.push('memory'), 0);

    let diskIoPercent = 0;
    if (disk && this.lastDisk && disk.at > this.lastDisk.at) {
      const elapsed = disk.at - this.lastDisk.at;
      let busiest = 0;
      for (const [name, ms] of disk.busyMs) busiest = Math.max(busiest, ms - (this.lastDisk.busyMs.get(name) ?? ms));
      diskIoPercent = clampPercent((busiest / elapsed) * 100);
    } else unavailable.push('diskIo');
    this.lastDisk = disk;

    let rx = 0;
    let tx = 0;
    let linkBits = 0;
    if (net && this.lastNet && net.at > this.lastNet.at) {
      const seconds = (net.at - this.lastNet.at) / 1000;
      for (const [name, now] of net.ifaces) {
        const before = this.lastNet.ifaces.get(name);
        if (!before) continue;
        rx += Math.max(0, now.rx - before.rx) / seconds;
        tx += Math.max(0, now.tx - before.tx) / seconds;
        if (now.speedMbit) linkBits += now.speedMbit * 1e6;
      }
    }
    this.lastNet = net;
    const networkPercent = linkBits > 0 ? clampPercent((Math.max(rx, tx) * 8 * 100) / linkBits) : (unavailable.push('network'), 0);

    return {
      nodeId: this.nodeId,
      host: this.host,
      at: new Date().toISOString(),
      cpuPercent,
      memoryPercent,
      diskIoPercent,
      networkPercent,
      ...(mem ? { memoryUsedBytes: mem.total - mem.available, memoryTotalBytes: mem.total } : {}),
      ...(fs && fs.rx_sec !== null && fs.wx_sec !== null ? { diskReadBytesPerSec: Math.max(0, fs.rx_sec), diskWriteBytesPerSec: Math.max(0, fs.wx_sec) } : {}),
      ...(net ? { netRxBytesPerSec: Math.round(rx), netTxBytesPerSec: Math.round(tx) } : {}),
      ...(unavailable.length > 0 ? { unavailable } : {}),
    };
  }
}
