/**
 * Column sets of the job tables, in the admins' words: Active jobs, Queue, Completed, and the Jobs
 * view's full list. Shared by the dashboard tables and the Jobs view so they read the same.
 * Built once per variant (TanStack Table needs stable column definitions).
 */
import { createColumnHelper } from '@tanstack/react-table';
import type { CachedJob } from '../../contract/admin-api.ts';
import { JOB_TYPE_INFO, JOB_TYPE_LABELS } from '../../contract/domain.ts';
import { useApiQuery } from '../api/use-api-query.ts';
import { jobHref } from '../app/router.ts';
import { PriorityBadge, StateBadge } from './badges.tsx';
import { ClusterName } from './cluster-name.tsx';
import { JobStateBadge, PlaceInLine } from './delay-badge.tsx';
import { formatFullTime, formatTimeToMinute } from './format.ts';
import { JobRowActions, type JobTableKind } from './job-actions.tsx';
import { JobElapsed, JobEta } from './job-timing.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { useRowTabIndex } from './row-navigation.tsx';
import { SelectCheckbox } from './select-checkbox.tsx';
import type { Features, TableColumn } from './data-table.tsx';
import { showDirectionControls } from './display-text.ts';

const h = createColumnHelper<Features, CachedJob>();

/**
 * Columns are sized in pixels to what they show (the longest type label, state pill, time and
 * buttons), so a label is never cut when more columns come in view; the job id takes the rest.
 * With the Cluster column, the widest table still leaves the id this much at 1280 px.
 */
export const JOB_ID_MIN_PX = 130;

function col(def: TableColumn<CachedJob>, layout: TableColumn<CachedJob>['layout']): TableColumn<CachedJob> {
  return { ...def, layout };
}

/**
 * A job id as shown in a cell: the generated tail that tells jobs apart never shrinks, the prefix
 * before it (the job type, repeated in the Type column) gives way first. A run of a schedule
 * (BullMQ job schedulers make `repeat:<schedulerId>:<millis>`) is shown by its schedule and the time
 * it was due, since every run of a schedule shares the same long prefix.
 */
export type JobIdParts = { kind: 'plain'; head: string; tail: string } | { kind: 'scheduled'; schedulerId: string; dueAt: number };

export function jobIdParts(id: string): JobIdParts {
  const repeat = /^repeat:(.+):(\d{10,})$/.exec(id);
  if (repeat) return { kind: 'scheduled', schedulerId: repeat[1]!, dueAt: Number(repeat[2]) };
  const generated = /^(.*-)([a-z0-9]{8,}(?:-\d+)*)$/.exec(id);
  return generated ? { kind: 'plain', head: generated[1]!, tail: generated[2]! } : { kind: 'plain', head: '', tail: id };
}

/** The job id, linking to its detail (a tab stop only in the table's active row). */
function JobIdLink({ job }: { job: CachedJob }) {
  const tabIndex = useRowTabIndex();
  const parts = jobIdParts(job.id);
  return (
    <a className={`job-link job-id ${parts.kind === 'scheduled' ? 'job-id-scheduled' : 'mono'}`} href={jobHref(job.clusterId, job.id)} title={job.id} tabIndex={tabIndex}>
      {parts.kind === 'scheduled' ? (
        <ScheduledRunId clusterId={job.clusterId} schedulerId={parts.schedulerId} dueAt={parts.dueAt} />
      ) : (
        <>
          <span className="job-id-head">{parts.head}</span>
          <span className="job-id-tail">{parts.tail}</span>
        </>
      )}
    </a>
  );
}

/** "⟳ Nightly signals · 22:00": the schedule's name (its id while names are loading or unknown) and the run's due time. */
function ScheduledRunId({ clusterId, schedulerId, dueAt }: { clusterId: string; schedulerId: string; dueAt: number }) {
  const schedules = useApiQuery(`schedules:${clusterId}`, (api) => api.listSchedules(clusterId), { minIntervalMs: 60_000 });
  const name = schedules.data?.find((s) => s.id === schedulerId)?.name ?? schedulerId;
  return (
    <>
      <span className="job-id-head">
        <span aria-hidden="true">⟳ </span>
        {name}
      </span>
      <span className="job-id-tail"> · {formatTimeToMinute(new Date(dueAt).toISOString())}</span>
    </>
  );
}

const jobId = col(
  h.accessor('id', {
    header: 'Job ID',
    cell: (info) => <JobIdLink job={info.row.original} />,
  }),
  // No width: the id takes what the sized columns leave (at least JOB_ID_MIN_PX at 1280 px).
  {},
);

