/** Which AdminApi events make which data stale. Used as `refreshOn` of useApiQuery. */
import type { AdminEvent } from '../../contract/admin-api.ts';

function inScope(clusterId: string, scope: readonly string[] | undefined): boolean {
  return scope === undefined || scope.includes(clusterId);
}

/** Job lists, summaries and charts: stale when jobs of a cluster in scope changed or a cluster came/went. */
export function jobsStale(scope?: readonly string[]) {
  return (e: AdminEvent): boolean =>
    (e.kind === 'jobs-changed' && inScope(e.clusterId, scope)) ||
    (e.kind === 'cluster-status' && inScope(e.cluster.id, scope)) ||
    e.kind === 'clusters-changed';
}

/** One job's detail: stale when that job changed. */
export function jobStale(clusterId: string, jobId: string) {
  return (e: AdminEvent): boolean =>
    (e.kind === 'jobs-changed' && e.clusterId === clusterId && e.jobIds.includes(jobId)) ||
    (e.kind === 'cluster-status' && e.cluster.id === clusterId);
}

/** Queue metrics: stale on queue changes and job changes (counts move). */
export function queuesStale(clusterId: string) {
  return (e: AdminEvent): boolean =>
    ((e.kind === 'queues-changed' || e.kind === 'jobs-changed') && e.clusterId === clusterId) ||
    (e.kind === 'cluster-status' && e.cluster.id === clusterId);
}

/** The cluster list: stale on any cluster event. */
export function clustersStale(e: AdminEvent): boolean {
  return e.kind === 'cluster-status' || e.kind === 'clusters-changed';
}

/** Settings: stale when they changed. */
export function settingsStale(e: AdminEvent): boolean {
  return e.kind === 'settings-changed';
}
