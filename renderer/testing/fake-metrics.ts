/** Test-only: metrics, resources and activity computed from a fake cluster's jobs. */
import type { ActivityPoint, CachedJob, TimeRange } from '../../contract/admin-api.ts';
import { JOB_TYPES, type JobState, type JobType } from '../../contract/domain.ts';
import { emptyStateCounts, type QueueMetrics, type ResourceSample, type StateCounts, type Summary, type WorkerNode } from '../../contract/metrics.ts';
import { DEFAULT_THRESHOLDS, levelOf, type Level, type MetricName } from '../../contract/thresholds.ts';
import { fakeQueueLoad } from './fake-load.ts';

export const RANGE_MS: Record<TimeRange, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
};

export function countStates(jobs: readonly CachedJob[]): StateCounts {
  const counts = emptyStateCounts();
  for (const j of jobs) counts[j.state as JobState]++;
  return counts;
}

function reading(metric: MetricName, value: number | null) {
  return { value, level: value === null ? ('good' as Level) : levelOf(value, DEFAULT_THRESHOLDS[metric]) };
}

const WINDOW_MS = 15 * 60_000;

/** Queue metrics per type, as the cluster would report them. */
export function queueMetrics(jobs: readonly CachedJob[], now: number, paused: ReadonlySet<JobType>, concurrency: ReadonlyMap<JobType, number>): QueueMetrics[] {
  return JOB_TYPES.map((type) => {
    const mine = jobs.filter((j) => j.type === type);
    const counts = countStates(mine);
    const recent = mine.filter((j) => j.finishedAt && now - Date.parse(j.finishedAt) < WINDOW_MS * 40);
    const failed = recent.filter((j) => j.state === 'failed').length;
    const finished = recent.filter((j) => j.state === 'completed' || j.state === 'failed').length;
    const waits = mine.filter((j) => j.startedAt).slice(0, 50).map((j) => Date.parse(j.startedAt!) - Date.parse(j.createdAt));
    waits.sort((a, b) => a - b);
    const p = (q: number) => (waits.length ? waits[Math.min(waits.length - 1, Math.floor(q * waits.length))]! : null);
    return {
      type,
      paused: paused.has(type),
      concurrency: concurrency.get(type) ?? 2,
      counts,
      queueLength: reading('queueLength', counts.pending),
      readyCount: mine.filter((j) => j.state === 'pending' && (!j.runAt || Date.parse(j.runAt) <= now)).length,
      waitTimeP50Ms: reading('waitTimeMs', p(0.5)),
      waitTimeP95Ms: reading('waitTimeMs', p(0.95)),
      processingRatePerMin: counts.pending > 0 ? reading('processingRatePerMin', finished / 40 / 15) : { value: finished / 600, level: 'good' },
      failureRate: reading('failureRate', finished ? failed / finished : null),
      windowMs: WINDOW_MS,
      load: fakeQueueLoad(jobs, type, now, paused.has(type), concurrency.get(type) ?? 2),
    };
  });
}

const LEVEL_ORDER: Level[] = ['good', 'warning', 'critical'];
function worst(levels: Level[]): Level {
  return levels.reduce<Level>((w, l) => (LEVEL_ORDER.indexOf(l) > LEVEL_ORDER.indexOf(w) ? l : w), 'good');
}

/** The cluster summary from its queues. */
export function summaryOf(jobs: readonly CachedJob[], queues: QueueMetrics[], now: number): Summary {
  const counts = countStates(jobs);
  const done = counts.completed + counts.failed;
  const sum = (f: (q: QueueMetrics) => number | null) => queues.reduce((n, q) => n + (f(q) ?? 0), 0);
  const failureValues = queues.map((q) => q.failureRate.value).filter((v): v is number => v !== null);
  return {
    at: new Date(now).toISOString(),
    total: jobs.length,
    counts,
    successRate: done ? counts.completed / done : null,
    queues,
    queueLength: reading('queueLength', counts.pending),
    waitTimeP95Ms: { value: Math.max(0, ...queues.map((q) => q.waitTimeP95Ms.value ?? 0)), level: worst(queues.map((q) => q.waitTimeP95Ms.level)) },
    processingRatePerMin: reading('processingRatePerMin', sum((q) => q.processingRatePerMin.value)),
    failureRate: reading('failureRate', failureValues.length ? failureValues.reduce((a, b) => a + b, 0) / failureValues.length : null),
  };
}

