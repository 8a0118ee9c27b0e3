/**
 * One failure pattern: its template, cause and the suggested steps, what its jobs have in common
 * (against the same type's completed jobs), a sample error with its stack and the reason of each
 * attempt, and its failed jobs in the usual table. From here: retry all (dry run first), cancel the
 * pending ones, export, merge into another pattern. All from the cache; actions need the cluster.
 */
import { useState } from 'react';
import type { CachedJob } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS, type JobType } from '../../../contract/domain.ts';
import type { FailureGroupDetail, FailureGroupPage as FailureGroupList } from '../../../contract/failures.ts';
import { errorMessage } from '../../api/admin-api-error.ts';
import { useAdminApi } from '../../api/api-context.tsx';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { failureGroupHref, jobHref, navigate, sectionHref } from '../../app/router.ts';
import { DataTable } from '../../components/data-table.tsx';
import { downloadText } from '../../components/download.ts';
import { formatCount, formatFullTime, formatRelative } from '../../components/format.ts';
import { jobColumns } from '../../components/job-columns.tsx';
import { PageHeader, Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import { useScope } from '../../components/use-scope.ts';
import { CauseBadge, GroupFlags, usersText } from './failure-badges.tsx';
import { GroupActionDialog } from './group-action-dialog.tsx';
import { Sparkline } from './sparkline.tsx';

const JOB_ROWS = 50;

export function FailureGroupPage({ groupId }: { groupId: string }) {
  const api = useAdminApi();
  const scope = useScope();
  const stale = jobsStale();
  const detail = useApiQuery<FailureGroupDetail>(`failure-group:${groupId}`, (a) => a.getFailureGroup(groupId), { refreshOn: stale, minIntervalMs: 1000 });
  const [limit, setLimit] = useState(JOB_ROWS);
  const jobs = useApiQuery(`failure-group-jobs:${groupId}:${limit}`, (a) => a.queryFailureGroupJobs(groupId, { limit }), { refreshOn: stale, minIntervalMs: 1000 });
  const [action, setAction] = useState<'retry' | 'cancel' | null>(null);
  const [merging, setMerging] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  async function exportAs(format: 'csv' | 'json') {
    try {
      const file = await api.exportFailureGroup(groupId, format);
      downloadText(file.filename, file.mimeType, file.content);
    } catch (e) {
      setNote(errorMessage(e));
    }
  }

  const d = detail.data;
  if (!d) {
    return (
      <div className="page failure-group">
        <PageHeader title="Failure pattern">
          <a className="btn btn-ghost" href={sectionHref('failures')}>
            ← All failures
          </a>
        </PageHeader>
        {detail.error ? <ErrorNote message={detail.error.message} onRetry={detail.refetch} /> : <LoadingRows rows={4} label="Loading the failure pattern" />}
      </div>
    );
  }
  const g = d.group;
  return (
    <div className="page failure-group">
      <PageHeader
        title="Failure pattern"
        subtitle={
          <>
            {JOB_TYPE_LABELS[g.jobType as JobType] ?? g.jobType} · {formatCount(g.count)} failures · first seen {formatRelative(g.firstSeenAt)}, last seen{' '}
            <time dateTime={g.lastSeenAt} title={formatFullTime(g.lastSeenAt)}>
              {formatRelative(g.lastSeenAt)}
            </time>
          </>
        }
      >
        <a className="btn btn-ghost" href={sectionHref('failures')}>
          ← All failures
        </a>
        <button type="button" className="btn btn-primary" onClick={() => setAction('retry')}>
          Retry all…
        </button>
        <button type="button" className="btn" onClick={() => setAction('cancel')}>
          Cancel pending…
        </button>
        <button type="button" className="btn" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" className="btn" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setMerging((m) => !m)} aria-expanded={merging}>
          Merge into…
        </button>
      </PageHeader>
      {note ? <ErrorNote message={note} onRetry={() => setNote(null)} /> : null}
      {merging ? <MergeChooser groupId={g.id} onDone={(into) => (setMerging(false), into ? navigate(failureGroupHref(into)) : undefined)} /> : null}

      <div className="dash-row">
        <Panel title="Pattern" subtitle={`${g.errorKind}${g.topFrames.length ? ` · thrown in ${g.topFrames[0]}` : ''}`}>
          <div className="failure-templates">
            {d.templates.map((t, i) => (
              <code key={i} className="failure-template-block">
                {t || '(no message)'}
              </code>
            ))}
          </div>
          <dl className="kv">
            <div className="kv-row">
              <dt>Cause</dt>
              <dd>
                <CauseBadge group={g} /> <GroupFlags group={g} />
              </dd>
            </div>
            <div className="kv-row">
              <dt>Users</dt>
              <dd className="wrap-text">{usersText(g.users, 5)}</dd>
            </div>
            {scope.several || g.clusters.length > 1 ? (
              <div className="kv-row">
                <dt>Clusters</dt>
                <dd>{g.clusters.map((c) => `${c.value} (${c.count})`).join(', ')}</dd>
              </div>
            ) : null}
            <div className="kv-row">
              <dt>Trend (72 h)</dt>
              <dd>
                <Sparkline hourly={g.hourly} label="Failures per hour" />
              </dd>
            </div>
          </dl>
        </Panel>
        <Panel title="Suggested steps" subtitle={g.causeLabel}>
          <ol className="steps-list">
            {d.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </Panel>
      </div>

      <Panel title="What these failures have in common" subtitle={`${formatCount(d.compared.failed)} failed jobs compared with ${formatCount(d.compared.completed)} completed jobs of the same type`}>
        {d.inCommon.length === 0 ? (
          <EmptyState
            title="Nothing stands out"
            hint={d.compared.completed === 0 ? 'No completed job of this type is cached to compare with yet.' : 'No config value, user, node or hour is much more frequent here than among completed jobs.'}
          />
        ) : (
          <ul className="in-common-list" aria-label="In common">
            {d.inCommon.map((f) => (
              <li key={`${f.dimension}:${f.condition}`}>
                <span className="tag">{f.dimension}</span> {f.text}
              </li>
            ))}
          </ul>
        )}
        {d.withoutDetail > 0 ? <p className="muted">{formatCount(d.withoutDetail)} failed jobs still wait for their configuration from the cluster and are not compared yet.</p> : null}
      </Panel>

      <Panel title="Sample error" subtitle={d.sample ? <a href={jobHref(d.sample.clusterId, d.sample.jobId)}>{d.sample.jobId}</a> : undefined}>
        {d.sample ? (
          <div className="failure-sample">
            <p className="failure-message">{d.sample.errorMessage}</p>
            {d.sample.attemptReasons.length > 1 ? (
              <ol className="attempt-list" aria-label="Reason of each attempt">
                {d.sample.attemptReasons.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ol>
            ) : null}
            {d.sample.errorStack ? (
              <details className="error-section" open>
                <summary>Stack trace</summary>
                <pre className="code">{d.sample.errorStack}</pre>
              </details>
            ) : (
              <p className="muted">The cluster has not sent this job's stack yet (or no longer keeps it).</p>
            )}
          </div>
        ) : (
          <EmptyState title="No failed job of this pattern is cached" />
        )}
      </Panel>

      <Panel title={<>Failed jobs <span className="count-pill num">{formatCount(jobs.data?.total)}</span></>}>
        {jobs.error && !jobs.data ? <ErrorNote message={jobs.error.message} onRetry={jobs.refetch} /> : null}
        <DataTable
          label="Failed jobs of this pattern"
          columns={jobColumns('completed', scope.several)}
          data={jobs.data?.items}
          loading={!jobs.data && !jobs.error}
          getRowId={(j: CachedJob) => `${j.clusterId}/${j.id}`}
          rowClass={() => 'row-failed'}
          onOpenRow={(j) => navigate(jobHref(j.clusterId, j.id))}
          empty="None of this pattern's jobs is failed right now (they may have been retried)."
        />
        {jobs.data?.nextCursor ? (
          <button type="button" className="btn btn-small" onClick={() => setLimit((l) => l + JOB_ROWS * 4)}>
            Show more
          </button>
        ) : null}
      </Panel>
      {action ? <GroupActionDialog groupId={g.id} action={action} onClose={() => setAction(null)} /> : null}
    </div>
  );
}

/** Pick the pattern to merge this one into (two templates that are one problem). */
function MergeChooser({ groupId, onDone }: { groupId: string; onDone: (into: string | null) => void }) {
  const api = useAdminApi();
  const others = useApiQuery<FailureGroupList>('failure-groups:merge', (a) => a.listFailureGroups({ period: 'all', limit: 500 }));
  const [into, setInto] = useState('');
  const [error, setError] = useState<string | null>(null);
  const options = (others.data?.items ?? []).filter((g) => g.id !== groupId);
  return (
    <Panel title="Merge into another pattern" subtitle="Its jobs and later failures of its template count for the pattern you pick; the merge is kept across restarts">
      <div className="merge-row">
        <select aria-label="Pattern to merge into" value={into} onChange={(e) => setInto(e.target.value)} className="merge-select">
          <option value="">Choose a pattern…</option>
          {options.map((g) => (
            <option key={g.id} value={g.id}>
              {`${g.jobType}: ${g.signature.slice(0, 140)} (${g.count})`}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!into}
          onClick={() =>
            void api.mergeFailureGroups(groupId, into).then(
              (g) => onDone(g.id),
              (e: unknown) => setError(errorMessage(e)),
            )
          }
        >
          Merge
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
      {error ? <ErrorNote message={error} /> : null}
    </Panel>
  );
}
