/**
 * The shape of a job handler and the one function the worker runtime calls to run one:
 * `runJobHandler` parses the config with the type's zod schema, builds the context, runs the
 * handler and checks its result against the JobResult schema.
 */
import { JOB_CONFIG_SCHEMAS, type JobConfigOf } from '../../contract/job-configs.ts';
import type { JobType } from '../../contract/domain.ts';
import { JobResult } from '../../contract/jobs.ts';
import { z } from 'zod';
import { createLocalJobContext, type JobContext, type LocalJobContextOptions, type StepSpec } from './job-context.ts';
import { BadInputError } from './job-errors.ts';

/** A job type's computation: declared steps and a run function over a JobContext. */
export interface JobHandler<T extends JobType = JobType> {
  readonly type: T;
  /** The steps the handler goes through, in order (the job detail view lists them). */
  readonly steps: readonly StepSpec[];
  run(ctx: JobContext<JobConfigOf<T>>): Promise<JobResult>;
}

/** Everything `runJobHandler` needs besides the handler: the raw config and the context options. */
export type RunJobOptions = Omit<LocalJobContextOptions<unknown>, 'config' | 'steps' | 'type'> & { config: unknown };

/**
 * Run `handler` for one job. Throws BadInputError (config), JobStoppedError (graceful stop),
 * JobTimeoutError ("timeout") or the handler's own JobError; resolves with a schema-checked result.
 */
export async function runJobHandler<T extends JobType>(handler: JobHandler<T>, options: RunJobOptions): Promise<JobResult> {
  const parsed = JOB_CONFIG_SCHEMAS[handler.type].safeParse(options.config ?? {});
  if (!parsed.success) throw new BadInputError(`invalid ${handler.type} config:\n${z.prettifyError(parsed.error)}`);
  const ctx = createLocalJobContext({ ...options, type: handler.type, steps: handler.steps, config: parsed.data as JobConfigOf<T> });
  const result = await handler.run(ctx);
  await ctx.complete();
  return JobResult.parse(result);
}
