/** The Jobs view's rows for a query, through a JobPageLoader that lives as long as the query. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { AdminApi, JobQuery } from '../../../contract/admin-api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useAdminEvents } from '../../api/use-api-query.ts';
import { JobPageLoader, type JobPagesSnapshot } from './job-page-loader.ts';

export interface JobPages extends JobPagesSnapshot {
  ensure(index: number): void;
  reload(): void;
}

// Loaders started before the view mounted (the app's start, see app/app-start.ts), by AdminApi and
// query key, until the view takes them.
const started = new WeakMap<AdminApi, Map<string, JobPageLoader>>();

/** Starts loading the first page of `query` now, for a Jobs view about to mount over `api`. */
export function startJobPages(api: AdminApi, query: Omit<JobQuery, 'cursor' | 'limit'>, key: string): void {
  const loader = new JobPageLoader(api, query);
  loader.ensure(0);
  const byKey = started.get(api) ?? new Map<string, JobPageLoader>();
  byKey.set(key, loader);
  started.set(api, byKey);
}

function takeStarted(api: AdminApi, key: string): JobPageLoader | undefined {
  const loader = started.get(api)?.get(key);
  started.get(api)?.delete(key);
  return loader;
}

/** Rows of `query`; `key` identifies the query (clusters, filter, sort). */
export function useJobPages(query: Omit<JobQuery, 'cursor' | 'limit'>, key: string): JobPages {
  const api = useAdminApi();
  // One loader per query; the key carries everything the query depends on.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const loader = useMemo(() => takeStarted(api, key) ?? new JobPageLoader(api, query), [api, key]);
  useEffect(() => {
    loader.start();
    return () => loader.stop();
  }, [loader]);
  useAdminEvents((batch) => {
    if (batch.some(jobsStale(query.clusterIds))) loader.changed();
  });
  const snap = useSyncExternalStore(loader.subscribe, loader.getSnapshot);
  return { ...snap, ensure: loader.ensure, reload: loader.reload };
}