const type = (header: string) =>
  col(
    h.accessor('type', {
      id: `type-${header}`,
      header,
      cell: (info) => <span title={JOB_TYPE_INFO[info.row.original.type].description}>{JOB_TYPE_LABELS[info.row.original.type]}</span>,
    }),
    { width: '140px' },
  );

const user = col(h.accessor('user', { header: 'User', cell: (info) => <span className="truncate" title={showDirectionControls(info.getValue())}>{showDirectionControls(info.getValue())}</span> }), {
  width: '84px',
});

// To the minute: "07:31 AM" fits where "07:31:50 AM" would be cut; the title has the full time.
const time = (key: 'createdAt' | 'startedAt' | 'finishedAt', header: string) =>
  col(
    h.accessor(key, {
      header,
      cell: (info) => (
        <time className="num" dateTime={info.getValue() ?? undefined} title={formatFullTime(info.getValue())}>
          {formatTimeToMinute(info.getValue())}
        </time>
      ),
    }),
    { width: '80px' },
  );

const progress = col(
  h.accessor('progress', {
    header: 'Progress',
    cell: (info) => {
      const p = info.getValue();
      // The running table has no state column: a job whose worker is lost says so where it shows progress.
      if (info.row.original.workerLost) return <StateBadge state={info.row.original.state} workerLost />;
      return p ? <ProgressBar percent={p.percent} step={p.step} label={`Progress of job ${info.row.original.id}`} /> : <span className="muted">Starting…</span>;
    },
  }),
  { width: '190px' },
);

const eta = col(
  h.accessor('eta', {
    header: 'ETA',
    cell: (info) => <JobEta job={info.row.original} />,
  }),
  { width: '110px' },
);

const state = (header: string) =>
  col(h.accessor('state', { id: `state-${header}`, header, cell: (info) => <JobStateBadge job={info.row.original} /> }), {
    width: '104px',
  });

const priority = col(h.accessor('priority', { header: 'Priority', cell: (info) => <PriorityBadge priority={info.getValue()} /> }), {
  width: '84px',
});

const position = col(
  h.accessor('position', {
    header: 'Place in queue',
    cell: (info) => {
      const place = info.getValue();
      const job = info.row.original;
      return <PlaceInLine job={job} place={place ?? undefined} title={place ? `Number ${place} in line in the ${JOB_TYPE_LABELS[job.type]} queue` : undefined} />;
    },
  }),
  { width: '120px', align: 'right' },
);

const duration = col(h.accessor('durationMs', { header: 'Duration', cell: (info) => <JobElapsed job={info.row.original} /> }), {
  width: '76px',
  align: 'right',
});

const cluster = col(h.accessor('clusterId', { header: 'Cluster', cell: (info) => <ClusterName id={info.getValue()} /> }), {
  width: '96px',
});

const select = col(
  h.display({
    id: 'select',
    header: () => <span className="sr-only">Selected</span>,
    cell: (info) => <SelectCheckbox job={info.row.original} />,
  }),
  { width: '32px' },
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

export type { JobTableKind };

const cache = new Map<string, TableColumn<CachedJob>[]>();

/** The columns of one job table. `showCluster` adds a Cluster column when several clusters are in view. */
export function jobColumns(kind: JobTableKind, showCluster: boolean, selectable = false): TableColumn<CachedJob>[] {
  const key = `${kind}:${showCluster}:${selectable}`;
  let columns = cache.get(key);
  if (columns) return columns;
  const clusterCol = showCluster ? [cluster] : [];
  switch (kind) {
    case 'active':
      columns = [jobId, type('Type'), user, time('startedAt', 'Started'), progress, eta, ...clusterCol, actions((j) => <JobRowActions job={j} kind="active" />, '116px')];
      break;
    case 'queue':
      // Places in line are per queue (one queue per job type), so the queue stands next to them.
      columns = [jobId, type('Queue'), position, priority, user, time('createdAt', 'Created'), ...clusterCol, actions((j) => <JobRowActions job={j} kind="queue" />, '176px')];
      break;
    case 'completed':
      columns = [jobId, type('Type'), state('Status'), duration, time('finishedAt', 'Finished'), ...clusterCol, actions((j) => <JobRowActions job={j} kind="completed" />, '160px')];
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
        actions((j) => <JobRowActions job={j} kind="all" />, '116px'),
      ];
      break;
  }
  cache.set(key, columns);
  return columns;
}
