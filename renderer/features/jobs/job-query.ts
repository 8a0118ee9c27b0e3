/** Turns the Jobs view's filter state into the contract's JobFilter (dates as local-day bounds). */
import type { JobFilter } from '../../../contract/api.ts';
import type { JobFilterState } from '../../store/ui-store.ts';

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
