/**
 * Job detail: the job's header and actions, and four tabs — Overview, Configuration, Progress,
 * Results — kept live while the job changes. The tab lives in the URL.
 */
import type { CachedJobDetail } from '../../../contract/admin-api.ts';
import { JOB_TYPE_LABELS } from '../../../contract/domain.ts';
import { jobStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { JobStateBadge } from '../../components/delay-badge.tsx';
import { formatRelative } from '../../components/format.ts';
import { ErrorNote, LoadingRows } from '../../components/states.tsx';
import { Tabs } from '../../components/tabs.tsx';
import { jobHref, navigate, sectionHref, type DetailTab } from '../../app/router.ts';
import { ConfigurationTab } from './configuration-tab.tsx';
import { JobActionsBar } from './job-actions-bar.tsx';
import { OverviewTab } from './overview-tab.tsx';
import { ProgressTab } from './progress-tab.tsx';
import { ResultsTab } from './results-tab.tsx';

const TABS: { key: DetailTab; label: string }[] = [
  { key: 'overview', label: 'Overview' },
  { key: 'configuration', label: 'Configuration' },
  { key: 'progress', label: 'Progress' },
  { key: 'results', label: 'Results' },
];

/** The detail view of one job. */
export function JobDetailPage({ clusterId, jobId, tab }: { clusterId: string; jobId: string; tab: DetailTab }) {
  const q = useApiQuery<CachedJobDetail>(`job:${clusterId}:${jobId}`, (api) => api.getJob(clusterId, jobId), {
    refreshOn: jobStale(clusterId, jobId),
    minIntervalMs: 300,
    // Resource samples and log lines also arrive without a state change.
    pollMs: 5000,
  });
  const job = q.data;
  return (
    <div className="page job-detail">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={sectionHref('jobs')}>Jobs</a> <span aria-hidden="true">/</span> <span className="mono">{jobId}</span>
      </nav>
      {q.error && !job ? <ErrorNote message={q.error.message} onRetry={q.refetch} /> : null}
      {!job && !q.error ? <LoadingRows rows={6} label="Loading job" /> : null}
      {job ? (
        <>
          <div className="detail-head">
            <div className="detail-title">
              <h1>
                {JOB_TYPE_LABELS[job.type]} <span className="mono detail-id">{job.id}</span>
              </h1>
              <JobStateBadge job={job} />
              <PriorityBadge priority={job.priority} />
              <span className="muted">by {job.user}</span>
            </div>
            {job.fromCache ? (
              <div className="banner-inline" role="status">
                From the local cache (updated {formatRelative(job.updatedAt)}): the cluster is not reachable.
              </div>
            ) : null}
            <JobActionsBar job={job} />
          </div>
          <Tabs label="Job detail" tabs={TABS} selected={tab} onSelect={(t) => navigate(jobHref(clusterId, jobId, t))}>
            {tab === 'overview' ? <OverviewTab job={job} /> : null}
            {tab === 'configuration' ? <ConfigurationTab config={job.config} /> : null}
            {tab === 'progress' ? <ProgressTab job={job} /> : null}
            {tab === 'results' ? <ResultsTab job={job} /> : null}
          </Tabs>
        </>
      ) : null}
    </div>
  );
}
