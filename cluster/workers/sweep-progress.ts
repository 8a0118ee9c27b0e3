/**
 * A sweep waiting for its child backtests shows their progress: each time a child ends, the node
 * that ran it writes the parent's progress ("4/6 child backtests done, 1 failed") into the
 * parent's "Run backtests" step, weighted like the sweep handler's steps.
 */
import type { JobType } from '../../contract/domain.ts';
import type { BullJobEngine } from '../engine/bull-job-engine.ts';
import { typeFromId } from '../engine/engine-context.ts';
import type { ProgressReport } from '../engine/job-engine.ts';
import { parentIdOf } from '../engine/job-record.ts';
import { JOB_HANDLERS } from '../jobs/job-handlers.ts';

const WAITING = new Set(['waiting-children', 'waiting', 'wait', 'prioritized', 'delayed']);

/** Update the parent of a finished child from the parent's dependency counts. */
export async function updateSweepProgress(engine: BullJobEngine, parentKey: string): Promise<void> {
  const parentId = parentIdOf(parentKey);
  const type: JobType | null = parentId ? typeFromId(parentId) : null;
  if (!parentId || type !== 'sweep') return;
  const parent = await engine.queue(type).getJob(parentId);
  // Once it runs, the sweep reports its own progress.
  if (!parent || !WAITING.has(await parent.getState())) return;
  const counts = await parent.getDependenciesCount();
  const processed = counts.processed ?? 0;
  const failed = (counts.failed ?? 0) + (counts.ignored ?? 0);
  const total = processed + failed + (counts.unprocessed ?? 0);
  if (total === 0) return;
  const steps = JOB_HANDLERS.sweep.steps;
  const weights = steps.map((s) => s.weight ?? 1);
  const all = weights.reduce((a, b) => a + b, 0);
  const fraction = (processed + failed) / total;
  const percent = Math.round(((weights[0]! + weights[1]! * fraction) / all) * 1000) / 10;
  const report: ProgressReport = {
    percent,
    step: steps[1]!.name,
    stepIndex: 1,
    stepCount: steps.length,
    message: `${processed + failed}/${total} child backtests done${failed > 0 ? `, ${failed} failed` : ''}`,
    at: new Date().toISOString(),
    steps: steps.map((s) => s.name),
  };
  await parent.updateProgress(report);
}
