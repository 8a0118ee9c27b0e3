/** What marks a failure group in tables and on its page: its cause, and "new" / "spiking" flags. */
import './failures.css';
import type { FailureGroupRow } from '../../../contract/failures.ts';

export function CauseBadge({ group }: { group: Pick<FailureGroupRow, 'category' | 'causeLabel'> }) {
  return <span className={`badge cause-${group.category}`}>{group.causeLabel}</span>;
}

export function GroupFlags({ group }: { group: Pick<FailureGroupRow, 'isNew' | 'isSpiking'> }) {
  return (
    <>
      {group.isNew ? <span className="badge flag-new" title="First seen within the last 24 hours">New</span> : null}
      {group.isSpiking ? <span className="badge flag-spiking" title="The last hours are far above this pattern's usual rate">Spiking</span> : null}
    </>
  );
}

/** The top users as "ben.liu (31), carla (2) +3 more". */
export function usersText(users: FailureGroupRow['users'], shown = 2): string {
  if (users.length === 0) return '—';
  const head = users.slice(0, shown).map((u) => `${u.value} (${u.count})`).join(', ');
  return users.length > shown ? `${head} +${users.length - shown} more` : head;
}
