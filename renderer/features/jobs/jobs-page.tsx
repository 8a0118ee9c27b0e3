/**
 * The Jobs view: every job of the clusters in view, filtered, searched and sorted, in a virtual
 * table that stays smooth at 100,000 rows (keyset pages from the local cache), with multi-select
 * and bulk actions (each with a dry-run count first) and exports of the current filter — or, when
 * jobs are selected, of the selection only (bulk actions and exports say which).
 */
import { useMemo, useState } from 'react';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { JOB_SORTS, type JobSort } from '../../../contract/api.ts';
import { ACTIVE_STATES, FINISHED_STATES, type JobState } from '../../../contract/domain.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { downloadText } from '../../components/download.ts';
import { formatCount, formatCountOf, formatRelative } from '../../components/format.ts';
import { jobColumns, type JobTableKind } from '../../components/job-columns.tsx';
import { PageHeader } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { runWithFeedback } from '../../store/toast-store.ts';
import { jobKey, useUiStore } from '../../store/ui-store.ts';
import { BoostDialog } from './boost-dialog.tsx';
import { BulkActionDialog } from './bulk-action-dialog.tsx';
import { bulkTitle, type BulkKind } from './bulk-plan.ts';
import { JobFilters } from './job-filters.tsx';
import { hasFilter, jobsQuery, toJobFilter } from './job-query.ts';
import { useJobPages } from './use-job-pages.ts';
import { VirtualJobTable } from './virtual-job-table.tsx';

const SORT_LABELS: Record<JobSort, string> = {
  '-created': 'Newest first',
  created: 'Oldest first',
  '-finished': 'Recently finished',
  finished: 'Finished longest ago',
  position: 'Queue position',
  priority: 'Priority',
};

type Preset = 'all' | 'active' | 'queue' | 'completed';
const PRESETS: { key: Preset; label: string; states: readonly JobState[]; sort: JobSort }[] = [
  { key: 'all', label: 'All', states: [], sort: '-created' },
  { key: 'active', label: 'Active', states: ACTIVE_STATES, sort: '-created' },
  { key: 'queue', label: 'Queue', states: ['pending'], sort: 'position' },
  { key: 'completed', label: 'Completed', states: FINISHED_STATES, sort: '-finished' },
];

function presetOf(states: readonly JobState[]): Preset | null {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  return PRESETS.find((p) => same(p.states, states))?.key ?? null;
}

