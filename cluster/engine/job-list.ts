/**
 * Job lists: a JobFilter + sort becomes a job-index query (our states split into stored base
 * states and the running/paused/stuck kinds of active jobs), paged with keyset cursors.
 * `finished`/`-finished` list finished jobs only; `position` lists pending jobs in run order
 * (priority, then FIFO) — with a single type, exactly the order its queue will run them.
 */
import type { JobFilter, JobPage, JobSort, ListJobsQuery } from '../../contract/api.ts';
import type { BaseState, IndexSort, RowFilter, RowQuery } from '../datastore/shared-store.ts';
import type { EngineContext } from './engine-context.ts';
import { decodeCursor, encodeCursor } from './list-cursor.ts';

/** Translate our states into base states and active kinds. */
export function rowFilterOf(filter: Partial<JobFilter>): RowFilter {
  const out: RowFilter = {};
  if (filter.type) out.types = [...filter.type];
  if (filter.user) out.users = [...filter.user];
  if (filter.priority) out.priorities = [...filter.priority];
  if (filter.q) out.q = filter.q.toLowerCase();
  if (filter.createdAfter) out.createdAfter = Date.parse(filter.createdAfter);
  if (filter.createdBefore) out.createdBefore = Date.parse(filter.createdBefore);
  if (filter.finishedBefore) out.finishedBefore = Date.parse(filter.finishedBefore);
  if (filter.state) {
    const bases = new Set<BaseState>();
    const kinds = new Set<'running' | 'paused' | 'stuck'>();
    for (const s of filter.state) {
      if (s === 'running' || s === 'paused' || s === 'stuck') {
        bases.add('active');
        kinds.add(s);
      } else bases.add(s);
    }
    out.bases = [...bases];
    if (bases.has('active')) out.activeKinds = [...kinds];
  }
  return out;
}

export function indexSortOf(sort: JobSort): { sort: IndexSort; desc: boolean } {
  switch (sort) {
    case 'created':
      return { sort: 'created', desc: false };
    case '-created':
      return { sort: 'created', desc: true };
    case 'finished':
      return { sort: 'finished', desc: false };
    case '-finished':
      return { sort: 'finished', desc: true };
    case 'position':
      return { sort: 'position', desc: false };
    case 'priority':
      return { sort: 'priority', desc: false };
  }
}

export function rowQueryOf(ctx: EngineContext, query: Pick<ListJobsQuery, 'sort' | 'cursor' | 'limit'> & Partial<JobFilter>): RowQuery {
  const { sort, desc } = indexSortOf(query.sort);
  return {
    filter: rowFilterOf(query),
    sort,
    desc,
    after: query.cursor ? decodeCursor(query.sort, query.cursor) : undefined,
    limit: query.limit,
    stuckBefore: Date.now() - ctx.settings.stuckAfterMs,
  };
}

export async function listJobs(ctx: EngineContext, query: ListJobsQuery): Promise<JobPage> {
  const page = await ctx.store.listRows(rowQueryOf(ctx, query));
  return {
    items: await ctx.presentAll(page.rows, page.positions),
    nextCursor: page.next ? encodeCursor(query.sort, page.next) : null,
  };
}
