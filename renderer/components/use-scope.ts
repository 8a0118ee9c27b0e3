/** The clusters in view: all, or the one chosen in the switcher. */
import type { ClusterView } from '../../contract/admin-api.ts';
import { useUiStore } from '../store/ui-store.ts';
import { useClusters } from './use-clusters.ts';

export interface Scope {
  /** For AdminApi calls: undefined means all clusters. */
  clusterIds: string[] | undefined;
  /** The clusters in view, with status. */
  clusters: ClusterView[];
  /** More than one cluster in view (tables then show a Cluster column). */
  several: boolean;
  /** A stable string for query keys. */
  key: string;
  /** Ids of every configured cluster. */
  allIds: string[];
}

/** The current cluster scope. */
export function useScope(): Scope {
  const scope = useUiStore((s) => s.clusterScope);
  const { data } = useClusters();
  const all = data ?? [];
  const clusters = scope === 'all' ? all : all.filter((c) => c.id === scope);
  return {
    clusterIds: scope === 'all' ? undefined : [scope],
    clusters,
    several: scope === 'all' && all.length > 1,
    key: scope,
    allIds: all.map((c) => c.id),
  };
}
