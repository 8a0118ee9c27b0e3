/**
 * The screens, each in its own chunk, loaded when first shown: the first screen costs only its own
 * code (the charts library comes with the screens that draw charts, not with the Jobs view or the
 * shell). The others are not fetched ahead: the files are local (app:// or the host on 127.0.0.1),
 * so what a first visit waits for is the parse, and parsing the charts ahead of time in the
 * background made the first seconds of scrolling stutter. The Jobs view is not here: it is the
 * screen admins open the app for, and loading its chunk only once the entry had run cost it a
 * second round of fetches and parses before its first rows (app.tsx imports it directly).
 */
import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { errorMessage } from '../api/admin-api-error.ts';

type Loader<P> = () => Promise<ComponentType<P>>;

/** A lazily loaded screen: its module's named component. */
function screen<P extends object>(load: Loader<P>): ComponentType<P> {
  return lazy(() => load().then((component) => ({ default: component })));
}

export const DashboardPage = screen(() => import('../features/dashboard/dashboard-page.tsx').then((m) => m.DashboardPage));
export const JobDetailPage = screen(() => import('../features/job-detail/job-detail-page.tsx').then((m) => m.JobDetailPage));
export const FailuresPage = screen(() => import('../features/failures/failures-page.tsx').then((m) => m.FailuresPage));
export const FailureGroupPage = screen(() => import('../features/failures/failure-group-page.tsx').then((m) => m.FailureGroupPage));
export const QueuesPage = screen(() => import('../features/queues/queues-page.tsx').then((m) => m.QueuesPage));
export const WorkersPage = screen(() => import('../features/workers/workers-page.tsx').then((m) => m.WorkersPage));
export const AlertsPage = screen(() => import('../features/alerts/alerts-page.tsx').then((m) => m.AlertsPage));
export const ReportsPage = screen(() => import('../features/reports/reports-page.tsx').then((m) => m.ReportsPage));
export const SchedulesPage = screen(() => import('../features/schedules/schedules-page.tsx').then((m) => m.SchedulesPage));
export const ClustersPage = screen(() => import('../features/clusters/clusters-page.tsx').then((m) => m.ClustersPage));
export const SettingsPage = screen(() => import('../features/settings/settings-page.tsx').then((m) => m.SettingsPage));
export const SubmitJobDialog = screen(() => import('../features/submit-job/submit-job-dialog.tsx').then((m) => m.SubmitJobDialog));

/**
 * Where a screen is shown: an empty busy area while its chunk loads (the screen draws its own
 * skeleton a moment later), and when the chunk cannot be loaded or the screen fails to draw, what
 * happened and a way out instead of an empty window. Navigating (`resetKey` changes) tries again.
 */
export function ScreenFrame({ resetKey, children }: { resetKey: string; children: ReactNode }) {
  return (
    <ScreenBoundary resetKey={resetKey}>
      <Suspense fallback={<div className="page" aria-busy="true" />}>{children}</Suspense>
    </ScreenBoundary>
  );
}

interface BoundaryState {
  error: unknown;
  resetKey: string;
}

class ScreenBoundary extends Component<{ resetKey: string; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error: error ?? new Error('The screen failed without saying why.') };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: BoundaryState): Partial<BoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="page" role="alert">
        <h1>This screen could not be shown</h1>
        <p>{errorMessage(this.state.error)}</p>
        <p>
          <button type="button" className="btn" onClick={() => window.location.reload()}>
            Reload the app
          </button>
        </p>
      </div>
    );
  }
}
