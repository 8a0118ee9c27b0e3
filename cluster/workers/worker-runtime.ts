/**
 * The worker runtime of one node: a BullMQ Worker per queue with the sandboxed processor
 * (processor.ts, one child process per concurrent job), the control channel for running jobs, the
 * worker-registry heartbeat, per-queue concurrency that follows the cluster's setting at run time,
 * and the sweep parents' progress while their children run.
 *
 * ```ts
 * const runtime = await startWorkerRuntime({ datastore, engine, workDir });
 * // … later
 * await runtime.stop();
 * ```
 *
 * Stalled jobs: a node that dies (SIGKILL, power loss) stops renewing its jobs' locks; after
 * `lockDurationMs` another node's stalled check (every `stalledIntervalMs`) moves them back to
 * waiting (once, BullMQ's maxStalledCount 1) or fails them after a second stall — so no job stays
 * running forever. A clean stop hands its running jobs back to waiting at once instead.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job as BullJob, Worker } from 'bullmq';
import { JOB_TYPES, type JobType } from '../../contract/domain.ts';
import type { Datastore } from '../datastore/open-datastore.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { queueSettingKey, typeFromId } from '../engine/engine-context.ts';
import { jobDataOf, progressReportOf } from '../engine/job-record.ts';
import { CHILD_ENV } from './child-protocol.ts';
import { ControlChannel, type ControlRequest } from './control-channel.ts';
import { handoffWorkerClass } from './handoff-worker.ts';
import { engineResolvers } from './node-resolvers.ts';
import { lifelineExecArgv } from './sandbox-lifeline.ts';
import { SandboxChildren, type ControlState } from './sandbox-children.ts';
import { updateSweepProgress } from './sweep-progress.ts';
import { WorkerRegistry } from './worker-registry.ts';

export interface WorkerRuntimeOptions {
  datastore: Datastore;
  engine: BullJobEngine;
  /** Queues served by this node (default: all six). */
  queues?: readonly JobType[];
  /** Concurrency per queue while the cluster has none set (default: the engine's default). */
  concurrency?: number | null;
  /** Market data in `<workDir>/market`, job outputs in `<workDir>/outputs/<jobId>`. */
  workDir: string;
  nodeId?: string;
  /** Job lock duration; a dead node's jobs are recovered this long after it stopped renewing. */
  lockDurationMs?: number;
  /** How often this node checks for stalled jobs (of any node). */
  stalledIntervalMs?: number;
  /** Safety-net poll of running jobs' control requests and queues' concurrency. */
  pollMs?: number;
  heartbeatMs?: number;
  /** Minimum time between a job's progress reports within a step. */
  progressIntervalMs?: number;
  maxMatrixBytes?: number;
  onError?: (error: unknown) => void;
}

export interface WorkerRuntime {
  readonly nodeId: string;
  readonly queues: readonly JobType[];
  /** Current local concurrency of each queue. */
  concurrency(): Partial<Record<JobType, number>>;
  /** Ids of the jobs this node is running now. */
  running(): string[];
  /** Stop taking jobs, give running ones `graceMs` to finish, hand the rest back to waiting. */
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_LOCK_DURATION_MS = 20_000;
export const DEFAULT_STALLED_INTERVAL_MS = 10_000;

/** The processor file: the built `job-processor.js` next to the bundle, else the TypeScript source (run under tsx). */
export function processorFile(): { file: string; execArgv: string[] } {
  // path.join, not `new URL('./…', import.meta.url)`: Vite rewrites that pattern into an asset
  // reference when it bundles this file, which breaks the lookup in the built cluster.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, 'job-processor.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  // Resolve tsx from here, not from the working folder: nodes are often started elsewhere (the
  // desktop starts its cluster in the app's data folder), where a bare 'tsx' is not found.
  return { file: path.join(here, 'processor.ts'), execArgv: ['--import', import.meta.resolve('tsx')] };
}

interface RunningJob {
  type: JobType;
  usage?: { cpuPercent: number; rssBytes: number };
}

export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const runtime = new Runtime(options);
  await runtime.start();
  return runtime;
}

