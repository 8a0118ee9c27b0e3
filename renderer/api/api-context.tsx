/**
 * Provides the AdminApi, its batched event hub and the query cache to the component tree.
 * Tests pass a fake AdminApi here; the app passes the one `resolveAdminApi` found.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { AdminApi } from '../../contract/admin-api.ts';
import { EventHub } from './event-hub.ts';
import { QueryCache } from './query-cache.ts';

export interface ApiContextValue {
  api: AdminApi;
  hub: EventHub;
  cache: QueryCache;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** The api with a new event hub and query cache. */
export function apiContextValue(api: AdminApi, batchWindowMs?: number): ApiContextValue {
  return { api, hub: new EventHub(api, batchWindowMs), cache: new QueryCache() };
}

/**
 * Makes `api` available to `useAdminApi`, `useApiQuery` and `useAdminEvents` below it; `started`
 * is the value the app's start made for it, with requests already on their way.
 */
export function ApiProvider({ api, batchWindowMs, started, children }: { api: AdminApi; batchWindowMs?: number; started?: ApiContextValue; children: ReactNode }) {
  const value = useMemo(() => (started?.api === api ? started : apiContextValue(api, batchWindowMs)), [api, batchWindowMs, started]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

/** The api, hub and cache from the nearest ApiProvider. */
export function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApiContext outside <ApiProvider>');
  return value;
}

/** The AdminApi from the nearest ApiProvider. */
export function useAdminApi(): AdminApi {
  return useApiContext().api;
}
