/**
 * A cache filled with a plausible history for report tests, pictures and benchmarks: jobs of every
 * type from a few users over N days (daytime peaks, run times by type, some failures and
 * cancellations, jobs still open at the end), per-minute queue samples with a night the app was
 * closed, and per-minute resource samples of three nodes. Deterministic from the seed.
 */
import { JOB_TYPES, PRIORITIES, type JobType } from '../../../../contract/domain.ts';
import type { Job } from '../../../../contract/jobs.ts';
import { SeededRandom } from '../../../../contract/seeded-random.ts';
import type { JobCache } from '../../cache/job-cache.ts';

const USERS = ['ana.silva', 'ben.liu', 'chen.wei', 'dara.okafor', 'eli.novak', 'fatima.r', 'gus.meyer', 'hana.sato'];
const RUN_MS: Record<JobType, number> = { backtest: 90_000, training: 900_000, sweep: 1_800_000, 'matrix-build': 240_000, signal: 15_000, report: 45_000 };
/** What a job of each type's process uses: CPU in % of one core and peak memory in MB. */
const USAGE: Record<JobType, [cpu: number, rssMb: number]> = { backtest: [95, 600], training: [180, 3000], sweep: [20, 300], 'matrix-build': [140, 2400], signal: [60, 200], report: [35, 350] };
const ERRORS = [
  'data not available for symbol ZXQ{n}: no file /data/bars/ZXQ{n}.parquet',
  'invalid parameters: lookback {n} exceeds the available history',
  'feature matrix of {n} MB is over the memory limit of 4096 MB',
  'job timed out after {n} s',
];

export interface FixtureOptions {
  clusterId?: string;
  days: number;
  jobsPerDay: number;
  /** The end of the history (exclusive); the last day is "today". */
  endMs: number;
  seed?: number;
  /** Sample queues and resources every minute (false for the 1,000,000-job benchmark fill). */
  samples?: boolean;
  /** The app was closed from 01:00 to 06:30 on this many days (no samples then). */
  closedNights?: number;
}

export function fillReportCache(cache: JobCache, o: FixtureOptions): { jobs: number } {
  const rng = new SeededRandom(o.seed ?? 42);
  const clusterId = o.clusterId ?? 'local';
  // Days start at midnight UTC, the last one being the day of endMs.
  const startMs = Math.floor(o.endMs / 86_400_000) * 86_400_000 - (o.days - 1) * 86_400_000;
  let batch: Job[] = [];
  let n = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const at = new Date(o.endMs).toISOString();
    cache.applyBatch(clusterId, { jobs: batch, removed: [] }, at);
    // Failures are grouped as the sync would once their detail arrives.
    cache.failures.record(batch.filter((j) => j.state === 'failed').map((job) => ({ clusterId, job, errorStack: null })), at);
    batch = [];
  };
  const total = o.days * o.jobsPerDay;
  for (let i = 0; i < total; i++) {
    // Daytime peak: more submissions between 08:00 and 18:00 (UTC hours of the fixture).
    const day = Math.floor(i / o.jobsPerDay);
    const hour = rng.next() < 0.7 ? 8 + Math.floor(rng.next() * 10) : Math.floor(rng.next() * 24);
    const created = startMs + day * 86_400_000 + hour * 3_600_000 + Math.floor(rng.next() * 3_600_000);
    if (created >= o.endMs) continue;
    const type = JOB_TYPES[Math.floor(rng.next() * JOB_TYPES.length)]!;
    const user = USERS[Math.min(USERS.length - 1, Math.floor(rng.next() ** 1.6 * USERS.length))]!;
    const wait = Math.floor(rng.next() ** 3 * 20 * 60_000);
    const run = Math.max(500, Math.floor(RUN_MS[type] * Math.exp(rng.normal() * 0.5)));
    const roll = rng.next();
    const ended = created + wait + run < o.endMs - 600_000;
    const state: Job['state'] = !ended ? (created + wait < o.endMs ? 'running' : 'pending') : roll < 0.06 ? 'failed' : roll < 0.08 ? 'cancelled' : 'completed';
    const started = state === 'pending' ? null : created + wait;
    const finished = state === 'completed' || state === 'failed' || state === 'cancelled' ? created + wait + run : null;
    n += 1;
    batch.push({
      id: `${type}-${String(i).padStart(7, '0')}`,
      type,
      state,
      priority: PRIORITIES[Math.floor(rng.next() * PRIORITIES.length)]!,
      user,
      createdAt: new Date(created).toISOString(),
      startedAt: started === null ? null : new Date(started).toISOString(),
      finishedAt: finished === null ? null : new Date(finished).toISOString(),
      durationMs: finished === null || started === null ? null : finished - started,
      attempts: started === null ? 0 : 1,
      maxAttempts: 3,
      progress: started === null ? null : { percent: finished ? 100 : 50, step: 'run', stepIndex: 0, stepCount: 1, message: '' },
      // Spread without drawing from the generator, so the rest of the history stays as it was.
      usage: started === null ? null : { cpuPercent: USAGE[type][0] * (0.7 + (i % 7) / 10), peakRssBytes: Math.round(USAGE[type][1] * (0.8 + (i % 5) / 10) * 1_048_576) },
      errorMessage: state === 'failed' ? ERRORS[Math.floor(rng.next() * ERRORS.length)]!.replaceAll('{n}', String(Math.floor(rng.next() * 900) + 100)) : null,
      updatedAt: new Date(finished ?? started ?? created).toISOString(),
    });
    if (batch.length >= 5000) flush();
  }
  flush();
  if (o.samples !== false) {
    const closed = (ms: number) => {
      const d = Math.floor((ms - startMs) / 86_400_000);
      const h = ((ms - startMs) % 86_400_000) / 3_600_000;
      return d >= o.days - (o.closedNights ?? 1) && h >= 1 && h < 6.5;
    };
    const queue = cache.db.prepare(`INSERT OR REPLACE INTO queue_samples (cluster_id, at, type, queue_length, running, paused) VALUES (?, ?, 'backtest', ?, ?, 0)`);
    const resources = cache.db.prepare(
      `INSERT OR REPLACE INTO resource_samples (cluster_id, node_id, host, at, cpu_percent, memory_percent, disk_io_percent, network_percent, sample_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
    );
    cache.db.transaction(() => {
      for (let t = startMs; t < o.endMs; t += 60_000) {
        if (closed(t)) continue;
        const at = new Date(t).toISOString();
        const daytime = Math.sin((((t % 86_400_000) / 86_400_000) * 2 - 0.5) * Math.PI) * 0.5 + 0.5;
        queue.run(clusterId, at, Math.floor(daytime * 30), Math.floor(daytime * 8));
        ['worker-1', 'worker-2', 'worker-3'].forEach((node, k) => {
          const cpu = Math.min(100, Math.max(0, daytime * (60 + k * 15) + rng.normal() * 8));
          resources.run(clusterId, node, `${node}.sigmatiq.internal`, at, cpu, Math.min(100, 45 + daytime * 30 + k * 5), Math.min(100, Math.max(0, daytime * 40 + rng.normal() * 5)), Math.min(100, Math.max(0, daytime * 25 + rng.normal() * 4)));
        });
      }
    })();
    cache.touch(clusterId, new Date(o.endMs).toISOString());
  }
  return { jobs: n };
}
