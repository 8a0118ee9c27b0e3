/**
 * The first screen's requests, sent as the app starts: before React's first render instead of from
 * the effects after it, so they travel while the shell renders (and with an AdminApi that answers
 * at once, the first render already has them). The hooks that read them later join these requests
 * (QueryCache.join) instead of sending their own: the clusters and the settings that the shell
 * shows, and, opened on the Jobs view, its first page of jobs.
 */
import type { AdminApi } from '../../contract/admin-api.ts';
import { apiContextValue, type ApiContextValue } from '../api/api-context.tsx';
import { jobsQuery, toJobFilter } from '../features/jobs/job-query.ts';
import { startJobPages } from '../features/jobs/use-job-pages.ts';
import { useUiStore } from '../store/ui-store.ts';
import { parseRoute } from './router.ts';

/** Starts the requests of the screen `hash` opens on; the value is for App's `started`. */
export function startApp(api: AdminApi, hash = window.location.hash): ApiContextValue {
  const started = apiContextValue(api);
  const { cache } = started;
  cache.configure('clusters', () => api.listClusters());
  cache.refresh('clusters');
  cache.configure('settings', () => api.getSettings());
  cache.refresh('settings');
  const route = parseRoute(hash);
  if (route.section === 'jobs' && !route.job) {
    const { clusterScope, jobFilter, jobSort } = useUiStore.getState();
    const { query, key } = jobsQuery(clusterScope, toJobFilter(jobFilter), jobSort);
    startJobPages(api, query, key);
  }
  return started;
}
