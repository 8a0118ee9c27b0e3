/**
 * The banner shown while clusters in view are not reachable: what is shown comes from the cache,
 * how old it is, and why the connection failed, in words.
 */
import type { ClusterView } from '../../contract/admin-api.ts';
import { CONNECTION_LABELS } from '../components/badges.tsx';
import { formatRelative } from '../components/format.ts';

/** Lists clusters in view that are offline, reconnecting or refusing our token. */
export function OfflineBanner({ clusters }: { clusters: readonly ClusterView[] }) {
  // A switched-off cluster with cached data is shown from the cache too, so it belongs here.
  const down = clusters.filter((c) => c.status !== 'online' && (c.enabled || c.lastSyncAt !== null));
  if (down.length === 0) return null;
  return (
    <div className="banner banner-offline" role="status" aria-live="polite">
      <strong>Showing cached data.</strong>
      <ul>
        {down.map((c) => (
          <li key={c.id}>
            {c.name} is {c.status === 'disabled' ? 'switched off' : CONNECTION_LABELS[c.status].toLowerCase()}
            {c.lastSyncAt ? <> — data as of {formatRelative(c.lastSyncAt)}</> : <> — nothing cached yet</>}
            {c.lastError ? <span className="banner-detail"> ({c.lastError.replace(/\.$/, '')})</span> : null}. Actions on it wait until it reconnects.
          </li>
        ))}
      </ul>
    </div>
  );
}
