/**
 * What a job handler runs with, independent of BullMQ: its parsed config, folders, progress and log
 * reporting, and `checkpoint()` — the one place where graceful stop, pause and the time limit are
 * honoured. The worker runtime adapts a BullMQ job to this (callbacks → `job.updateProgress` /
 * `job.log`, control → the stop/pause flags it receives); tests use it directly.
 */
import type { JobType } from '../../contract/domain.ts';
import type { Job, JobProgress, JobResult } from '../../contract/jobs.ts';
import type { BacktestConfig } from '../../contract/job-configs.ts';
import { JobStoppedError, JobTimeoutError } from './job-errors.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A declared step. `weight` is its share of the job's work, so percent tracks time honestly. */
export interface StepSpec {
  name: string;
  weight?: number;
}

/** Stop/pause requests, read at every checkpoint. Either answer may be sync or async. */
export interface JobControl {
  stopRequested(): boolean | Promise<boolean>;
  pauseRequested(): boolean | Promise<boolean>;
  /** Why a stop was asked for (e.g. "stopped by alice"), for the error message. */
  stopReason?(): string | undefined;
}

/** Callbacks through which a running job reports. A returned promise is awaited at the next checkpoint. */
export interface JobCallbacks {
  onProgress?(progress: JobProgress): unknown;
  onLog?(level: LogLevel, message: string): unknown;
  /** The handler is now holding at a checkpoint (state `paused`). */
  onPaused?(progress: JobProgress): unknown;
  /** The handler continues after a pause. */
  onResumed?(progress: JobProgress): unknown;
}

/** One child backtest of a sweep as the runtime collected it (from the flow's children). */
export interface SweepChildOutcome {
  /** The child's config (what `expandSweepGrid` produced for it). */
  config: BacktestConfig;
  jobId?: string;
  /** The child's result when it completed. */
  result?: JobResult | null;
  /** The child's error message when it failed or was cancelled. */
  error?: string;
}

/** Where a handler finds what other jobs produced. The runtime provides these; each is optional. */
export interface JobResolvers {
  /** Absolute path of the `matrix.csv` a completed matrix-build job wrote (training.matrixJobId). */
  matrixFile?(matrixJobId: string): Promise<string>;
  /** Finished job records (completed/failed/cancelled) with `finishedAt` in [since, until). */
  finishedJobs?(since: Date, until: Date): Promise<Job[]>;
  /** A finished job's record and result (report of kind `sweep-results`). */
  jobResult?(jobId: string): Promise<{ job: Job; result: JobResult | null }>;
  /** The outcomes of this sweep's child backtests, when the sweep ran them as a flow. */
  sweepChildren?(): Promise<SweepChildOutcome[]>;
}

/** Resource limits a handler checks up front so oversized requests fail clearly. */
export interface JobLimits {
  /** Largest design matrix training may allocate, in bytes. */
  maxMatrixBytes: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = { maxMatrixBytes: 512 * 1024 * 1024 };

/** The handler's view of its job. */
export interface JobContext<C = unknown> {
  readonly jobId: string;
  readonly type: JobType;
  readonly config: C;
  /** Shared data folder (market data lives in `<dataDir>/market`). */
  readonly dataDir: string;
  /** This job's own output folder; created on first write. */
  readonly outputDir: string;
  readonly resolvers: JobResolvers;
  readonly limits: JobLimits;
  /** Checkpoint (stop/pause/deadline), then begin the declared step `name`. */
  step(name: string, message?: string): Promise<void>;
  /** Progress within the current step, `fraction` in [0, 1]; throttled; checks the deadline. */
  progress(fraction: number, message?: string): void;
  log(level: LogLevel, message: string): void;
  /**
   * A boundary: honours graceful stop (throws JobStoppedError), pause (waits, holding its place)
   * and the deadline (throws JobTimeoutError). `label` names the boundary for messages.
   */
  checkpoint(label?: string): Promise<void>;
  /** The latest progress report. */
  readonly current: JobProgress;
}

export interface LocalJobContextOptions<C> extends JobCallbacks {
  jobId: string;
  type: JobType;
  config: C;
  dataDir: string;
  outputDir: string;
  steps: readonly StepSpec[];
  control?: JobControl;
  resolvers?: JobResolvers;
  limits?: Partial<JobLimits>;
  /** Time limit of the job's running time (paused time does not count). */
  timeoutMs?: number;
  /** Minimum time between throttled progress reports; step changes always report. */
  progressIntervalMs?: number;
  /** How often a paused job re-reads its control. */
  pausePollMs?: number;
}

/** The in-process JobContext: used by tests and wrapped by the worker runtime. */
export function createLocalJobContext<C>(options: LocalJobContextOptions<C>): LocalJobContext<C> {
  return new LocalJobContext(options);
}

/** Longest a handler runs between checkpoints without yielding to the event loop. */
const YIELD_EVERY_MS = 20;

const NO_CONTROL: JobControl = { stopRequested: () => false, pauseRequested: () => false };

export class LocalJobContext<C> implements JobContext<C> {
  readonly jobId: string;
  readonly type: JobType;
  readonly config: C;
  readonly dataDir: string;
  readonly outputDir: string;
  readonly resolvers: JobResolvers;
  readonly limits: JobLimits;
  private readonly steps: readonly StepSpec[];
  private readonly weights: number[];
  private readonly totalWeight: number;
  private readonly control: JobControl;
  private readonly intervalMs: number;
  private readonly pollMs: number;
  private deadline: number;
  private readonly timeoutMs: number | undefined;
  private stepIndex = -1;
  private lastReportAt = 0;
  private lastYieldAt = Date.now();
  private pending: Promise<void> = Promise.resolve();
  private latest: JobProgress;

