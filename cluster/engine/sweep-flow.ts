/**
 * Sweeps as BullMQ flows: a submitted sweep becomes a parent `sweep` job with one child `backtest`
 * job per valid parameter set (cluster/jobs/sweep/sweep-grid.ts). BullMQ runs the children first
 * (in the backtest queue, with the sweep's priority) and the parent once they are all done; the
 * parent's handler then ranks the children's results.
 *
 * Children carry `ignoreDependencyOnFailure`, so a child that fails (e.g. a parameter set with no
 * trades is fine, but an unknown symbol is not) does not block the parent: the sweep ranks what
 * completed and lists the failures. Child ids are `backtest-<sweepId>-<index>`, so the sweep's
 * processor finds each child's config by index from the same grid expansion.
 */
import type { Job as BullJob } from 'bullmq';
import { BULLMQ_PRIORITY } from '../../contract/domain.ts';
import type { SweepConfig } from '../../contract/job-configs.ts';
import { expandSweepGrid } from '../jobs/sweep/sweep-grid.ts';
import type { EngineContext } from './engine-context.ts';
import { EngineError, type JobData } from './job-engine.ts';

/** The job id of a sweep's child number `index`. */
export function sweepChildId(sweepId: string, index: number): string {
  return `backtest-${sweepId}-${index}`;
}

/** The index of a child of `sweepId` from its id (or a BullMQ job key ending in it), else null. */
export function sweepChildIndex(sweepId: string, childIdOrKey: string): number | null {
  const id = childIdOrKey.split(':').at(-1) ?? '';
  const prefix = `backtest-${sweepId}-`;
  if (!id.startsWith(prefix)) return null;
  const n = Number(id.slice(prefix.length));
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** Grid errors (no valid parameter set) at submission, as field errors. */
export function checkSweepGrid(config: SweepConfig): void {
  try {
    expandSweepGrid(config);
  } catch (error) {
    const message = (error as Error).message;
    throw new EngineError('validation_failed', `config.grid: ${message}`, [{ path: 'config.grid', message }]);
  }
}

export interface SweepFlowInput {
  id: string;
  data: JobData;
  attempts: number;
  delay: number;
}

/** Adds the sweep and its children as one flow; returns the parent job. */
export async function addSweepFlow(ctx: EngineContext, input: SweepFlowInput): Promise<BullJob> {
  const config = input.data.config as SweepConfig;
  const grid = expandSweepGrid(config);
  const priority = BULLMQ_PRIORITY[input.data.priority];
  const { FlowProducer } = ctx.datastore.bullmq.classes;
  const producer = new FlowProducer({ ...ctx.datastore.bullmq.producerOptions() });
  try {
    const node = await producer.add({
      name: 'sweep',
      queueName: 'sweep',
      data: input.data,
      opts: { jobId: input.id, priority, attempts: input.attempts, ...(input.delay > 0 ? { delay: input.delay } : {}) },
      children: grid.children.map((child, index) => {
        const data: JobData = { user: input.data.user, priority: input.data.priority, config: child.config as unknown as Record<string, unknown> };
        if (input.data.timeoutMs) data.timeoutMs = input.data.timeoutMs;
        return {
          name: 'backtest',
          queueName: 'backtest',
          data,
          opts: { jobId: sweepChildId(input.id, index), priority, attempts: input.attempts, ignoreDependencyOnFailure: true, ...(input.delay > 0 ? { delay: input.delay } : {}) },
        };
      }),
    });
    return node.job as unknown as BullJob;
  } finally {
    await producer.close().catch(() => undefined);
  }
}
