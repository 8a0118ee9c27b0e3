/**
 * The registry of job handlers: one per job type, each with its declared steps. The worker
 * runtime looks a handler up by the queue's type and runs it with `runJobHandler`.
 */
import type { JobType } from '../../contract/domain.ts';
import { backtestHandler } from './backtest/backtest-handler.ts';
import type { JobHandler } from './job-handler.ts';
import { matrixBuildHandler } from './matrix/matrix-build-handler.ts';
import { reportHandler } from './report/report-handler.ts';
import { signalHandler } from './signal/signal-handler.ts';
import { sweepHandler } from './sweep/sweep-handler.ts';
import { trainingHandler } from './training/training-handler.ts';

/** Every job type's handler. */
export const JOB_HANDLERS: { readonly [T in JobType]: JobHandler<T> } = {
  backtest: backtestHandler,
  training: trainingHandler,
  sweep: sweepHandler,
  'matrix-build': matrixBuildHandler,
  signal: signalHandler,
  report: reportHandler,
};

/** The step names of a type, in order (for the job detail view before the job reports). */
export function handlerSteps(type: JobType): string[] {
  return JOB_HANDLERS[type].steps.map((s) => s.name);
}
