/**
 * What a worker node answers when a job's child asks about other jobs (report jobs): finished job
 * records in a time range and one job's record with its result. Read through the engine, so the
 * answers are what the admin API shows.
 */
import { ListJobsQuery } from '../../contract/api.ts';
import type { Job } from '../../contract/jobs.ts';
import type { JobEngine } from '../engine/job-engine.ts';
import type { ResolveHandler } from './sandbox-children.ts';

/** At most this many records go into one report. */
export const MAX_REPORT_JOBS = 20_000;

function isoArg(value: unknown, name: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new Error(`${name}: an ISO date`);
  return new Date(Date.parse(value)).toISOString();
}

/** Finished jobs (completed, failed, cancelled) with finishedAt in [since, until), newest first. */
export async function finishedJobs(engine: JobEngine, since: string, until: string): Promise<Job[]> {
  const out: Job[] = [];
  const from = Date.parse(since);
  let cursor: string | undefined;
  for (;;) {
    const page = await engine.listJobs(
      ListJobsQuery.parse({ state: ['completed', 'failed', 'cancelled'], sort: '-finished', finishedBefore: until, limit: 500, ...(cursor ? { cursor } : {}) }),
    );
    for (const job of page.items) {
      if (job.finishedAt === null || Date.parse(job.finishedAt) < from) return out;
      out.push(job);
      if (out.length >= MAX_REPORT_JOBS) return out;
    }
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

/** The resolve handler of a node over its engine. */
export function engineResolvers(engine: JobEngine): ResolveHandler {
  return async (kind, args) => {
    switch (kind) {
      case 'finishedJobs':
        return finishedJobs(engine, isoArg(args[0], 'since'), isoArg(args[1], 'until'));
      case 'jobResult': {
        const id = args[0];
        if (typeof id !== 'string') throw new Error('jobResult: a job id');
        const detail = await engine.getJob(id).catch((error: unknown) => {
          throw new Error(`job ${id}: ${(error as Error).message}`);
        });
        return { job: detail, result: detail.result };
      }
      default:
        throw new Error(`this node does not answer '${String(kind)}'`);
    }
  };
}
