/**
 * Test-only fixtures: deterministic, generated records that satisfy the contract schemas (the fake
 * AdminApi parses everything it returns with them). Used by component tests and by the e2e dev
 * harness and UI benchmark; never imported by the app.
 */
import type { CachedJob, CachedJobDetail, ClusterView } from '../../contract/admin-api.ts';
import { JOB_TYPES, type JobState, type JobType, type Priority } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import type { JobStep, LogLine } from '../../contract/jobs.ts';
import { SeededRandom } from '../../contract/seeded-random.ts';

/** Uniform draws from a seed, so fixtures are the same in every run. */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

export const USERS = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'gus', 'hiro', 'svc-reports'];

export const STEPS_BY_TYPE: Record<JobType, string[]> = {
  backtest: ['Load prices', 'Compute signals', 'Simulate trades', 'Compute metrics', 'Write report'],
  training: ['Load matrix', 'Split data', 'Train epochs', 'Validate', 'Save model'],
  sweep: ['Expand grid', 'Run backtests', 'Rank results', 'Write summary'],
  'matrix-build': ['Load prices', 'Compute features', 'Label rows', 'Write matrix'],
  signal: ['Load prices', 'Evaluate strategy', 'Emit alerts'],
  report: ['Collect jobs', 'Aggregate', 'Render files'],
};

const ERRORS = [
  'Out of memory: worker RSS exceeded 2.0 GB while loading prices',
  'Data not available: no prices for ZETA between 2019-01-02 and 2019-03-01',
  'Timeout reached after 15 min',
  'Invalid parameters: fastWindow must be smaller than slowWindow',
];