/** The Jobs page. */
export function JobsPage() {
  const api = useAdminApi();
  const scope = useScope();
  const filterState = useUiStore((s) => s.jobFilter);
  const sort = useUiStore((s) => s.jobSort);
  const setSort = useUiStore((s) => s.setJobSort);
  const setFilter = useUiStore((s) => s.setJobFilter);
  const selectedCount = useUiStore((s) => Object.keys(s.selected).length);
  const clearSelection = useUiStore((s) => s.clearSelection);
  const [bulk, setBulk] = useState<BulkKind | null>(null);
  const [boosting, setBoosting] = useState<CachedJob[] | null>(null);

  const filter = useMemo(() => toJobFilter(filterState), [filterState]);
  const { query, key } = useMemo(() => jobsQuery(scope.key, filter, sort), [scope.key, filter, sort]);
  const pages = useJobPages(query, key);
  const preset = presetOf(filterState.states);
  const kind: JobTableKind = 'all';
  const columns = jobColumns(kind, scope.several, true);

  function selectedJobs(): CachedJob[] {
    const sel = useUiStore.getState().selected;
    return pages.rows.filter((j) => sel[jobKey(j.clusterId, j.id)]);
  }

  function exportAs(format: 'csv' | 'json') {
    const chosen = selectedCount ? selectedJobs().map((j) => ({ clusterId: j.clusterId, id: j.id })) : undefined;
    const what = chosen ? `${formatCountOf(chosen.length, 'selected job')}` : formatCountOf(pages.total ?? 0, 'job');
    void runWithFeedback(`Exporting ${what} as ${format.toUpperCase()}`, async () => {
      const r = await api.exportJobs({ clusterIds: scope.clusterIds, filter, sort }, format, chosen);
      downloadText(r.filename, r.mimeType, r.content);
      return `Saved ${r.filename} (${formatCount(r.rows)} rows).`;
    });
  }

  const bulkTarget = useMemo(
    () => (bulk ? { selected: selectedCount ? selectedJobs() : null, filter, clusters: scope.clusters } : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the target is fixed when the dialog opens
    [bulk],
  );

  return (
    <div className="page page-fill jobs-page">
      <PageHeader
        title="Jobs"
        subtitle={
          pages.total === null
            ? 'Loading…'
            : `${formatCountOf(pages.total, 'job')}${hasFilter(filterState) ? (pages.total === 1 ? ' matches the filter' : ' match the filter') : ''}${pages.syncedAt ? ` · cache synced ${formatRelative(pages.syncedAt)}` : ''}`
        }
      >
        <button type="button" className="btn" onClick={() => exportAs('csv')} disabled={!pages.total}>
          {selectedCount ? `Export ${formatCount(selectedCount)} selected as CSV` : 'Export CSV'}
        </button>
        <button type="button" className="btn" onClick={() => exportAs('json')} disabled={!pages.total}>
          {selectedCount ? `Export ${formatCount(selectedCount)} selected as JSON` : 'Export JSON'}
        </button>
        <button type="button" className="btn" onClick={() => setBulk('delete-old')}>
          Delete old…
        </button>
      </PageHeader>
      <div className="toolbar">
        <Segmented
          label="View"
          options={PRESETS.map((p) => ({ key: p.key, label: p.label }))}
          value={preset ?? ('' as Preset)}
          onChange={(k) => {
            const p = PRESETS.find((x) => x.key === k)!;
            setFilter({ states: [...p.states] });
            setSort(p.sort);
          }}
        />
        <label className="field-inline">
          <span className="field-label">Sort</span>
          <select className="select" aria-label="Sort jobs" value={sort} onChange={(e) => setSort(e.target.value as JobSort)}>
            {JOB_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <JobFilters />
      <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
        <span className="bulk-scope">
          {selectedCount ? (
            <>
              <strong className="num">{formatCount(selectedCount)}</strong> selected
              <button type="button" className="btn btn-small btn-ghost" onClick={clearSelection}>
                Clear
              </button>
            </>
          ) : (
            <>No selection: bulk actions apply to {pages.total === null ? 'all matching jobs' : `all ${formatCount(pages.total)} matching jobs`}</>
          )}
        </span>
        <button type="button" className="btn btn-small" onClick={() => setBulk('cancel')}>
          {bulkTitle('cancel', selectedCount)}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setBulk('retry')}>
          {bulkTitle('retry', selectedCount)}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setBulk('set-priority')}>
          {bulkTitle('set-priority', selectedCount)}
        </button>
        <button
          type="button"
          className="btn btn-small"
          aria-disabled={selectedCount === 0 || undefined}
          title={selectedCount ? 'Each selected pending job one priority step up' : 'Select the jobs to boost: Boost works on a selection'}
          onClick={() => selectedCount && setBoosting(selectedJobs())}
        >
          {selectedCount ? `Boost ${formatCount(selectedCount)} selected` : 'Boost…'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setBulk('delay')}>
          {bulkTitle('delay', selectedCount)}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setBulk('run-now')}>
          {bulkTitle('run-now', selectedCount)}
        </button>
      </div>
      {pages.stale ? (
        <div className="banner-inline" role="status">
          Jobs changed since this list loaded.{' '}
          <button type="button" className="btn btn-small" onClick={pages.reload}>
            Refresh
          </button>
        </div>
      ) : null}
      {pages.error ? <ErrorNote message={pages.error} onRetry={pages.reload} /> : null}
      <div className="panel table-panel">
        {pages.total === null && !pages.error ? (
          <LoadingRows rows={10} label="Loading jobs" />
        ) : pages.total === 0 ? (
          <EmptyState
            title={hasFilter(filterState) ? 'No job matches these filters.' : 'No jobs yet.'}
            hint={hasFilter(filterState) ? 'Loosen or clear the filters to see more.' : 'Submitted jobs appear here as soon as the cluster reports them.'}
          />
        ) : (
          <VirtualJobTable pages={pages} columns={columns} label="Jobs" />
        )}
        <div className="table-foot num" aria-live="polite">
          {pages.total === null ? 'Loading…' : `${formatCount(Math.min(pages.rows.length, pages.total))} of ${formatCount(pages.total)} loaded`}
          {pages.loading && pages.total !== null ? ' · loading more…' : ''}
        </div>
      </div>
      {bulk && bulkTarget ? <BulkActionDialog kind={bulk} target={bulkTarget} onClose={() => setBulk(null)} /> : null}
      {boosting ? <BoostDialog selected={boosting} clusters={scope.clusters} onClose={() => setBoosting(null)} /> : null}
    </div>
  );
}
