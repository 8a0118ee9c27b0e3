/**
 * Boost: each selected pending job one priority step up (Low → Normal → High → Critical). The
 * cluster's set-priority bulk action takes one priority per request, so the selection is sent as
 * one request per cluster and priority it goes to. A job already Critical cannot go higher: it is
 * left unchanged (nothing is sent for it), which is not a failure.
 */
import type { CachedJob, ClusterView } from '../../../contract/admin-api.ts';
import { PRIORITIES, type Priority } from '../../../contract/domain.ts';

/** One step up, or null at the top. PRIORITIES runs from the most urgent down. */
export function boostedPriority(p: Priority): Priority | null {
  const i = PRIORITIES.indexOf(p);
  return i > 0 ? PRIORITIES[i - 1]! : null;
}

/** What happens to one selected job. */
export interface BoostLine {
  job: CachedJob;
  to: Priority | null;
}

/** One request: jobs of one cluster going to one priority. */
export interface BoostStep {
  cluster: ClusterView;
  to: Priority;
  ids: string[];
}

export interface BoostPlan {
  /** Pending selected jobs, in selection order, with the priority each goes to (null: unchanged). */
  lines: BoostLine[];
  steps: BoostStep[];
  /** Selected jobs that are not pending (their priority cannot change). */
  notPending: number;
  /** Clusters whose jobs cannot be boosted now, with the reason. */
  skipped: { cluster: ClusterView; reason: string }[];
}

export function planBoost(selected: readonly CachedJob[], clusters: readonly ClusterView[]): BoostPlan {
  const pending = selected.filter((j) => j.state === 'pending');
  const lines = pending.map((job) => ({ job, to: boostedPriority(job.priority) }));
  const steps: BoostStep[] = [];
  const skipped: BoostPlan['skipped'] = [];
  for (const cluster of clusters) {
    const mine = lines.filter((l) => l.job.clusterId === cluster.id && l.to !== null);
    if (mine.length === 0) continue;
    if (cluster.status !== 'online') {
      skipped.push({ cluster, reason: `${cluster.name} is ${cluster.status}: skipped until it reconnects.` });
      continue;
    }
    for (const to of PRIORITIES) {
      const ids = mine.filter((l) => l.to === to).map((l) => l.job.id);
      if (ids.length) steps.push({ cluster, to, ids });
    }
  }
  return { lines, steps, notPending: selected.length - pending.length, skipped };
}
