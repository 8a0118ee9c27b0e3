/** On a failed job's detail: the failure pattern it was put in, linking to the pattern's page. */
import type { FailureGroupRow } from '../../../contract/failures.ts';
import { jobStale } from '../../api/refresh-rules.ts';
import { useApiQuery } from '../../api/use-api-query.ts';
import { failureGroupHref } from '../../app/router.ts';
import { formatCount } from '../../components/format.ts';
import { CauseBadge } from './failure-badges.tsx';

export function JobFailurePattern({ clusterId, jobId }: { clusterId: string; jobId: string }) {
  const query = useApiQuery<FailureGroupRow | null>(`job-failure-group:${clusterId}/${jobId}`, (api) => api.getJobFailureGroup(clusterId, jobId), { refreshOn: jobStale(clusterId, jobId) });
  const g = query.data;
  return (
    <div className="kv-row">
      <dt>Failure pattern</dt>
      <dd>
        {g ? (
          <a href={failureGroupHref(g.id)} className="job-failure-pattern" title={g.signature}>
            <CauseBadge group={g} /> <span className="failure-template">{g.signature || '(no message)'}</span> <span className="muted num">({formatCount(g.count)} failures)</span>
          </a>
        ) : (
          <span className="muted">{query.data === null ? 'not grouped yet (its stack is still on its way from the cluster)' : '…'}</span>
        )}
      </dd>
    </div>
  );
}
