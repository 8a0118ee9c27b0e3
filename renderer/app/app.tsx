/**
 * The application shell: sidebar, cluster bar, offline banner, the routed page, feedback toasts
 * and the Submit job dialog. Features are wired here and nowhere else.
 */
import { Suspense, useEffect } from 'react';
import type { AdminApi } from '../../contract/admin-api.ts';
import { ApiProvider, useApiContext, type ApiContextValue } from '../api/api-context.tsx';
import { settingsStale } from '../api/refresh-rules.ts';
import { useApiQuery } from '../api/use-api-query.ts';
import { Toasts } from '../components/toasts.tsx';
import { useClusters } from '../components/use-clusters.ts';
import { useScope } from '../components/use-scope.ts';
import { AlertShell } from '../features/alerts/alert-banner.tsx';
import { CacheHealthBanner } from '../features/cache/cache-health.tsx';
import { JobsPage } from '../features/jobs/jobs-page.tsx';
import { useHostLink } from '../store/host-link-store.ts';
import { useUiStore } from '../store/ui-store.ts';
import { ClusterBar } from './cluster-bar.tsx';
import { HostBanner } from './host-banner.tsx';
import {
  AlertsPage,
  ClustersPage,
  DashboardPage,
  FailureGroupPage,
  FailuresPage,
  JobDetailPage,
  QueuesPage,
  ReportsPage,
  SchedulesPage,
  ScreenFrame,
  SettingsPage,
  SubmitJobDialog,
  WorkersPage,
} from './lazy-screens.tsx';
import { OfflineBanner } from './offline-banner.tsx';
import { useRoute, type Route } from './router.ts';
import { SECTION_LABELS, Sidebar } from './sidebar.tsx';
import { useShortcuts } from './use-shortcuts.ts';
import { useTheme } from './use-theme.ts';

/** The whole UI over one AdminApi; `started` carries the requests the app's start sent (app-start.ts). */
export function App({ api, started }: { api: AdminApi; started?: ApiContextValue }) {
  return (
    <ApiProvider api={api} started={started}>
      <Shell />
    </ApiProvider>
  );
}

function Shell() {
  const route = useRoute();
  const settings = useApiQuery('settings', (api) => api.getSettings(), { refreshOn: settingsStale });
  useTheme(settings.data?.theme);
  useShortcuts();
  const clusters = useClusters();
  const scope = useScope();
  const submitOpen = useUiStore((s) => s.submitOpen);
  const setSubmitOpen = useUiStore((s) => s.setSubmitOpen);
  const hostGone = useHostLink((s) => s.link !== 'up');
  useRefreshWhenHostReturns(hostGone);

  return (
    <div className="app">
      <a href="#content" className="skip-link" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>
        Skip to content
      </a>
      <Sidebar current={route.section} />
      <div className={hostGone ? 'main stale' : 'main'}>
        <HostBanner />
        <header className="topbar">
          <ClusterBar clusters={clusters.data ?? []} lastKnown={hostGone} />
          <button type="button" className="btn btn-primary" onClick={() => setSubmitOpen(true)} title="Submit job (n)">
            Submit job
          </button>
        </header>
        <OfflineBanner clusters={scope.clusters} />
        <AlertShell />
        <CacheHealthBanner />
        <main id="content" className="content" tabIndex={-1} aria-label={SECTION_LABELS[route.section]}>
          <ScreenFrame resetKey={JSON.stringify(route)}>
            <Page route={route} />
          </ScreenFrame>
        </main>
      </div>
      <Toasts />
      {submitOpen ? (
        <Suspense fallback={null}>
          <SubmitJobDialog onClose={() => setSubmitOpen(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}

/** Events were missed while the host was away: once it is back, everything on screen is fetched again. */
function useRefreshWhenHostReturns(hostGone: boolean) {
  const { cache } = useApiContext();
  useEffect(() => {
    if (hostGone) return () => cache.refreshWhere(() => true);
  }, [hostGone, cache]);
}

function Page({ route }: { route: Route }) {
  switch (route.section) {
    case 'jobs':
      return route.job ? <JobDetailPage key={`${route.job.clusterId}/${route.job.jobId}`} {...route.job} /> : <JobsPage />;
    case 'failures':
      return route.groupId ? <FailureGroupPage key={route.groupId} groupId={route.groupId} /> : <FailuresPage />;
    case 'queues':
      return <QueuesPage />;
    case 'workers':
      return <WorkersPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'reports':
      return <ReportsPage />;
    case 'schedules':
      return <SchedulesPage />;
    case 'clusters':
      return <ClustersPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <DashboardPage />;
  }
}