/** Activity points over a range: finished and failed per bucket and the queue length. */
export function activityOf(jobs: readonly CachedJob[], range: TimeRange, now: number): ActivityPoint[] {
  const span = RANGE_MS[range];
  const buckets = 30;
  const size = span / buckets;
  const points: ActivityPoint[] = Array.from({ length: buckets }, (_, i) => ({
    at: new Date(now - span + (i + 1) * size).toISOString(),
    finished: 0,
    failed: 0,
    queueLength: 0,
  }));
  for (const j of jobs) {
    if (j.finishedAt) {
      const i = Math.floor((Date.parse(j.finishedAt) - (now - span)) / size);
      if (i >= 0 && i < buckets) {
        if (j.state === 'failed') points[i]!.failed++;
        else points[i]!.finished++;
      }
    }
    const created = Date.parse(j.createdAt);
    const started = j.startedAt ? Date.parse(j.startedAt) : now;
    for (let i = 0; i < buckets; i++) {
      const t = now - span + (i + 1) * size;
      if (created <= t && started > t) points[i]!.queueLength++;
    }
  }
  return points;
}

/** Worker nodes of a fake cluster; the second node is lost. */
export function workersOf(jobs: readonly CachedJob[], now: number): WorkerNode[] {
  const running = jobs.filter((j) => j.state === 'running' || j.state === 'stuck' || j.state === 'paused');
  return [
    {
      id: 'worker-1',
      host: 'build-01.internal',
      pid: 4121,
      queues: [...JOB_TYPES],
      concurrency: Object.fromEntries(JOB_TYPES.map((t) => [t, 2])),
      runningJobs: running.filter((j) => j.workerId === 'worker-1').map((j) => j.id),
      startedAt: new Date(now - 6 * 3600_000).toISOString(),
      lastHeartbeatAt: new Date(now - 3_000).toISOString(),
      status: 'online',
      cpuPercent: 64,
      rssBytes: 812 * 1024 * 1024,
    },
    {
      id: 'worker-2',
      host: 'build-02.internal',
      pid: 977,
      queues: ['backtest', 'sweep'],
      concurrency: { backtest: 4, sweep: 1 },
      runningJobs: running.filter((j) => j.workerId === 'worker-2').map((j) => j.id),
      startedAt: new Date(now - 26 * 3600_000).toISOString(),
      lastHeartbeatAt: new Date(now - 4 * 60_000).toISOString(),
      status: 'lost',
      cpuPercent: null,
      rssBytes: null,
    },
  ];
}

/** System samples per node over a range. */
export function resourcesOf(range: TimeRange, now: number): ResourceSample[] {
  const span = RANGE_MS[range];
  const out: ResourceSample[] = [];
  const nodes = [
    { nodeId: 'worker-1', host: 'build-01.internal', base: 55 },
    { nodeId: 'worker-2', host: 'build-02.internal', base: 30 },
  ];
  for (const n of nodes) {
    for (let i = 0; i < 40; i++) {
      const t = now - span + ((i + 1) * span) / 40;
      const w = (k: number) => Math.max(0, Math.min(100, n.base + k * Math.sin(i / 4 + n.base)));
      out.push({
        nodeId: n.nodeId,
        host: n.host,
        at: new Date(t).toISOString(),
        cpuPercent: Math.round(w(30) * 10) / 10,
        memoryPercent: Math.round((w(10) + 25) * 10) / 10 > 100 ? 99 : Math.round((w(10) + 25) * 10) / 10,
        diskIoPercent: Math.round(w(20) * 0.7 * 10) / 10,
        networkPercent: Math.round(w(15) * 0.4 * 10) / 10,
      });
    }
  }
  return out;
}
