/** The dashboard's three tables — Active jobs, Queue, Completed — each with a link to the full list. */
import type { AdminApi, CachedJob, CachedJobPage } from '../../../contract/admin-api.ts';
import { ACTIVE_STATES, FINISHED_STATES } from '../../../contract/domain.ts';
import type { JobFilter, JobSort } from '../../../contract/api.ts';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { DataTable } from '../../components/data-table.tsx';
import { jobColumns, type JobTableKind } from '../../components/job-columns.tsx';
import { Panel } from '../../components/panel.tsx';
import { ErrorNote } from '../../components/states.tsx';
import type { Scope } from '../../components/use-scope.ts';
import { useUiStore } from '../../store/ui-store.ts';
import { jobHref, navigate, sectionHref } from '../../app/router.ts';
import { formatCount } from '../../components/format.ts';

const ROWS = 8;

const SPECS: Record<Exclude<JobTableKind, 'all'>, { title: string; filter: JobFilter; sort: JobSort; empty: string; label: string }> = {
  active: { title: 'Active Jobs', label: 'Active jobs', filter: { state: [...ACTIVE_STATES] }, sort: '-created', empty: 'No job is running right now.' },
  queue: { title: 'Queue', label: 'Queue', filter: { state: ['pending'] }, sort: 'position', empty: 'The queue is empty: nothing is waiting.' },
  completed: { title: 'Completed Jobs', label: 'Completed jobs', filter: { state: [...FINISHED_STATES] }, sort: '-finished', empty: 'No job has finished yet.' },
};

function openJob(job: CachedJob): void {
  navigate(jobHref(job.clusterId, job.id));
}

function rowClass(job: CachedJob): string | undefined {
  return job.state === 'stuck' ? 'row-stuck' : job.state === 'failed' ? 'row-failed' : undefined;
}

/** One of the three tables. */
export function DashboardTable({ kind, scope }: { kind: Exclude<JobTableKind, 'all'>; scope: Scope }) {
  const spec = SPECS[kind];
  const query = useApiQuery<CachedJobPage>(
    `dash:${kind}:${scope.key}`,
    (api: AdminApi) => api.queryJobs({ clusterIds: scope.clusterIds, filter: spec.filter, sort: spec.sort, limit: ROWS }),
    { refreshOn: jobsStale(scope.clusterIds), minIntervalMs: 250 },
  );
  const setFilter = useUiStore((s) => s.setJobFilter);
  const setSort = useUiStore((s) => s.setJobSort);
  const total = query.data?.total;
  return (
    <Panel
      title={
        <>
          {spec.title} <span className="count-pill num">{formatCount(total)}</span>
        </>
      }
      actions={
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => {
            useUiStore.getState().resetJobFilter();
            setFilter({ states: [...(spec.filter.state ?? [])] });
            setSort(spec.sort);
            navigate(sectionHref('jobs'));
          }}
        >
          View all {total !== undefined && total > ROWS ? formatCount(total) : ''} →
        </button>
      }
    >
      {query.error && !query.data ? <ErrorNote message={query.error.message} onRetry={query.refetch} /> : null}
      <DataTable label={spec.label} columns={jobColumns(kind, scope.several)} data={query.data?.items} getRowId={(j) => `${j.clusterId}/${j.id}`} empty={spec.empty} rowClass={rowClass} onOpenRow={openJob} />
    </Panel>
  );
}
