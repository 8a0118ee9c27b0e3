/**
 * The top bar's cluster controls: a switcher (all clusters or one) and a status chip per cluster —
 * online, reconnecting, offline with the age of its cached data, unauthorized.
 */
import type { ClusterView } from '../../contract/admin-api.ts';
import { CONNECTION_LABELS } from '../components/badges.tsx';
import { formatRelative } from '../components/format.ts';
import { useUiStore } from '../store/ui-store.ts';

/**
 * One cluster's chip: name, status word and, when not online, how old its cached data is. With
 * `lastKnown` (the admin host has gone) the status is only what was known then, and says so.
 */
export function StatusChip({ cluster, onSelect, lastKnown = false }: { cluster: ClusterView; onSelect: () => void; lastKnown?: boolean }) {
  const stale = cluster.status !== 'online' && cluster.lastSyncAt;
  const status = `${CONNECTION_LABELS[cluster.status]}${stale ? ` · cache ${formatRelative(cluster.lastSyncAt).replace(' ago', ' old')}` : ''}`;
  const words = lastKnown ? `last known: ${status}` : status;
  return (
    <button
      type="button"
      className={`chip chip-${lastKnown ? 'last-known' : cluster.status}`}
      onClick={onSelect}
      title={cluster.lastError ?? `${cluster.name}: ${words}`}
      aria-label={`${cluster.name}: ${words}. Show only this cluster.`}
    >
      <span className="status-dot" aria-hidden="true" />
      <span className="chip-name">{cluster.name}</span>
      <span className="chip-status">{words}</span>
    </button>
  );
}

/** Cluster switcher and status chips. */
export function ClusterBar({ clusters, lastKnown = false }: { clusters: readonly ClusterView[]; lastKnown?: boolean }) {
  const scope = useUiStore((s) => s.clusterScope);
  const setScope = useUiStore((s) => s.setClusterScope);
  return (
    <div className="cluster-bar">
      <label className="field-inline">
        <span className="sr-only">Cluster</span>
        <select className="select" aria-label="Cluster" value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="all">All clusters ({clusters.length})</option>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <div className="chips" role="list" aria-label="Cluster status">
        {clusters.map((c) => (
          <div role="listitem" key={c.id}>
            <StatusChip cluster={c} onSelect={() => setScope(c.id)} lastKnown={lastKnown} />
          </div>
        ))}
      </div>
    </div>
  );
}
