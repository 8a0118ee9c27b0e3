/** The Jobs view's rows for a query, through a JobPageLoader that lives as long as the query. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { JobQuery } from '../../../contract/admin-api.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useAdminEvents } from '../../api/use-api-query.ts';
import { JobPageLoader, type JobPagesSnapshot } from './job-page-loader.ts';

export interface JobPages extends JobPagesSnapshot {
  ensure(index: number): void;
  reload(): void;
}

/** Rows of `query`; `key` identifies the query (clusters, filter, sort). */
export function useJobPages(query: Omit<JobQuery, 'cursor' | 'limit'>, key: string): JobPages {
  const api = useAdminApi();
  // One loader per query; the key carries everything the query depends on.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const loader = useMemo(() => new JobPageLoader(api, query), [api, key]);
  useEffect(() => {
    loader.ensure(0);
    return () => loader.dispose();
  }, [loader]);
  useAdminEvents((batch) => {
    if (batch.some(jobsStale(query.clusterIds))) loader.changed();
  });
  const snap = useSyncExternalStore(loader.subscribe, loader.getSnapshot);
  return { ...snap, ensure: loader.ensure, reload: loader.reload };
}