class Runtime implements WorkerRuntime {
  readonly nodeId: string;
  readonly queues: readonly JobType[];
  private readonly workers = new Map<JobType, Worker>();
  private readonly active = new Map<string, RunningJob>();
  private readonly handoff = new Set<string>();
  /** Types of recently ended jobs (log lines may still be on their way). */
  private readonly recentTypes = new Map<string, JobType>();
  private readonly children: SandboxChildren;
  private readonly channel: ControlChannel;
  private readonly registry: WorkerRegistry;
  private readonly onError: (error: unknown) => void;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly options: WorkerRuntimeOptions) {
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
    this.queues = options.queues && options.queues.length > 0 ? [...new Set(options.queues)] : [...JOB_TYPES];
    this.onError = options.onError ?? ((e) => process.stderr.write(`sigmatiq worker: ${e instanceof Error ? e.message : String(e)}\n`));
    this.children = new SandboxChildren(engineResolvers(options.engine), (jobId, line) => this.appendLog(jobId, line), this.onError);
    this.channel = new ControlChannel({
      datastore: options.datastore,
      queues: this.queues,
      onControl: (r) => this.control(r),
      onQueueChanged: (type) => void this.syncConcurrency(type).catch(this.onError),
      onError: this.onError,
    });
    this.registry = new WorkerRegistry(
      this.nodeId,
      options.datastore.store,
      () => ({
        queues: [...this.queues],
        concurrency: this.concurrency(),
        runningJobs: this.running(),
        children: [...this.active.values()].flatMap((r) => (r.usage ? [r.usage] : [])),
      }),
      this.onError,
      options.heartbeatMs,
      options.datastore.availability,
    );
  }

  private async appendLog(jobId: string, line: string): Promise<void> {
    const type = this.active.get(jobId)?.type ?? this.recentTypes.get(jobId) ?? typeFromId(jobId);
    if (!type) throw new Error('unknown job type');
    await this.options.engine.queue(type).addJobLog(jobId, line);
  }

  concurrency(): Partial<Record<JobType, number>> {
    return Object.fromEntries([...this.workers].map(([type, w]) => [type, w.concurrency]));
  }

  running(): string[] {
    return [...this.active.keys()];
  }

  async start(): Promise<void> {
    const { datastore, workDir } = this.options;
    const outputs = path.join(workDir, 'outputs');
    mkdirSync(outputs, { recursive: true });
    const { file, execArgv } = processorFile();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [CHILD_ENV.dataDir]: workDir,
      [CHILD_ENV.outputsDir]: outputs,
      ...(this.options.maxMatrixBytes ? { [CHILD_ENV.maxMatrixBytes]: String(this.options.maxMatrixBytes) } : {}),
      ...(this.options.progressIntervalMs !== undefined ? { [CHILD_ENV.progressIntervalMs]: String(this.options.progressIntervalMs) } : {}),
      // BullMQ's child waits only 500 ms for answers (flow children's results) under NODE_ENV=test.
      NODE_ENV: process.env.NODE_ENV === 'test' ? 'development' : process.env.NODE_ENV,
    };
    await this.channel.start();
    const HandoffWorker = handoffWorkerClass(datastore.bullmq.classes.Worker, {
      nodeId: this.nodeId,
      stopping: () => this.stopping,
      takeHandoff: (jobId) => this.handoff.delete(jobId),
    });
    for (const type of this.queues) {
      const worker = new HandoffWorker(type, file, {
        ...datastore.bullmq.options(),
        name: this.nodeId,
        concurrency: await this.desiredConcurrency(type),
        lockDuration: this.options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
        stalledInterval: this.options.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS,
        maxStalledCount: 1,
        // Inside Electron (the desktop's utilityProcess) forking would start another Electron, and
        // the RunAsNode fuse is off: run processors in worker threads there. Elsewhere child
        // processes isolate memory and report their own CPU and RSS; the lifeline ends a child
        // whose node is gone (sandbox-lifeline.ts).
        ...(process.versions.electron || process.env.SIGMATIQ_WORKER_THREADS === '1'
          ? { useWorkerThreads: true, workerThreadsOptions: { execArgv, env } }
          : { workerForkOptions: { execArgv: [...lifelineExecArgv(), ...execArgv], env } }),
      }) as unknown as Worker; // BullMQ's Worker on the datastore's backend, typed as the default one like the node's other parts
      this.children.attach(worker);
      worker.on('error', (e: unknown) => this.onError(e));
      worker.on('active', (job: BullJob) => {
        if (job.id) this.active.set(job.id, { type });
      });
      worker.on('progress', (job: BullJob, progress: unknown) => {
        const report = progressReportOf(progress);
        const entry = job.id ? this.active.get(job.id) : undefined;
        if (entry && report?.cpuPercent !== undefined && report.rssBytes !== undefined) entry.usage = { cpuPercent: report.cpuPercent, rssBytes: report.rssBytes };
      });
      const ended = (job: BullJob | undefined) => {
        if (!job?.id) return;
        this.active.delete(job.id);
        this.recentTypes.set(job.id, type);
        if (this.recentTypes.size > 1000) this.recentTypes.delete(this.recentTypes.keys().next().value!);
        if (job.parentKey) void updateSweepProgress(this.options.engine, job.parentKey).catch(this.onError);
      };
      worker.on('completed', (job: BullJob) => ended(job));
      worker.on('failed', (job: BullJob | undefined) => ended(job));
      this.workers.set(type, worker);
    }
    await Promise.all([...this.workers.values()].map((w) => w.waitUntilReady()));
    await this.registry.start();
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollMs ?? 3_000);
    this.pollTimer.unref();
  }

  private control(request: ControlRequest): void {
    if (!this.active.has(request.jobId)) return; // another node holds it
    const current = this.children.controlOf(request.jobId) ?? { stop: false, pause: false };
    const reason = request.reason || undefined;
    switch (request.command) {
      case 'stop':
        this.children.setControl(request.jobId, { ...current, stop: true, reason });
        break;
      case 'pause':
        this.children.setControl(request.jobId, { ...current, pause: true, reason: current.reason });
        break;
      case 'resume':
        this.children.setControl(request.jobId, { ...current, pause: false });
        break;
      case 'force-stop':
        this.children.forceStop(request.jobId, request.reason);
        break;
    }
  }

  /** Safety net: control requests stored in job data, and the queues' desired concurrency. */
  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const [id, entry] of this.active) {
        const job = await this.options.engine.queue(entry.type).getJob(id);
        const control = jobDataOf(job?.data).control;
        if (!control) continue;
        const want: ControlState = { stop: control.stopRequested === true, pause: control.pauseRequested === true, reason: control.reason };
        const have = this.children.controlOf(id) ?? { stop: false, pause: false };
        if (want.stop !== have.stop || want.pause !== have.pause) this.children.setControl(id, { ...want, stop: want.stop || have.stop });
      }
      for (const type of this.queues) await this.syncConcurrency(type);
    } catch (error) {
      this.onError(error);
    } finally {
      this.polling = false;
    }
  }

  private async desiredConcurrency(type: JobType): Promise<number> {
    const setting = await this.options.datastore.store.getSetting<{ concurrency?: number }>(queueSettingKey(type));
    const n = setting?.concurrency ?? this.options.concurrency ?? this.options.engine.settings.defaultConcurrency;
    return Math.max(1, Math.min(1000, Math.floor(n)));
  }

  private async syncConcurrency(type: JobType): Promise<void> {
    const worker = this.workers.get(type);
    if (!worker || this.stopped) return;
    const want = await this.desiredConcurrency(type);
    if (worker.concurrency !== want) {
      worker.concurrency = want;
      await this.registry.beat().catch(this.onError);
    }
  }

  stop(graceMs = 5_000): Promise<void> {
    return (this.stopped ??= this.shutdown(graceMs));
  }

  private async shutdown(graceMs: number): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.stopping = true;
    const workers = [...this.workers.values()];
    await Promise.all(workers.map((w) => w.pause(true).catch(this.onError)));
    const deadline = Date.now() + graceMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // What is still running goes back to waiting for another node (or this one after a restart).
    for (const id of this.active.keys()) {
      this.handoff.add(id);
      this.children.forceStop(id, '');
    }
    const drained = Date.now() + 5_000;
    while (this.active.size > 0 && Date.now() < drained) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(workers.map((w) => w.close(true).catch(this.onError)));
    await this.channel.close();
    await this.registry.stop();
  }
}