  constructor(private readonly options: LocalJobContextOptions<C>) {
    if (options.steps.length === 0) throw new Error('a job handler declares at least one step');
    this.jobId = options.jobId;
    this.type = options.type;
    this.config = options.config;
    this.dataDir = options.dataDir;
    this.outputDir = options.outputDir;
    this.resolvers = options.resolvers ?? {};
    this.limits = { ...DEFAULT_JOB_LIMITS, ...options.limits };
    this.steps = options.steps;
    this.weights = options.steps.map((s) => s.weight ?? 1);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    this.control = options.control ?? NO_CONTROL;
    this.intervalMs = options.progressIntervalMs ?? 250;
    this.pollMs = options.pausePollMs ?? 100;
    this.timeoutMs = options.timeoutMs;
    this.deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    this.latest = { percent: 0, step: options.steps[0]!.name, stepIndex: 0, stepCount: options.steps.length, message: 'starting' };
  }

  get current(): JobProgress {
    return this.latest;
  }

  async step(name: string, message = ''): Promise<void> {
    const index = this.steps.findIndex((s, i) => i > this.stepIndex && s.name === name);
    if (index < 0) throw new Error(`step "${name}" is not a declared step after "${this.latest.step}" of ${this.type}`);
    await this.checkpoint(name);
    this.stepIndex = index;
    this.report(0, message || name, true);
    this.log('info', `step ${index + 1}/${this.steps.length}: ${name}${message ? ` — ${message}` : ''}`);
  }

  progress(fraction: number, message = ''): void {
    this.checkDeadline(this.latest.step);
    this.report(Math.min(1, Math.max(0, fraction)), message, false);
  }

  log(level: LogLevel, message: string): void {
    this.track(this.options.onLog?.(level, message), 'log');
  }

  async checkpoint(label = this.latest.step): Promise<void> {
    await this.flush();
    // Let timers and IPC messages (a stop request, a progress write) through during long loops
    // whose awaits would otherwise only ever run microtasks.
    if (Date.now() - this.lastYieldAt >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYieldAt = Date.now();
    }
    this.checkDeadline(label);
    if (await this.control.stopRequested()) throw this.stopped(label);
    if (await this.control.pauseRequested()) await this.holdWhilePaused(label);
  }

  /** Report 100 % once the handler returned its result. */
  async complete(message = 'done'): Promise<void> {
    this.stepIndex = this.steps.length - 1;
    this.report(1, message, true);
    await this.flush();
  }

  /** Wait for the callbacks' promises (progress and log writes) issued so far. */
  async flush(): Promise<void> {
    await this.pending;
  }

  private async holdWhilePaused(label: string): Promise<void> {
    const pausedAt = Date.now();
    this.log('info', `paused before "${label}"; waiting to be resumed`);
    await this.options.onPaused?.(this.latest);
    for (;;) {
      await sleep(this.pollMs);
      if (await this.control.stopRequested()) throw this.stopped(label);
      if (!(await this.control.pauseRequested())) break;
    }
    // The time limit counts running time: a long pause must not turn into a timeout.
    this.deadline += Date.now() - pausedAt;
    this.log('info', `resumed at "${label}" after ${Math.round((Date.now() - pausedAt) / 1000)} s paused`);
    await this.options.onResumed?.(this.latest);
  }

  private stopped(label: string): JobStoppedError {
    const error = new JobStoppedError(label, this.control.stopReason?.());
    this.log('warn', error.message);
    return error;
  }

  private checkDeadline(label: string): void {
    if (Date.now() <= this.deadline) return;
    const error = new JobTimeoutError(`ran longer than its time limit of ${this.timeoutMs} ms; limit hit at "${label}"`);
    this.log('error', `timeout: ${error.detail}`);
    throw error;
  }

  private report(fraction: number, message: string, force: boolean): void {
    const index = Math.max(0, this.stepIndex);
    const done = this.weights.slice(0, index).reduce((a, b) => a + b, 0);
    const percent = Math.round(((done + this.weights[index]! * fraction) / this.totalWeight) * 1000) / 10;
    this.latest = { percent: Math.min(100, percent), step: this.steps[index]!.name, stepIndex: index, stepCount: this.steps.length, message: message.slice(0, 2000) };
    const now = Date.now();
    if (!force && now - this.lastReportAt < this.intervalMs) return;
    this.lastReportAt = now;
    this.track(this.options.onProgress?.(this.latest), 'progress');
  }

  private track(result: unknown, what: string): void {
    // Callbacks may return anything (process.send returns a boolean); only promises are awaited.
    if (!isPromiseLike(result)) return;
    // A failed progress/log write (datastore blip) must not fail the computation; it is reported.
    const guarded = Promise.resolve(result).catch((error: unknown) => {
      console.warn(`job ${this.jobId}: ${what} report failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.pending = Promise.all([this.pending, guarded]).then(() => undefined);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Promise-based delay (used for pause polling and training's explicit epochDelayMs). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
