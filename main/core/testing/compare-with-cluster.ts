/**
 * For integration tests: every job a cluster has (paged from its job list) against every job
 * the desktop has cached for it (paged through the AdminApi), field by field.
 */
import type { AdminApi, CachedJob } from '../../../contract/admin-api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { Job } from '../../../contract/jobs.ts';
import { ClusterHttp } from '../clusters/cluster-http.ts';

/** The fields that must agree (position/eta are live estimates, refreshed separately). */
const FIELDS = ['id', 'type', 'state', 'priority', 'user', 'createdAt', 'startedAt', 'finishedAt', 'attempts', 'maxAttempts', 'errorMessage', 'updatedAt'] as const;

export async function clusterJobs(url: string, token: string): Promise<Job[]> {
  const http = new ClusterHttp({ url, token });
  try {
    const all: Job[] = [];
    let cursor: string | undefined;
    do {
      const page = await http.call(API_ROUTES.listJobs, { query: { limit: 500, cursor, sort: 'created' }, timeoutMs: 30_000 });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  } finally {
    await http.close();
  }
}

export async function cachedJobs(api: AdminApi, clusterId: string): Promise<CachedJob[]> {
  const all: CachedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.queryJobs({ clusterIds: [clusterId], sort: 'created', limit: 1000, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** The differences between the cluster and the cache (empty when equal), in words. */
export async function differences(api: AdminApi, clusterId: string, url: string, token: string): Promise<string[]> {
  const [cluster, cached] = await Promise.all([clusterJobs(url, token), cachedJobs(api, clusterId)]);
  const byId = new Map(cached.map((j) => [j.id, j]));
  const diffs: string[] = [];
  for (const job of cluster) {
    const c = byId.get(job.id);
    byId.delete(job.id);
    if (!c) {
      diffs.push(`${job.id}: missing from the cache`);
      continue;
    }
    for (const f of FIELDS) {
      const a = job[f] === undefined ? null : job[f];
      const b = c[f] === undefined ? null : c[f];
      const norm = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v).toISOString() : v);
      if (norm(a) !== norm(b)) diffs.push(`${job.id}.${f}: cluster ${String(a)}, cache ${String(b)}`);
    }
  }
  for (const id of byId.keys()) diffs.push(`${id}: in the cache but not on the cluster`);
  return diffs;
}
