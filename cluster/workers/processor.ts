/**
 * The sandboxed job processor: BullMQ forks a child process per concurrent job slot and calls the
 * default export here for each job (built as `out/node/job-processor.js`; run from source under
 * tsx). It adapts the BullMQ job to the handler's JobContext:
 *
 * - progress → `job.updateProgress(ProgressReport)` with this process's CPU % and RSS and the
 *   step names; a pause is reported as `paused: true` (the job shows `paused`, its lock is kept
 *   alive by the node because the job is still being processed);
 * - log lines (JSON {at, level, message}) → the node, which appends them to the job's log in order;
 * - control → the node's `sigmatiq:control` messages and BullMQ's abort signal, read at the
 *   handler's checkpoints; the request stored in `job.data.control` is honoured at start too;
 * - resolvers → matrix files from the shared outputs folder, sweep children from the flow, other
 *   jobs' records through the node (`sigmatiq:resolve`);
 * - the outcome → a result, or an error whose name and message tell BullMQ what happened:
 *   a graceful stop fails the job with `cancelled: …` (shown as cancelled), a job error (bad input,
 *   missing data, limit, timeout) fails it without retries, anything else fails it per attempts.
 */
import path from 'node:path';
import { isMainThread, parentPort } from 'node:worker_threads';
import type { SandboxedJob } from 'bullmq';
import { BacktestConfig, SweepConfig } from '../../contract/job-configs.ts';
import { Job as JobRecord, JobResult } from '../../contract/jobs.ts';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import { CANCELLED_PREFIX, jobDataOf } from '../engine/job-record.ts';
import type { ProgressReport } from '../engine/job-engine.ts';
import { sweepChildIndex } from '../engine/sweep-flow.ts';
import type { JobResolvers, SweepChildOutcome } from '../jobs/job-context.ts';
import { BadInputError, isJobStopped, JobError } from '../jobs/job-errors.ts';
import { jobOutputDir, matrixFileResolver } from '../jobs/job-folders.ts';
import { runJobHandler } from '../jobs/job-handler.ts';
import { handlerSteps, JOB_HANDLERS } from '../jobs/job-handlers.ts';
import { expandSweepGrid } from '../jobs/sweep/sweep-grid.ts';
import { CHILD_ENV, CHILD_HELLO, CHILD_LOG, CHILD_RESOLVE, ParentControl, ParentResolved, type ResolverKind } from './child-protocol.ts';
import { ProcessUsage } from './process-usage.ts';

interface ControlState {
  stop: boolean;
  pause: boolean;
  reason?: string;
}

/** Control state per job id this child runs (one at a time, but messages may arrive late). */
const controls = new Map<string, ControlState>();
const pendingResolves = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let requestCounter = 0;

/**
 * The channel to the worker node: the IPC channel of a child process, or the parent port when
 * BullMQ runs this processor in a worker thread (inside Electron, see worker-runtime.ts).
 */
const parent =
  !isMainThread && parentPort
    ? {
        onMessage: (fn: (raw: unknown) => void) => parentPort?.on('message', fn),
        send: (message: Record<string, unknown>) => parentPort?.postMessage(message),
      }
    : {
        onMessage: (fn: (raw: unknown) => void) => process.on('message', fn),
        send: (message: Record<string, unknown>) => process.send?.(message),
      };

parent.onMessage((raw: unknown) => {
  const control = ParentControl.safeParse(raw);
  if (control.success) {
    const c = control.data;
    const state = controls.get(c.jobId);
    if (state) Object.assign(state, { stop: c.stop, pause: c.pause, reason: c.reason ?? state.reason });
    return;
  }
  const resolved = ParentResolved.safeParse(raw);
  if (resolved.success) {
    const waiter = pendingResolves.get(resolved.data.requestId);
    if (!waiter) return;
    pendingResolves.delete(resolved.data.requestId);
    if (resolved.data.ok) waiter.resolve(resolved.data.value);
    else waiter.reject(new BadInputError(resolved.data.error ?? 'the worker node could not answer'));
  }
});

function send(message: Record<string, unknown>): void {
  parent.send(message);
}

/** Ask the worker node for something only it can read. */
function askNode(jobId: string, kind: ResolverKind, args: unknown[]): Promise<unknown> {
  const requestId = `${process.pid}-${++requestCounter}`;
  return new Promise((resolve, reject) => {
    pendingResolves.set(requestId, { resolve, reject });
    send({ cmd: CHILD_RESOLVE, requestId, jobId, kind, args });
  });
}

function env(name: string, fallback: string): string {
  const v = process.env[name];
  return v && v.trim() !== '' ? v : fallback;
}

/** An error BullMQ fails the job with at once (no retry), keeping the handler's message. */
function unrecoverable(message: string, stack?: string): Error {
  const error = new Error(message);
  error.name = 'UnrecoverableError';
  if (stack) error.stack = `UnrecoverableError: ${message}\n${stack.split('\n').slice(1).join('\n')}`;
  return error;
}

function resolversFor(job: SandboxedJob, type: JobType, outputsRoot: string): JobResolvers {
  const jobId = job.id!;
  const resolvers: JobResolvers = {
    matrixFile: matrixFileResolver(outputsRoot),
    async finishedJobs(since, until) {
      const value = await askNode(jobId, 'finishedJobs', [since.toISOString(), until.toISOString()]);
      return JobRecord.array().parse(value);
    },
    async jobResult(id) {
      const value = (await askNode(jobId, 'jobResult', [id])) as { job: unknown; result: unknown };
      return { job: JobRecord.parse(value.job), result: value.result === null ? null : JobResult.parse(value.result) };
    },
  };
  if (type === 'sweep') resolvers.sweepChildren = () => sweepChildrenOf(job);
  return resolvers;
}