export interface GenerateOptions {
  clusterId: string;
  count: number;
  now: number;
  seed?: number;
  /** How many running / pending / stuck / paused jobs to make; the rest finish. */
  running?: number;
  pending?: number;
  stuck?: number;
  paused?: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Generates `count` jobs, newest first, with a realistic mix of states. */
export function generateJobs(o: GenerateOptions): CachedJob[] {
  const rnd = seededRandom(o.seed ?? 7);
  const running = o.running ?? 6;
  const pending = o.pending ?? 14;
  const stuck = o.stuck ?? 1;
  const paused = o.paused ?? 1;
  const jobs: CachedJob[] = [];
  const positions = new Map<JobType, number>();
  // Newest jobs are pending, then active, then finished ones further back in time.
  for (let i = 0; i < o.count; i++) {
    const type = JOB_TYPES[Math.floor(rnd() * JOB_TYPES.length)]!;
    const pr = rnd();
    const priority: Priority = pr < 0.06 ? 'critical' : pr < 0.22 ? 'high' : pr < 0.86 ? 'normal' : 'low';
    let state: JobState;
    if (i < pending) state = 'pending';
    else if (i < pending + running) state = 'running';
    else if (i < pending + running + stuck) state = 'stuck';
    else if (i < pending + running + stuck + paused) state = 'paused';
    else {
      const r = rnd();
      state = r < 0.86 ? 'completed' : r < 0.96 ? 'failed' : 'cancelled';
    }
    const createdAt = o.now - 20_000 - i * 41_000 - Math.floor(rnd() * 30_000);
    const id = `${o.clusterId === 'local' ? '' : o.clusterId.slice(0, 3) + '-'}${100_000 + o.count - i}`;
    const steps = STEPS_BY_TYPE[type];
    let startedAt: number | null = null;
    let finishedAt: number | null = null;
    let progress: CachedJob['progress'] = null;
    let errorMessage: string | null = null;
    let attempts = 0;
    let lastProgressAt: number | null = null;
    let position: number | undefined;
    let eta: string | null | undefined;
    if (state === 'pending') {
      position = (positions.get(type) ?? 0) + 1;
      positions.set(type, position);
    } else {
      startedAt = createdAt + 5_000 + Math.floor(rnd() * 40_000);
      attempts = 1;
      if (state === 'running' || state === 'stuck' || state === 'paused') {
        const pct = Math.floor(10 + rnd() * 80);
        const stepIndex = Math.min(steps.length - 1, Math.floor((pct / 100) * steps.length));
        progress = { percent: pct, step: steps[stepIndex]!, stepIndex, stepCount: steps.length, message: `${steps[stepIndex]} (${pct}%)` };
        lastProgressAt = state === 'stuck' ? o.now - 14 * 60_000 : o.now - Math.floor(rnd() * 20_000);
        eta = state === 'running' ? iso(o.now + Math.floor(rnd() * 8 * 60_000) + 30_000) : null;
        if (state === 'stuck') startedAt = o.now - 25 * 60_000;
      } else {
        finishedAt = startedAt + Math.floor(500 + rnd() * 9 * 60_000);
        if (state === 'failed') {
          errorMessage = ERRORS[Math.floor(rnd() * ERRORS.length)]!;
          attempts = 1 + Math.floor(rnd() * 3);
        }
        progress =
          state === 'completed'
            ? { percent: 100, step: steps[steps.length - 1]!, stepIndex: steps.length - 1, stepCount: steps.length, message: 'Done' }
            : null;
      }
    }
    jobs.push({
      clusterId: o.clusterId,
      id,
      type,
      state,
      priority,
      user: USERS[Math.floor(rnd() * USERS.length)]!,
      createdAt: iso(createdAt),
      startedAt: startedAt === null ? null : iso(startedAt),
      finishedAt: finishedAt === null ? null : iso(finishedAt),
      durationMs: startedAt !== null && finishedAt !== null ? finishedAt - startedAt : null,
      attempts,
      maxAttempts: 3,
      progress,
      ...(position !== undefined ? { position } : {}),
      ...(eta !== undefined ? { eta } : {}),
      lastProgressAt: lastProgressAt === null ? null : iso(lastProgressAt),
      errorMessage,
      parentId: null,
      workerId: startedAt !== null && finishedAt === null ? `worker-${1 + Math.floor(rnd() * 2)}` : null,
      updatedAt: iso(finishedAt ?? lastProgressAt ?? startedAt ?? createdAt),
    });
  }
  return jobs;
}

/** The detail of a job: its config (the type's defaults), steps, logs, result, resources. */
export function jobDetailOf(job: CachedJob, children: CachedJob[] = [], now = Date.now()): CachedJobDetail {
  const rnd = seededRandom(hash(job.id));
  const names = STEPS_BY_TYPE[job.type];
  const current = job.progress?.stepIndex ?? (job.state === 'completed' ? names.length : 0);
  const steps: JobStep[] = names.map((name, index) => ({
    index,
    name,
    status:
      job.state === 'completed' || index < current
        ? 'done'
        : index === current
          ? job.state === 'failed'
            ? 'failed'
            : job.state === 'pending' || job.state === 'cancelled'
              ? 'pending'
              : 'running'
          : job.state === 'failed' || job.state === 'cancelled'
            ? 'skipped'
            : 'pending',
  }));
  const start = Date.parse(job.startedAt ?? job.createdAt);
  const logs: LogLine[] = [];
  if (job.startedAt) {
    let seq = 0;
    for (const step of steps) {
      if (step.status === 'pending' || step.status === 'skipped') break;
      logs.push({ seq, at: new Date(start + seq * 1500).toISOString(), level: 'info', message: `${step.name}: started` });
      seq++;
      logs.push({ seq, at: new Date(start + seq * 1500).toISOString(), level: 'debug', message: `${step.name}: ${Math.floor(rnd() * 9000) + 100} rows processed` });
      seq++;
      if (step.status === 'failed') {
        logs.push({ seq, at: new Date(start + seq * 1500).toISOString(), level: 'error', message: job.errorMessage ?? 'failed' });
        seq++;
      }
    }
  }
  const samples = job.startedAt
    ? Array.from({ length: 24 }, (_, i) => ({
        at: new Date(start + i * 5000).toISOString(),
        cpuPercent: Math.round(30 + 50 * Math.abs(Math.sin(i / 3 + rnd()))),
        rssBytes: Math.round((180 + 120 * Math.abs(Math.sin(i / 5)) + rnd() * 40) * 1024 * 1024),
      }))
    : [];
  const config = JOB_CONFIG_SCHEMAS[job.type].parse({}) as Record<string, unknown>;
  const result =
    job.state === 'completed'
      ? {
          outputs: [
            { name: 'report.json', location: `/var/lib/sigmatiq/results/${job.id}/report.json`, bytes: 18_432, kind: 'json' },
            { name: 'trades.csv', location: `/var/lib/sigmatiq/results/${job.id}/trades.csv`, bytes: 204_800, kind: 'csv' },
          ],
          metrics: { sharpe: 1.42, totalReturn: 0.318, maxDrawdown: -0.121, trades: 214, winRate: 0.56 },
          nextSteps: ['Compare with the last sweep of this strategy', 'Generate a PDF report for the desk'],
          ...(job.type === 'sweep'
            ? { table: { columns: ['fastWindow', 'slowWindow', 'sharpe'], rows: [[10, 50, 1.42], [5, 50, 1.31], [20, 100, 1.05]] } }
            : {}),
        }
      : null;
  return {
    ...job,
    fromCache: false,
    config,
    steps,
    logsTail: logs,
    logCount: logs.length,
    errorStack:
      job.state === 'failed'
        ? `Error: ${job.errorMessage}\n    at loadPrices (cluster/jobs/${job.type}/load.ts:41:11)\n    at runStep (cluster/workers/processor.ts:88:5)`
        : null,
    result,
    resources: {
      cpuPercent: job.state === 'running' ? (samples.at(-1)?.cpuPercent ?? null) : null,
      rssBytes: job.state === 'running' ? (samples.at(-1)?.rssBytes ?? null) : null,
      peakRssBytes: samples.length ? Math.max(...samples.map((s) => s.rssBytes)) : null,
      samples,
    },
    children,
    dependsOn: [],
    cancelReason: job.state === 'cancelled' ? 'cancelled by alice' : null,
    updatedAt: job.updatedAt ?? new Date(now).toISOString(),
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Two clusters: the embedded local one (online) and a remote one that is offline with cached data. */
export function makeClusters(now: number): ClusterView[] {
  return [
    {
      id: 'local',
      name: 'Local (embedded)',
      url: 'http://127.0.0.1:7420',
      colour: '#4f7cff',
      local: true,
      enabled: true,
      status: 'online',
      lastError: null,
      lastSyncAt: new Date(now - 2_000).toISOString(),
      info: {
        name: 'local',
        version: '0.1.0',
        datastore: 'embedded',
        serverTime: new Date(now).toISOString(),
        role: 'admin',
        capabilities: ['running-job-control', 'schedules', 'maintenance-windows'],
        stuckAfterMs: 600_000,
      },
    },
    {
      id: 'research',
      name: 'Research',
      url: 'https://jobs.research.example.com:7420',
      colour: '#d9822b',
      local: false,
      enabled: true,
      status: 'offline',
      lastError: 'The cluster did not answer within 10 s (connection refused at jobs.research.example.com:7420).',
      lastSyncAt: new Date(now - 12 * 60_000).toISOString(),
      info: null,
    },
  ];
}
