/**
 * A hash router: the route lives in `location.hash`, so the same build works from Electron's
 * app:// protocol and from the browser-mode host without server-side routes.
 */
import { useSyncExternalStore } from 'react';

export type Section = 'dashboard' | 'jobs' | 'failures' | 'alerts' | 'queues' | 'workers' | 'schedules' | 'reports' | 'clusters' | 'settings';

export type Route =
  | { section: Exclude<Section, 'jobs' | 'failures'> }
  | { section: 'jobs'; job?: { clusterId: string; jobId: string; tab: DetailTab } }
  | { section: 'failures'; groupId?: string };

export const DETAIL_TABS = ['overview', 'configuration', 'progress', 'results'] as const;
export type DetailTab = (typeof DETAIL_TABS)[number];

const SECTIONS: readonly Section[] = ['dashboard', 'jobs', 'failures', 'alerts', 'queues', 'workers', 'schedules', 'reports', 'clusters', 'settings'];

/** Parses `#/jobs/<cluster>/<id>/<tab>` and friends; anything unknown is the dashboard. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const section = SECTIONS.find((s) => s === parts[0]) ?? 'dashboard';
  if (section === 'jobs' && parts[1] && parts[2]) {
    const tab = DETAIL_TABS.find((t) => t === parts[3]) ?? 'overview';
    return { section, job: { clusterId: parts[1], jobId: parts[2], tab } };
  }
  if (section === 'failures' && parts[1]) return { section, groupId: parts[1] };
  return { section } as Route;
}

/** The hash for a section. */
export function sectionHref(section: Section): string {
  return `#/${section}`;
}

/** The hash of a job's detail view. */
export function jobHref(clusterId: string, jobId: string, tab: DetailTab = 'overview'): string {
  const base = `#/jobs/${encodeURIComponent(clusterId)}/${encodeURIComponent(jobId)}`;
  return tab === 'overview' ? base : `${base}/${tab}`;
}

/** The hash of a failure group's page. */
export function failureGroupHref(groupId: string): string {
  return `#/failures/${encodeURIComponent(groupId)}`;
}

/** Navigates to a hash. */
export function navigate(href: string): void {
  window.location.hash = href;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
