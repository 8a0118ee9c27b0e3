/**
 * What a bulk action will send to each cluster: for selected jobs, the ids of those the action
 * applies to (by state); for "all matching", the current filter narrowed to the states the action
 * applies to. "Delete old" always works on finished jobs older than N days.
 */
import type { CachedJob, ClusterView } from '../../../contract/admin-api.ts';
import type { JobFilter } from '../../../contract/api.ts';
import { FINISHED_STATES, JOB_STATES, type JobAction, type JobState, type Priority } from '../../../contract/domain.ts';
import type { DelayBody } from '../../api/delay-commands.ts';
import { delayedUntil } from '../../components/delay-choice.ts';
import { formatCount } from '../../components/format.ts';

export type BulkKind = 'cancel' | 'retry' | 'set-priority' | 'delay' | 'run-now' | 'delete-old';

export const BULK_LABELS: Record<BulkKind, { title: string; verb: string; action: JobAction; states: readonly JobState[] }> = {
  cancel: { title: 'Cancel all', verb: 'Cancel', action: 'cancel', states: ['pending'] },
  retry: { title: 'Retry failed', verb: 'Retry', action: 'retry', states: ['failed'] },
  'set-priority': { title: 'Change priority', verb: 'Change priority of', action: 'set-priority', states: ['pending'] },
  delay: { title: 'Delay pending', verb: 'Delay', action: 'delay', states: ['pending'] },
  'run-now': { title: 'Run delayed now', verb: 'Run now', action: 'run-now', states: ['pending'] },
  'delete-old': { title: 'Delete old jobs', verb: 'Delete', action: 'delete', states: FINISHED_STATES },
};

/**
 * What a bulk button and its dialog are called: with jobs selected they act on those only, and
 * say so ("Cancel 3 selected"), never "Cancel all".
 */
export function bulkTitle(kind: BulkKind, selectedCount: number | null): string {
  const spec = BULK_LABELS[kind];
  return selectedCount && kind !== 'delete-old' ? `${spec.verb} ${formatCount(selectedCount)} selected` : spec.title;
}

export interface BulkTarget {
  /** Selected jobs, or null for "all jobs matching the filter". */
  selected: readonly CachedJob[] | null;
  filter: JobFilter;
  /** Clusters in view. */
  clusters: readonly ClusterView[];
}

export interface ClusterPlan {
  cluster: ClusterView;
  ids?: string[];
  filter?: JobFilter;
  /** Why nothing is sent to this cluster. */
  skipReason?: string;
  /** Selected jobs the action does not apply to. */
  notApplicable: number;
}

/** Plans a bulk action per cluster. */
export function planBulk(kind: BulkKind, target: BulkTarget, opts: { days: number; now: number }): ClusterPlan[] {
  const spec = BULK_LABELS[kind];
  return target.clusters.map((cluster): ClusterPlan => {
    const skipReason = cluster.status === 'online' ? undefined : `${cluster.name} is ${cluster.status}: skipped until it reconnects.`;
    if (target.selected && kind !== 'delete-old') {
      const mine = target.selected.filter((j) => j.clusterId === cluster.id);
      // Run now undoes a delay: of the selection, only the jobs still delayed.
      const ids = mine.filter((j) => spec.states.includes(j.state) && (kind !== 'run-now' || delayedUntil(j, opts.now) !== null)).map((j) => j.id);
      const notApplicable = mine.length - ids.length;
      if (mine.length === 0) return { cluster, notApplicable: 0, skipReason: 'no selected jobs here' };
      return ids.length ? { cluster, ids, notApplicable, skipReason } : { cluster, notApplicable, skipReason: skipReason ?? 'none of the selected jobs here qualify' };
    }
    const wanted = target.filter.state ?? JOB_STATES;
    const states = spec.states.filter((s) => wanted.includes(s));
    if (states.length === 0) return { cluster, notApplicable: 0, skipReason: 'the state filter excludes every job this action applies to' };
    const filter: JobFilter = { ...target.filter, state: [...states] };
    if (kind === 'delete-old') {
      filter.finishedBefore = new Date(opts.now - opts.days * 86_400_000).toISOString();
    }
    return { cluster, filter, notApplicable: 0, skipReason };
  });
}

/** The request body of one cluster's plan (without dryRun); a delay carries when the jobs may run. */
export function requestOf(kind: BulkKind, plan: ClusterPlan, priority: Priority, delay?: DelayBody) {
  const action = BULK_LABELS[kind].action;
  return {
    action,
    ...(plan.ids ? { ids: plan.ids } : { filter: plan.filter }),
    ...(action === 'set-priority' ? { priority } : {}),
    ...(action === 'delay' ? delay : {}),
  };
}
