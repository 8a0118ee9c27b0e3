/**
 * Queue actions: pause, resume, and the queue's concurrency. Each is announced in the queue's
 * event stream so every node (the desktop's live view, worker nodes sizing their workers) sees it.
 */
import type { QueueActionBody } from '../../contract/api.ts';
import type { JobType } from '../../contract/domain.ts';
import type { QueueMetrics } from '../../contract/metrics.ts';
import type { z } from 'zod';
import { listQueueMetrics } from './cluster-summary.ts';
import { type EngineContext, queueSettingKey } from './engine-context.ts';
import { CUSTOM_EVENTS } from './event-recorder.ts';
import { EngineError } from './job-engine.ts';

export type QueueAction = 'pause' | 'resume' | 'set-concurrency';

/** Acts on a queue; the body is parsed (the route's QueueActionBody). Answers the queue's metrics after. */
export async function queueAction(ctx: EngineContext, type: JobType, action: QueueAction, body: z.infer<typeof QueueActionBody>): Promise<QueueMetrics> {
  const queue = ctx.queue(type);
  if (action === 'pause' || action === 'resume') {
    if (action === 'pause') await queue.pause();
    else await queue.resume();
    await ctx.publish(type, { event: CUSTOM_EVENTS.queueChanged });
  } else {
    // The body's concurrency is optional (pause and resume take none): set-concurrency needs one.
    const { concurrency } = body;
    if (concurrency === undefined) {
      throw new EngineError('validation_failed', 'concurrency: set-concurrency needs a concurrency from 1 to 1000', [{ path: 'concurrency', message: 'a whole number from 1 to 1000' }]);
    }
    await ctx.store.putSetting(queueSettingKey(type), { concurrency });
    // BullMQ enforces it across every worker node; worker nodes also size their local workers from the setting.
    await queue.setGlobalConcurrency(concurrency);
    await ctx.publish(type, { event: CUSTOM_EVENTS.queueChanged, concurrency });
  }
  const all = await listQueueMetrics(ctx);
  return all.find((q) => q.type === type)!;
}
