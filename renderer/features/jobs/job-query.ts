/** Turns the Jobs view's filter state into the contract's JobFilter (dates as local-day bounds). */
import type { JobQuery } from '../../../contract/admin-api.ts';
import type { JobFilter, JobSort } from '../../../contract/api.ts';
import type { ClusterScope, JobFilterState } from '../../store/ui-store.ts';

/** The JobFilter for the current filter state; empty fields are left out. */
export function toJobFilter(f: JobFilterState): JobFilter {
  const users = f.users
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const filter: JobFilter = {};
  if (f.states.length) filter.state = [...f.states];
  if (f.types.length) filter.type = [...f.types];
  if (f.priorities.length) filter.priority = [...f.priorities];
  if (users.length) filter.user = users;
  if (f.q.trim()) filter.q = f.q.trim().slice(0, 200);
  if (f.createdFrom) filter.createdAfter = new Date(`${f.createdFrom}T00:00:00`).toISOString();
  if (f.createdTo) filter.createdBefore = new Date(new Date(`${f.createdTo}T00:00:00`).getTime() + 86_400_000).toISOString();
  return filter;
}

/** Whether any filter is set. */
export function hasFilter(f: JobFilterState): boolean {
  return Object.keys(toJobFilter(f)).length > 0;
}

/** The Jobs view's query for the cluster scope, filter and sort; `key` identifies it. */
export function jobsQuery(scope: ClusterScope, filter: JobFilter, sort: JobSort): { query: Omit<JobQuery, 'cursor' | 'limit'>; key: string } {
  return { query: { clusterIds: scope === 'all' ? undefined : [scope], filter, sort }, key: JSON.stringify([scope, filter, sort]) };
}
