/** A cluster's name with its colour, from the cached cluster list. */
import { useCachedClusters } from './use-clusters.ts';

/** Shows a cluster id as its configured name and colour; the name may be cut in a narrow column, so the title has it whole. */
export function ClusterName({ id }: { id: string }) {
  const { data } = useCachedClusters();
  const cluster = data?.find((c) => c.id === id);
  return (
    <span className="cluster-name" title={cluster ? `${cluster.name} — ${cluster.url}` : id}>
      <span className="cluster-swatch" style={{ background: cluster?.colour ?? 'var(--muted)' }} aria-hidden="true" />
      <span className="truncate">{cluster?.name ?? id}</span>
    </span>
  );
}
