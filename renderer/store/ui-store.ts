/**
 * Client state only: which clusters are in view, the Jobs view's filters, sort and selection, and
 * the dashboard's time range. Server data never lives here (it stays behind renderer/api).
 * Components read it with narrow selectors so a change re-renders only what depends on it.
 */
import { create } from 'zustand';
import type { TimeRange } from '../../contract/admin-api.ts';
import type { JobSort } from '../../contract/api.ts';
import type { JobState, JobType, Priority } from '../../contract/domain.ts';

/** 'all' or one cluster id. */
export type ClusterScope = 'all' | string;

export interface JobFilterState {
  states: JobState[];
  types: JobType[];
  priorities: Priority[];
  /** Comma-separated user names as typed. */
  users: string;
  q: string;
  /** YYYY-MM-DD, local dates, inclusive. */
  createdFrom: string;
  createdTo: string;
}

export const EMPTY_FILTER: JobFilterState = {
  states: [],
  types: [],
  priorities: [],
  users: '',
  q: '',
  createdFrom: '',
  createdTo: '',
};

/** Selection key of a job: clusters may reuse ids, so the cluster is part of it. */
export function jobKey(clusterId: string, id: string): string {
  return `${clusterId}/${id}`;
}

export interface UiState {
  clusterScope: ClusterScope;
  dashboardRange: TimeRange;
  jobFilter: JobFilterState;
  jobSort: JobSort;
  /** Selected jobs by jobKey. A new object on every change, so selectors see it. */
  selected: Readonly<Record<string, true>>;
  submitOpen: boolean;
  setClusterScope(scope: ClusterScope): void;
  setDashboardRange(range: TimeRange): void;
  setJobFilter(patch: Partial<JobFilterState>): void;
  resetJobFilter(): void;
  setJobSort(sort: JobSort): void;
  toggleSelected(key: string): void;
  setSelected(keys: readonly string[], selected: boolean): void;
  clearSelection(): void;
  setSubmitOpen(open: boolean): void;
}

/** The UI's client state. */
export const useUiStore = create<UiState>()((set) => ({
  clusterScope: 'all',
  dashboardRange: '1h',
  jobFilter: EMPTY_FILTER,
  jobSort: '-created',
  selected: {},
  submitOpen: false,
  setClusterScope: (clusterScope) => set({ clusterScope, selected: {} }),
  setDashboardRange: (dashboardRange) => set({ dashboardRange }),
  // A different filter shows different rows; keeping an invisible selection would surprise bulk actions.
  setJobFilter: (patch) => set((s) => ({ jobFilter: { ...s.jobFilter, ...patch }, selected: {} })),
  resetJobFilter: () => set({ jobFilter: EMPTY_FILTER, selected: {} }),
  setJobSort: (jobSort) => set({ jobSort }),
  toggleSelected: (key) =>
    set((s) => {
      const next = { ...s.selected };
      if (next[key]) delete next[key];
      else next[key] = true;
      return { selected: next };
    }),
  setSelected: (keys, selected) =>
    set((s) => {
      const next = { ...s.selected };
      for (const k of keys) {
        if (selected) next[k] = true;
        else delete next[k];
      }
      return { selected: next };
    }),
  clearSelection: () => set({ selected: {} }),
  setSubmitOpen: (submitOpen) => set({ submitOpen }),
}));
