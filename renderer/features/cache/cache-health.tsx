/**
 * The local job cache's health in the UI: a banner while the cache cannot be written (full disk,
 * I/O error, read-only or locked file) saying what to do — the data shown stays readable, syncing
 * resumes by itself —, a notice while a first sync writes a big history as a bulk load (search and
 * reports leave its jobs out until it ends), and the list of damaged cache copies moved aside at
 * start (Settings).
 */
import type { AdminEvent } from '../../../contract/admin-api.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { formatBytes, formatFullTime, formatRelative } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';

function cacheHealthStale(e: AdminEvent): boolean {
  return e.kind === 'cache-health';
}

function useCacheHealth() {
  return useApiQuery('cache-health', (api) => api.getCacheHealth(), { refreshOn: cacheHealthStale });
}

/** While a first sync writes as a bulk load: what search and reports leave out until it ends. */
function BulkLoadNotice({ since }: { since: string }) {
  return (
    <div className="banner banner-info" role="status">
      <strong>Loading a cluster's history.</strong> Text search and reports leave out the jobs it brings until it finishes (started{' '}
      {formatRelative(since)}); the job list, counts and failure patterns include them.
    </div>
  );
}

/** Shown under the top bar while the cache has a problem, or while a bulk load is under way. */
export function CacheHealthBanner() {
  const health = useCacheHealth().data;
  if (!health) return null;
  if (!health.message) return health.bulkLoadSince ? <BulkLoadNotice since={health.bulkLoadSince} /> : null;
  return (
    <div className="banner banner-offline" role="alert">
      <strong>{health.writesPaused ? 'Syncing is paused.' : 'The job cache is not stored on disk.'}</strong> {health.message.replace(/\.$/, '')}.
      {health.writesPaused ? <> What is cached stays readable{health.since ? <>; paused {formatRelative(health.since)}</> : null}.</> : null}
    </div>
  );
}

/** Damaged cache copies moved aside at start, with what they are and when they go. */
export function MovedAsideCaches() {
  const health = useCacheHealth().data;
  if (!health || health.movedAside.length === 0) return null;
  return (
    <Panel
      title="Damaged cache copies"
      subtitle={`The job cache was found damaged at start, moved aside in ${health.folder} and rebuilt from the clusters. The copies are kept for inspection and removed by themselves.`}
    >
      <ul aria-label="Damaged cache copies">
        {health.movedAside.map((m) => (
          <li key={m.name}>
            <code>{m.name}</code> — {formatBytes(m.sizeBytes)}, moved aside {formatFullTime(m.movedAt)}; removed after {formatFullTime(m.removeAfter)}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