/** The outcomes of a sweep's child backtests, read from the flow (children's results and failures). */
async function sweepChildrenOf(job: SandboxedJob): Promise<SweepChildOutcome[]> {
  const grid = expandSweepGrid(SweepConfig.parse(jobDataOf(job.data).config));
  const [values, failures] = await Promise.all([job.getChildrenValues<unknown>(), job.getIgnoredChildrenFailures()]);
  const outcomes: SweepChildOutcome[] = [];
  const seen = new Set<number>();
  for (const [key, value] of Object.entries(values)) {
    const index = sweepChildIndex(job.id!, key);
    if (index === null || !grid.children[index]) continue;
    seen.add(index);
    const parsed = JobResult.safeParse(value);
    outcomes.push({
      config: BacktestConfig.parse(grid.children[index].config),
      jobId: key.split(':').at(-1),
      ...(parsed.success ? { result: parsed.data } : { error: 'the child returned no result' }),
    });
  }
  for (const [key, reason] of Object.entries(failures)) {
    const index = sweepChildIndex(job.id!, key);
    if (index === null || !grid.children[index] || seen.has(index)) continue;
    seen.add(index);
    outcomes.push({ config: grid.children[index].config, jobId: key.split(':').at(-1), error: reason });
  }
  return outcomes;
}

/** True when the sweep was submitted as a flow (it has children). */
async function isFlowParent(job: SandboxedJob): Promise<boolean> {
  const counts = await job.getDependenciesCount();
  return Object.values(counts).some((n) => (n ?? 0) > 0);
}

function typeOf(job: SandboxedJob): JobType {
  const name = job.name as JobType;
  if (!JOB_TYPES.includes(name)) throw unrecoverable(`unknown job type '${job.name}': this cluster runs ${JOB_TYPES.join(', ')}`);
  return name;
}

export default async function processJob(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<unknown> {
  const type = typeOf(job);
  const jobId = job.id!;
  const data = jobDataOf(job.data);
  const dataDir = env(CHILD_ENV.dataDir, path.resolve('sigmatiq-jobs'));
  const outputsRoot = env(CHILD_ENV.outputsDir, path.join(dataDir, 'outputs'));
  const control: ControlState = {
    stop: data.control?.stopRequested === true,
    pause: data.control?.pauseRequested === true,
    reason: data.control?.reason,
  };
  controls.set(jobId, control);
  send({ cmd: CHILD_HELLO, jobId, pid: process.pid });
  const usage = new ProcessUsage();
  const steps = handlerSteps(type);
  const report = (p: Omit<ProgressReport, 'at' | 'cpuPercent' | 'rssBytes' | 'cpuMeanPercent' | 'peakRssBytes' | 'steps'>) =>
    job.updateProgress({ ...p, at: new Date().toISOString(), ...usage.read(), steps } satisfies ProgressReport);
  const resolvers = resolversFor(job, type, outputsRoot);
  if (type === 'sweep' && !(await isFlowParent(job))) delete resolvers.sweepChildren;
  const maxMatrixBytes = Number(process.env[CHILD_ENV.maxMatrixBytes]);
  const progressIntervalMs = Number(process.env[CHILD_ENV.progressIntervalMs]);
  try {
    await report({ percent: 0, step: steps[0]!, stepIndex: 0, stepCount: steps.length, message: 'starting', paused: false });
    const result = await runJobHandler(JOB_HANDLERS[type], {
      jobId,
      config: data.config,
      dataDir,
      outputDir: jobOutputDir(outputsRoot, jobId),
      timeoutMs: data.timeoutMs,
      control: {
        // A node that died (SIGKILL) takes this process with it: sandbox-lifeline.ts.
        stopRequested: () => control.stop || signal?.aborted === true,
        pauseRequested: () => control.pause,
        stopReason: () => control.reason ?? (typeof signal?.reason === 'string' ? signal.reason : undefined),
      },
      onProgress: (p) => report({ ...p, paused: false }),
      onPaused: (p) => report({ ...p, paused: true, message: `paused: ${p.message}`.slice(0, 2000) }),
      onResumed: (p) => report({ ...p, paused: false }),
      onLog: (level, message) => send({ cmd: CHILD_LOG, jobId, line: JSON.stringify({ at: new Date().toISOString(), level, message }) }),
      resolvers,
      limits: Number.isFinite(maxMatrixBytes) && maxMatrixBytes > 0 ? { maxMatrixBytes } : undefined,
      progressIntervalMs: Number.isFinite(progressIntervalMs) && progressIntervalMs >= 0 ? progressIntervalMs : 1000,
    });
    return result;
  } catch (error) {
    if (isJobStopped(error)) throw unrecoverable(`${CANCELLED_PREFIX} ${(error as Error).message}`, (error as Error).stack);
    if (error instanceof JobError) throw unrecoverable(error.message, error.stack);
    throw error;
  } finally {
    controls.delete(jobId);
    // The job's log lines are stored before BullMQ records its end (bounded: a slow datastore must not hold the job).
    await Promise.race([askNode(jobId, 'flushLogs', []).catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}
