/** The configured clusters with their live status, shared by every component that needs them. */
import { useApiQuery } from '../api/use-api-query.ts';
import { clustersStale } from '../api/refresh-rules.ts';

/** The cluster list, refreshed on cluster events and every 15 s (cache ages move on). */
export function useClusters() {
  return useApiQuery('clusters', (api) => api.listClusters(), { refreshOn: clustersStale, pollMs: 15_000 });
}

/** The cluster list as cached, without fetching: for table cells (the shell keeps it fresh). */
export function useCachedClusters() {
  return useApiQuery('clusters', (api) => api.listClusters(), { passive: true });
}

/** Why actions on a cluster cannot run now (offline, unauthorized…), or null when it is online. */
export function useClusterUnavailable(clusterId: string): string | null {
  const { data } = useCachedClusters();
  const c = data?.find((x) => x.id === clusterId);
  if (!c || c.status === 'online') return null;
  return `${c.name} is ${c.status === 'degraded' || c.status === 'connecting' ? 'reconnecting' : c.status}: actions wait until it is online again.`;
}
