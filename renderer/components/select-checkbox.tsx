/** A row's selection checkbox; subscribes to its own key only, so toggling one row re-renders one row. */
import type { CachedJob } from '../../contract/admin-api.ts';
import { jobKey, useUiStore } from '../store/ui-store.ts';
import { useRowTabIndex } from './row-navigation.tsx';

/** Checkbox that selects a job for bulk actions. */
export function SelectCheckbox({ job }: { job: Pick<CachedJob, 'clusterId' | 'id'> }) {
  const key = jobKey(job.clusterId, job.id);
  const checked = useUiStore((s) => s.selected[key] === true);
  const toggle = useUiStore((s) => s.toggleSelected);
  const tabIndex = useRowTabIndex();
  return (
    <input
      tabIndex={tabIndex}
      type="checkbox"
      className="checkbox"
      aria-label={`Select job ${job.id}`}
      checked={checked}
      onChange={() => toggle(key)}
    />
  );
}
