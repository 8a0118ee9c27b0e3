/** The Jobs view's filter bar: text search, state (incl. stuck and paused), type, priority, user, created date range. */
import { useEffect, useState } from 'react';
import { JOB_STATE_LABELS, JOB_STATES, JOB_TYPE_LABELS, JOB_TYPES, PRIORITIES, PRIORITY_LABELS } from '../../../contract/domain.ts';
import { MultiSelect } from '../../components/multi-select.tsx';
import { useUiStore } from '../../store/ui-store.ts';
import { hasFilter } from './job-query.ts';

const STATE_OPTIONS = JOB_STATES.map((s) => ({ key: s, label: JOB_STATE_LABELS[s] }));
const TYPE_OPTIONS = JOB_TYPES.map((t) => ({ key: t, label: JOB_TYPE_LABELS[t] }));
const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ key: p, label: PRIORITY_LABELS[p] }));

/** Text that applies after the user pauses typing, so each keystroke does not start a query. */
function useDebounced(value: string, apply: (v: string) => void, ms = 250) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  // Follow outside changes (e.g. "Clear filters") during render, as React recommends over an effect.
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => apply(text), ms);
    return () => clearTimeout(t);
  }, [text, value, apply, ms]);
  return [text, setText, text !== value] as const;
}

/** Filters of the Jobs view (stored in the UI store). */
export function JobFilters() {
  const f = useUiStore((s) => s.jobFilter);
  const set = useUiStore((s) => s.setJobFilter);
  const reset = useUiStore((s) => s.resetJobFilter);
  const [q, setQ, typingQ] = useDebounced(f.q, (v) => set({ q: v }));
  const [users, setUsers, typingUsers] = useDebounced(f.users, (v) => set({ users: v }));
  // Busy while typed text waits to apply: the rows shown (and a selection made now, which a filter
  // change clears) are still those of the previous filter.
  return (
    <div className="filters" role="search" aria-label="Filter jobs" aria-busy={typingQ || typingUsers || undefined}>
      <input
        className="input search"
        type="search"
        data-search
        placeholder="Search ID, user, error…  ( / )"
        aria-label="Search jobs"
        value={q}
        maxLength={200}
        onChange={(e) => setQ(e.target.value)}
      />
      <MultiSelect label="State" options={STATE_OPTIONS} value={f.states} onChange={(states) => set({ states })} />
      <MultiSelect label="Type" options={TYPE_OPTIONS} value={f.types} onChange={(types) => set({ types })} />
      <MultiSelect label="Priority" options={PRIORITY_OPTIONS} value={f.priorities} onChange={(priorities) => set({ priorities })} />
      <input className="input input-user" placeholder="User(s)" aria-label="Users, comma-separated" value={users} onChange={(e) => setUsers(e.target.value)} />
      <label className="field-inline date-range">
        <span className="field-label">Created</span>
        <input className="input" type="date" aria-label="Created from" value={f.createdFrom} max={f.createdTo || undefined} onChange={(e) => set({ createdFrom: e.target.value })} />
        <span aria-hidden="true">–</span>
        <input className="input" type="date" aria-label="Created until" value={f.createdTo} min={f.createdFrom || undefined} onChange={(e) => set({ createdTo: e.target.value })} />
      </label>
      {hasFilter(f) ? (
        <button type="button" className="btn btn-small btn-ghost" onClick={reset}>
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
