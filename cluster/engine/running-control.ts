/**
 * Is running-job control (stop, force-stop, pause, resume) served on this cluster?
 *
 * Requests travel as `sigmatiq.control` events in the job's queue event stream (job-actions.ts);
 * the worker node that holds the job acts on them (cluster/workers/control-channel.ts). Every worker
 * node of this build serves them and registers itself in the worker registry with a heartbeat, so an
 * API node knows control is available when the engine was created with `runningJobControl` (a node
 * that runs workers itself) or when the registry has at least one online worker node. A job held
 * by a node that has since been lost is recovered by BullMQ's stalled-job check; force stop of such
 * a job is still accepted and honoured by whichever node picks it up (the request is kept in
 * `job.data.control`).
 */
import { listWorkers } from './worker-nodes.ts';
import type { EngineContext } from './engine-context.ts';

let cache: { ctx: EngineContext; at: number; value: boolean } | null = null;

/** True when some worker node serves running-job control (registry read at most once a second). */
export async function runningControlAvailable(ctx: EngineContext): Promise<boolean> {
  if (ctx.settings.runningJobControl) return true;
  const now = Date.now();
  if (cache && cache.ctx === ctx && now - cache.at < 1000) return cache.value;
  const workers = await listWorkers(ctx.store);
  const value = workers.some((w) => w.status === 'online');
  cache = { ctx, at: now, value };
  return value;
}
