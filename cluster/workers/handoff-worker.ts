/**
 * A BullMQ Worker that hands a job back to waiting when its node stops, keeping its attempts (not
 * a failure): a job delivered after the node began to stop is given back unrun, and one whose
 * processor the node ended to hand it back is moved to waiting instead of failed.
 *
 * BullMQ's Worker runs every job, sandboxed or not, through its protected `callProcessJob`, the
 * hook it leaves subclasses around the processor; this class overrides it. A BullMQ without it
 * fails type-check (the `override` modifier), and handoff-worker.redis.test.ts checks that a real
 * Worker still sends its jobs through it.
 */
import { type BackendClasses, type IQueueBackend, type Job as BullJob, WaitingError } from 'bullmq';

export interface HandoffPolicy {
  /** Who hands the job back (for the words BullMQ keeps). */
  readonly nodeId: string;
  /** True once the node began to stop: a job still delivered is given back unrun. */
  stopping(): boolean;
  /** True, once, for a job whose processor was ended so that it goes back to waiting. */
  takeHandoff(jobId: string): boolean;
}

/** The Worker class of a datastore's BullMQ classes, its workers handing jobs back as `policy` says. */
export function handoffWorkerClass<B extends IQueueBackend, C>(Base: BackendClasses<B, C>['Worker'], policy: HandoffPolicy): BackendClasses<B, C>['Worker'] {
  class HandoffWorker extends Base {
    protected override async callProcessJob(job: BullJob, token: string, signal?: AbortSignal): Promise<unknown> {
      // A fetch already in flight when the node began to stop may still deliver a job: give it back unrun.
      if (policy.stopping()) throw await handBack(job, token, policy);
      try {
        return await super.callProcessJob(job, token, signal);
      } catch (error) {
        if (job.id && policy.takeHandoff(job.id)) throw await handBack(job, token, policy);
        throw error;
      }
    }
  }
  // Same constructor as the base: typed as BullMQ's generic one (a class expression's type would
  // spell out BullMQ's protected members, which an exported type may not).
  return HandoffWorker as BackendClasses<B, C>['Worker'];
}

/** Moves the job back to waiting; BullMQ leaves a job alone after a WaitingError (it was moved). */
async function handBack(job: BullJob, token: string, policy: HandoffPolicy): Promise<WaitingError> {
  await job.moveToWait(token);
  return new WaitingError(`handed back to waiting: worker node ${policy.nodeId} is shutting down`);
}
