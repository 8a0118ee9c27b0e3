/**
 * The node's side of its sandboxed children: which child process runs which job, a control and
 * request channel to it, and force stop.
 *
 * BullMQ's sandbox keeps a pool of child processes per Worker but does not say which child runs a
 * job. Two small hooks on a sandboxed Worker fill that gap (checked at start, so a BullMQ upgrade
 * that moves them fails loudly instead of silently losing control):
 * - the Worker's child pool `retain()` is wrapped to listen to each new child's messages — a child
 *   says `hello {jobId, pid}` when it starts a job, and may ask `resolve` questions;
 * - the Worker's processor function is wrapped so that a job whose child we killed on purpose
 *   (force stop) fails as `cancelled: force stopped …` without retries, instead of BullMQ's
 *   "Unexpected exit code" (which would be retried as a crash).
 */
import type { Child, Worker } from 'bullmq';
import { CANCELLED_PREFIX } from '../engine/job-record.ts';
import { ChildHello, ChildLog, ChildResolve, PARENT_CONTROL, PARENT_RESOLVED, type ResolverKind } from './child-protocol.ts';

/** What the node answers to a child's `resolve` question. */
export type ResolveHandler = (kind: ResolverKind, args: unknown[], jobId: string) => Promise<unknown>;

/** Appends one line to a job's log. */
export type LogAppender = (jobId: string, line: string) => Promise<unknown>;

export interface ControlState {
  stop: boolean;
  pause: boolean;
  reason?: string;
}

interface PoolLike {
  retain(processFile: string): Promise<Child>;
}

interface HookableWorker {
  childPool?: PoolLike;
  processFn?: (job: { id?: string }, token?: string, signal?: AbortSignal) => Promise<unknown>;
}

/** Children of one node, across its Workers. */
export class SandboxChildren {
  private readonly byJob = new Map<string, Child>();
  private readonly controls = new Map<string, ControlState>();
  private readonly forced = new Map<string, { reason: string; at: number }>();
  private readonly hooked = new WeakSet<Child>();
  private readonly logChains = new Map<string, Promise<void>>();

  constructor(
    private readonly resolve: ResolveHandler,
    private readonly appendLog: LogAppender,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Install the hooks on a sandboxed Worker (right after constructing it). */
  attach(worker: Worker): void {
    const w = worker as unknown as HookableWorker;
    const pool = w.childPool;
    const processFn = w.processFn;
    if (!pool || typeof pool.retain !== 'function' || typeof processFn !== 'function') {
      throw new Error('this BullMQ version has no sandbox child pool / processor hooks: running-job control cannot work; use the BullMQ version in package.json');
    }
    const retain = pool.retain.bind(pool);
    pool.retain = async (processFile: string) => {
      const child = await retain(processFile);
      this.hook(child);
      return child;
    };
    w.processFn = async (job, token, signal) => {
      try {
        return await processFn.call(worker, job, token, signal);
      } catch (error) {
        const forced = job.id ? this.forced.get(job.id) : undefined;
        if (forced) {
          const e = new Error(`${CANCELLED_PREFIX} force stopped ${forced.reason}`.trim());
          e.name = 'UnrecoverableError';
          throw e;
        }
        throw error;
      } finally {
        if (job.id) this.forget(job.id);
      }
    };
  }

  /** The control state a job should act on (stop/pause); sent at once when its child is known. */
  setControl(jobId: string, state: ControlState): void {
    this.controls.set(jobId, state);
    const child = this.byJob.get(jobId);
    if (child) this.sendControl(child, jobId, state);
  }

  controlOf(jobId: string): ControlState | undefined {
    return this.controls.get(jobId);
  }

  /**
   * Kill the child running the job (SIGKILL): it ends `cancelled` with "force stopped <reason>".
   * When its child has not said hello yet, it is killed as soon as it does. Returns the time the
   * kill signal was sent, or null when it is still to come.
   */
  forceStop(jobId: string, reason: string): number | null {
    this.forced.set(jobId, { reason, at: Date.now() });
    const child = this.byJob.get(jobId);
    if (!child) return null;
    return this.kill(child, jobId);
  }

  /** The pid of the child running a job, if known. */
  pidOf(jobId: string): number | null {
    const child = this.byJob.get(jobId);
    return child?.childProcess?.pid ?? (child?.worker ? process.pid : null);
  }

  private kill(child: Child, jobId: string): number {
    try {
      // A child process (Node) or a worker thread (inside Electron, see worker-runtime.ts).
      if (child.childProcess) child.childProcess.kill('SIGKILL');
      else void child.worker?.terminate();
    } catch (error) {
      this.onError(new Error(`force stop of ${jobId}: ${(error as Error).message}`));
    }
    return Date.now();
  }

  private forget(jobId: string): void {
    this.byJob.delete(jobId);
    this.controls.delete(jobId);
    this.forced.delete(jobId);
  }

  private hook(child: Child): void {
    if (this.hooked.has(child)) return;
    this.hooked.add(child);
    child.on('message', (raw: unknown) => {
      const hello = ChildHello.safeParse(raw);
      if (hello.success) {
        const { jobId } = hello.data;
        this.byJob.set(jobId, child);
        if (this.forced.has(jobId)) this.kill(child, jobId);
        else {
          const state = this.controls.get(jobId);
          if (state) this.sendControl(child, jobId, state);
        }
        return;
      }
      const log = ChildLog.safeParse(raw);
      if (log.success) {
        this.log(log.data.jobId, log.data.line);
        return;
      }
      const request = ChildResolve.safeParse(raw);
      if (request.success) void this.answer(child, request.data);
    });
    child.on('exit', () => {
      for (const [jobId, c] of this.byJob) if (c === child) this.byJob.delete(jobId);
    });
  }

  /** Appends in arrival order, one at a time per job; a failed append is reported, never fails the job. */
  private log(jobId: string, line: string): void {
    const previous = this.logChains.get(jobId) ?? Promise.resolve();
    const next = previous
      .then(() => this.appendLog(jobId, line))
      .then(
        () => undefined,
        (error: unknown) => this.onError(new Error(`log of ${jobId}: ${(error as Error).message}`)),
      );
    this.logChains.set(jobId, next);
    void next.then(() => {
      if (this.logChains.get(jobId) === next) this.logChains.delete(jobId);
    });
  }

  private async answer(child: Child, request: ChildResolve): Promise<void> {
    let reply: Record<string, unknown>;
    try {
      const value = request.kind === 'flushLogs' ? await this.logChains.get(request.jobId) : await this.resolve(request.kind, request.args, request.jobId);
      reply = { cmd: PARENT_RESOLVED, requestId: request.requestId, ok: true, value };
    } catch (error) {
      reply = { cmd: PARENT_RESOLVED, requestId: request.requestId, ok: false, error: (error as Error).message };
    }
    await child.send(reply).catch(() => undefined); // the child may have gone meanwhile
  }

  private sendControl(child: Child, jobId: string, state: ControlState): void {
    child.send({ cmd: PARENT_CONTROL, jobId, stop: state.stop, pause: state.pause, ...(state.reason ? { reason: state.reason } : {}) }).catch((error: unknown) => {
      this.onError(new Error(`control of ${jobId}: ${(error as Error).message}`));
    });
  }
}
