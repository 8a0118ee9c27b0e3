/** Job records for tests and benchmarks: valid per the contract, deterministic from a seed. */
import { JOB_STATES, JOB_TYPES, PRIORITIES, type JobState } from '../../../contract/domain.ts';
import type { Job, JobDetail } from '../../../contract/jobs.ts';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

/** A job record; `overrides` win. Times are spread one second apart by `n`. */
export function makeJob(n: number, overrides: Partial<Job> = {}): Job {
  const base = Date.UTC(2026, 10, 1, 0, 0, 0) + n * 1000;
  const state: JobState = overrides.state ?? JOB_STATES[n % JOB_STATES.length]!;
  const finished = state === 'completed' || state === 'failed' || state === 'cancelled';
  const started = state !== 'pending';
  return {
    id: `job-${n}`,
    type: JOB_TYPES[n % JOB_TYPES.length]!,
    state,
    priority: PRIORITIES[(n >> 3) % PRIORITIES.length]!,
    user: USERS[(n >> 1) % USERS.length]!,
    createdAt: new Date(base).toISOString(),
    startedAt: started ? new Date(base + 500).toISOString() : null,
    finishedAt: finished ? new Date(base + 900).toISOString() : null,
    durationMs: finished ? 400 : null,
    attempts: started ? 1 : 0,
    maxAttempts: 3,
    progress: started ? { percent: finished ? 100 : 40, step: 'load', stepIndex: 0, stepCount: 3, message: '' } : null,
    ...(state === 'pending' ? { position: (n % 50) + 1 } : {}),
    errorMessage: state === 'failed' ? `boom ${n}: data not available` : null,
    updatedAt: new Date(base + 1000).toISOString(),
    ...overrides,
  };
}

/** A job's detail as the cluster answers it, with no steps, logs, result or resources yet; `overrides` win. */
export function makeDetail(job: Job, overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    ...job,
    config: {},
    steps: [],
    logsTail: [],
    logCount: 0,
    errorStack: null,
    result: null,
    resources: { cpuPercent: null, rssBytes: null, peakRssBytes: null, samples: [] },
    children: [],
    dependsOn: [],
    ...overrides,
  };
}
