/**
 * Column sets of the job tables, in the admins' words: Active jobs, Queue, Completed, and the Jobs
 * view's full list. Shared by the dashboard tables and the Jobs view so they read the same.
 * Built once per variant (TanStack Table needs stable column definitions).
 */
import { createColumnHelper } from '@tanstack/react-table';
import type { CachedJob } from '../../contract/admin-api.ts';
import { JOB_TYPE_INFO, JOB_TYPE_LABELS } from '../../contract/domain.ts';
import { jobHref } from '../app/router.ts';
import { PriorityBadge, StateBadge } from './badges.tsx';
import { ClusterName } from './cluster-name.tsx';
import { formatFullTime, formatTime } from './format.ts';
import { CancelButton, PrioritySelect, RetryButton, StopButton, ViewLink } from './job-actions.tsx';
import { JobElapsed, JobEta } from './job-timing.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { useRowTabIndex } from './row-navigation.tsx';
import { SelectCheckbox } from './select-checkbox.tsx';
import type { Features, TableColumn } from './data-table.tsx';

const h = createColumnHelper<Features, CachedJob>();

function col(def: TableColumn<CachedJob>, layout: TableColumn<CachedJob>['layout']): TableColumn<CachedJob> {
  return { ...def, layout };
}

/** The job id, linking to its detail (a tab stop only in the table's active row). */
function JobIdLink({ job }: { job: CachedJob }) {
  const tabIndex = useRowTabIndex();
  return (
    <a className="job-link mono" href={jobHref(job.clusterId, job.id)} title={job.id} tabIndex={tabIndex}>
      {job.id}
    </a>
  );
}

const jobId = col(
  h.accessor('id', {
    header: 'Job ID',
    cell: (info) => <JobIdLink job={info.row.original} />,
  }),
  { width: '17%' },
);

const type = (header: string) =>
  col(
    h.accessor('type', {
      id: `type-${header}`,
      header,
      cell: (info) => <span title={JOB_TYPE_INFO[info.row.original.type].description}>{JOB_TYPE_LABELS[info.row.original.type]}</span>,
    }),
    { width: '12%' },
  );

const user = col(h.accessor('user', { header: 'User', cell: (info) => <span className="truncate" title={info.getValue()}>{info.getValue()}</span> }), {
  width: '9%',
});

const time = (key: 'createdAt' | 'startedAt' | 'finishedAt', header: string) =>
  col(
    h.accessor(key, {
      header,
      cell: (info) => (
        <time className="num" dateTime={info.getValue() ?? undefined} title={formatFullTime(info.getValue())}>
          {formatTime(info.getValue())}
        </time>
      ),
    }),
    { width: '10%' },
  );

const progress = col(
  h.accessor('progress', {
    header: 'Progress',
    cell: (info) => {
      const p = info.getValue();
      return p ? <ProgressBar percent={p.percent} step={p.step} label={`Progress of job ${info.row.original.id}`} /> : <span className="muted">Starting…</span>;
    },
  }),
  { width: '24%' },
);

const eta = col(
  h.accessor('eta', {
    header: 'ETA',
    cell: (info) => <JobEta job={info.row.original} />,
  }),
  { width: '9%' },
);

const state = (header: string) =>
  col(h.accessor('state', { id: `state-${header}`, header, cell: (info) => <StateBadge state={info.row.original.state} /> }), {
    width: '10%',
  });

const priority = col(h.accessor('priority', { header: 'Priority', cell: (info) => <PriorityBadge priority={info.getValue()} /> }), {
  width: '9%',
});

const position = col(
  h.accessor('position', {
    header: 'Place in queue',
    cell: (info) => {
      const place = info.getValue();
      const job = info.row.original;
      return (
        <span className="num" title={place ? `Number ${place} in line in the ${JOB_TYPE_LABELS[job.type]} queue` : undefined}>
          {place ?? '—'}
        </span>
      );
    },
  }),
  { width: '9%', align: 'right' },
);

const duration = col(h.accessor('durationMs', { header: 'Duration', cell: (info) => <JobElapsed job={info.row.original} /> }), {
  width: '10%',
  align: 'right',
});

const cluster = col(h.accessor('clusterId', { header: 'Cluster', cell: (info) => <ClusterName id={info.getValue()} /> }), {
  width: '12%',
});

const select = col(
  h.display({
    id: 'select',
    header: () => <span className="sr-only">Selected</span>,
    cell: (info) => <SelectCheckbox job={info.row.original} />,
  }),
  { width: '36px' },
);

function actions(render: (job: CachedJob) => React.ReactNode, width: string) {
  return col(
    h.display({
      id: 'actions',
      header: 'Actions',
      cell: (info) => <div className="row-actions">{render(info.row.original)}</div>,
    }),
    { width },
  );
}

/** Actions that fit a job's state in the full list. */
function stateActions(job: CachedJob) {
  switch (job.state) {
    case 'pending':
      return <CancelButton job={job} />;
    case 'running':
    case 'paused':
    case 'stuck':
      return <StopButton job={job} />;
    default:
      return <RetryButton job={job} />;
  }
}

export type JobTableKind = 'active' | 'queue' | 'completed' | 'all';

const cache = new Map<string, TableColumn<CachedJob>[]>();

/** The columns of one job table. `showCluster` adds a Cluster column when several clusters are in view. */
export function jobColumns(kind: JobTableKind, showCluster: boolean, selectable = false): TableColumn<CachedJob>[] {
  const key = `${kind}:${showCluster}:${selectable}`;
  let columns = cache.get(key);
  if (columns) return columns;
  const clusterCol = showCluster ? [cluster] : [];
  switch (kind) {
    case 'active':
      columns = [jobId, type('Type'), user, time('startedAt', 'Started'), progress, eta, ...clusterCol, actions((j) => (
        <>
          <StopButton job={j} />
          <ViewLink job={j} />
        </>
      ), '13%')];
      break;
    case 'queue':
      // Places in line are per queue (one queue per job type), so the queue stands next to them.
      columns = [jobId, type('Queue'), position, priority, user, time('createdAt', 'Created'), ...clusterCol, actions((j) => (
        <>
          <CancelButton job={j} />
          <PrioritySelect job={j} />
        </>
      ), '19%')];
      break;
    case 'completed':
      columns = [jobId, type('Type'), state('Status'), duration, time('finishedAt', 'Finished'), ...clusterCol, actions((j) => (
        <>
          <ViewLink job={j} label="View results" tab="results" />
          <RetryButton job={j} />
        </>
      ), '20%')];
      break;
    case 'all':
      columns = [
        ...(selectable ? [select] : []),
        jobId,
        type('Type'),
        state('State'),
        priority,
        user,
        time('createdAt', 'Created'),
        duration,
        time('finishedAt', 'Finished'),
        ...clusterCol,
        actions((j) => (
          <>
            {stateActions(j)}
            <ViewLink job={j} />
          </>
        ), '12%'),
      ];
      break;
  }
  cache.set(key, columns);
  return columns;
}
