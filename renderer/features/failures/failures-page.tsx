/**
 * The Failures screen: failed jobs grouped into patterns (message template, cause, count, trend,
 * users, last seen), filtered by the cluster bar's clusters, job type, user and period. Everything
 * comes from the local cache, so it works with a cluster offline.
 */
import { useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import { JOB_TYPE_LABELS, JOB_TYPES, type JobType } from '../../../contract/domain.ts';
import { FAILURE_PERIODS, type FailureGroupPage, type FailureGroupRow, type FailurePeriod } from '../../../contract/failures.ts';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { failureGroupHref, navigate } from '../../app/router.ts';
import { DataTable, type Features, type TableColumn } from '../../components/data-table.tsx';
import { formatCount, formatFullTime, formatRelative } from '../../components/format.ts';
import { MultiSelect } from '../../components/multi-select.tsx';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { ErrorNote } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { CauseBadge, GroupFlags, usersText } from './failure-badges.tsx';
import { Sparkline } from './sparkline.tsx';

const PERIOD_LABELS: Record<FailurePeriod, string> = { '24h': '24 h', '7d': '7 days', '30d': '30 days', all: 'All cached' };
const PERIOD_OPTIONS = FAILURE_PERIODS.map((p) => ({ key: p, label: PERIOD_LABELS[p] }));
const TYPE_OPTIONS = JOB_TYPES.map((t) => ({ key: t, label: JOB_TYPE_LABELS[t] }));

const h = createColumnHelper<Features, FailureGroupRow>();

export function failureGroupColumns(): TableColumn<FailureGroupRow>[] {
  return [
    {
      ...h.accessor('signature', {
        header: 'Pattern',
        cell: (info) => {
          const g = info.row.original;
          return (
            <div className="failure-pattern">
              <span className="failure-template" title={g.signature}>
                {g.signature || '(no message)'}
              </span>
              <span className="failure-pattern-meta">
                <span className="muted">{JOB_TYPE_LABELS[g.jobType as JobType] ?? g.jobType}</span> <span className="tag">{g.errorKind}</span> <GroupFlags group={g} />
              </span>
            </div>
          );
        },
      }),
      layout: {},
    },
    { ...h.accessor('causeLabel', { header: 'Cause', cell: (info) => <CauseBadge group={info.row.original} /> }), layout: { width: '150px' } },
    { ...h.accessor('count', { header: 'Count', cell: (info) => <span className="num">{formatCount(info.getValue())}</span> }), layout: { width: '70px', align: 'right' } },
    { ...h.accessor('hourly', { header: 'Trend (72 h)', cell: (info) => <Sparkline hourly={info.getValue()} label={`Failures per hour of ${info.row.original.signature.slice(0, 60)}`} /> }), layout: { width: '136px' } },
    {
      ...h.accessor('users', {
        header: 'Users',
        cell: (info) => (
          <span className="truncate" title={info.row.original.users.map((u) => `${u.value}: ${u.count}`).join('\n')}>
            {usersText(info.row.original.users)}
          </span>
        ),
      }),
      layout: { width: '170px' },
    },
    {
      ...h.accessor('lastSeenAt', {
        header: 'Last seen',
        cell: (info) => (
          <time className="num" dateTime={info.getValue()} title={formatFullTime(info.getValue())}>
            {formatRelative(info.getValue())}
          </time>
        ),
      }),
      layout: { width: '96px' },
    },
  ];
}

const COLUMNS = failureGroupColumns();

export function FailuresPage() {
  const scope = useScope();
  const [period, setPeriod] = useState<FailurePeriod>('7d');
  const [types, setTypes] = useState<JobType[]>([]);
  const [users, setUsers] = useState<string[]>([]);
  const key = `failures:${scope.key}:${period}:${types.join(',')}:${users.join(',')}`;
  const query = useApiQuery<FailureGroupPage>(
    key,
    (api) => api.listFailureGroups({ clusterIds: scope.clusterIds, period, ...(types.length ? { types } : {}), ...(users.length ? { users } : {}), limit: 200 }),
    { refreshOn: jobsStale(scope.clusterIds), minIntervalMs: 1000 },
  );
  // Users to filter by: those of the groups in view (and those already chosen).
  const everyone = useApiQuery<FailureGroupPage>(`failures:${scope.key}:${period}:users`, (api) => api.listFailureGroups({ clusterIds: scope.clusterIds, period, limit: 500 }), {
    refreshOn: jobsStale(scope.clusterIds),
    minIntervalMs: 5000,
  });
  const userOptions = [...new Set([...users, ...(everyone.data?.items ?? []).flatMap((g) => g.users.map((u) => u.value))])].sort().map((u) => ({ key: u, label: u }));
  const page = query.data;
  const subtitle = page ? `${formatCount(page.failures)} failures in ${formatCount(page.items.length)} patterns · from the local cache` : 'From the local cache';

  return (
    <div className="page failures">
      <PageHeader title="Failures" subtitle={subtitle}>
        <Segmented label="Period" options={PERIOD_OPTIONS} value={period} onChange={setPeriod} />
      </PageHeader>
      <div className="filter-bar" role="group" aria-label="Failure filters">
        <MultiSelect label="Type" options={TYPE_OPTIONS} value={types} onChange={setTypes} />
        <MultiSelect label="User" options={userOptions} value={users} onChange={setUsers} />
        {types.length || users.length ? (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => (setTypes([]), setUsers([]))}>
            Clear filters
          </button>
        ) : null}
      </div>
      {query.error && !query.data ? <ErrorNote message={query.error.message} onRetry={query.refetch} /> : null}
      <Panel title="Failure patterns" subtitle="Failed jobs grouped by job type, error kind and message template; open a pattern for its cause, what it has in common and its jobs">
        <DataTable
          label="Failure patterns"
          columns={COLUMNS}
          data={page?.items}
          loading={!page && !query.error}
          getRowId={(g) => g.id}
          onOpenRow={(g) => navigate(failureGroupHref(g.id))}
          empty={types.length || users.length || period !== 'all' ? 'No failures match these filters in this period.' : 'No failed job in the cache: nothing to group.'}
        />
      </Panel>
    </div>
  );
}
