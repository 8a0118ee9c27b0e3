/** The dashboard's "Top failure patterns": the patterns with the most failures in the last 24 hours, from the cache. */
import type { FailureGroupPage } from '../../../contract/failures.ts';
import { jobsStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { failureGroupHref, navigate, sectionHref } from '../../app/router.ts';
import { formatCount, formatRelative } from '../../components/format.ts';
import { Panel } from '../../components/panel.tsx';
import { EmptyState, ErrorNote, LoadingRows } from '../../components/states.tsx';
import type { Scope } from '../../components/use-scope.ts';
import { CauseBadge, GroupFlags } from './failure-badges.tsx';
import { Sparkline } from './sparkline.tsx';

const SHOWN = 5;

export function TopFailuresCard({ scope }: { scope: Scope }) {
  const query = useApiQuery<FailureGroupPage>(`failures-top:${scope.key}`, (api) => api.listFailureGroups({ clusterIds: scope.clusterIds, period: '24h', limit: SHOWN }), {
    refreshOn: jobsStale(scope.clusterIds),
    minIntervalMs: 2000,
  });
  const page = query.data;
  return (
    <Panel
      title="Top failure patterns"
      subtitle={page ? `${formatCount(page.failures)} failures in the last 24 h` : 'Last 24 h'}
      actions={
        <button type="button" className="btn btn-small btn-ghost" onClick={() => navigate(sectionHref('failures'))}>
          All failures →
        </button>
      }
    >
      {query.error && !page ? <ErrorNote message={query.error.message} onRetry={query.refetch} /> : null}
      {!page && !query.error ? <LoadingRows rows={3} label="Loading failure patterns" /> : null}
      {page && page.items.length === 0 ? <EmptyState title="No failures in the last 24 hours" /> : null}
      {page && page.items.length > 0 ? (
        <ul className="top-failures" aria-label="Top failure patterns">
          {page.items.map((g) => (
            <li key={g.id}>
              <a href={failureGroupHref(g.id)} className="top-failure-link">
                <span className="failure-template" title={g.signature}>
                  {g.signature || '(no message)'}
                </span>
                <span className="top-failure-meta">
                  <CauseBadge group={g} /> <GroupFlags group={g} /> <span className="muted">{g.jobType} · last {formatRelative(g.lastSeenAt)}</span>
                </span>
              </a>
              <Sparkline hourly={g.hourly.slice(-24)} label="Failures per hour, last 24 h" />
              <span className="num top-failure-count">{formatCount(g.count)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}
