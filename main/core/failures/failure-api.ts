/**
 * The AdminApi's failure-pattern methods: reads from the cache (offline too) and group actions
 * through the cluster's existing bulk action — with the ids of exactly the group's jobs, so a
 * retry retries its failed jobs and nothing else, one bulk request per cluster.
 */
import type { AdminApi } from '../../../contract/admin-api.ts';
import { FailureGroupQuery, type FailureGroupActionResult } from '../../../contract/failure-api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { Job } from '../../../contract/jobs.ts';
import { AdminError } from '../admin-error.ts';
import type { JobCache } from '../cache/job-cache.ts';
import { ClusterRequestError } from '../clusters/cluster-errors.ts';
import type { ClusterRegistry } from '../clusters/cluster-registry.ts';
import { exportJobs } from '../job-export.ts';
import { FailureCursorError } from './failure-store.ts';

export interface FailureApiContext {
  cache: JobCache;
  registry: ClusterRegistry;
  /** Write job records an action returned into the cache (and tell the UI). */
  upsertFromCluster(clusterId: string, jobs: Job[]): void;
}

type FailureMethods = Pick<
  AdminApi,
  | 'listFailureGroups'
  | 'getFailureGroup'
  | 'queryFailureGroupJobs'
  | 'getJobFailureGroup'
  | 'mergeFailureGroups'
  | 'retryFailureGroup'
  | 'cancelFailureGroupPending'
  | 'exportFailureGroup'
>;

/** Bulk requests carry at most this many ids; a larger group is sent in several. */
const IDS_PER_REQUEST = 10_000;

export function createFailureApi(ctx: FailureApiContext): FailureMethods {
  const failures = () => ctx.cache.failures;

  function knownGroup(id: string): string {
    const resolved = failures().resolve(id);
    if (!resolved) throw new AdminError('not-found', `There is no failure group ${id} in the cache: it may have been merged away or its jobs left the retention window. Reload the Failures screen.`, 404);
    return resolved;
  }

  async function groupAction(id: string, action: 'retry' | 'cancel', dryRun: boolean): Promise<FailureGroupActionResult> {
    const group = knownGroup(id);
    const byCluster = failures().jobIdsByCluster(group, action === 'retry' ? 'failed' : 'pending');
    const result: FailureGroupActionResult = { action, dryRun, matched: 0, ok: 0, skipped: 0, failed: 0, clusters: [] };
    for (const [clusterId, ids] of byCluster) {
      const entry: FailureGroupActionResult['clusters'][number] = { clusterId, matched: 0, ok: 0, skipped: 0, failed: 0, results: [], error: null };
      result.clusters.push(entry);
      if (!ctx.registry.ids().includes(clusterId)) {
        entry.error = `cluster ${clusterId} is no longer configured`;
        continue;
      }
      try {
        for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
          const body = { action, ids: ids.slice(i, i + IDS_PER_REQUEST), dryRun, ...(action === 'cancel' ? { reason: 'cancelled with its failure pattern' } : {}) };
          const response = await ctx.registry.client(clusterId).http.call(API_ROUTES.bulkAction, { body, timeoutMs: 120_000 });
          entry.matched += response.matched;
          entry.ok += response.ok;
          entry.skipped += response.skipped;
          entry.failed += response.failed;
          entry.results.push(...response.results);
          ctx.upsertFromCluster(clusterId, response.results.map((r) => r.job).filter((j): j is Job => j !== undefined));
        }
      } catch (error) {
        if (!(error instanceof ClusterRequestError) && !(error instanceof AdminError)) throw error;
        entry.error = error.message;
      }
      result.matched += entry.matched;
      result.ok += entry.ok;
      result.skipped += entry.skipped;
      result.failed += entry.failed;
    }
    return result;
  }

  return {
    async listFailureGroups(rawQuery) {
      const query = FailureGroupQuery.parse(rawQuery ?? {});
      for (const id of query.clusterIds ?? []) ctx.registry.view(id);
      return failures().list({ clusterIds: query.clusterIds, types: query.types, users: query.users, period: query.period, limit: query.limit });
    },
    async getFailureGroup(id) {
      const detail = failures().detail(knownGroup(id));
      if (!detail) throw new AdminError('not-found', `There is no failure group ${id} in the cache.`, 404);
      return detail;
    },
    async queryFailureGroupJobs(id, query) {
      try {
        const page = failures().jobs(knownGroup(id), query?.cursor, query?.limit ?? 100);
        if (!page) throw new AdminError('not-found', `There is no failure group ${id} in the cache.`, 404);
        const times = ctx.registry.ids().map((c) => (ctx.registry.isOnline(c) ? new Date().toISOString() : ctx.cache.syncState(c).lastSyncAt));
        const known = times.filter((t): t is string => t !== null).sort();
        return { ...page, syncedAt: known[0] ?? null };
      } catch (error) {
        if (error instanceof FailureCursorError) throw new AdminError('invalid-arguments', error.message, 400);
        throw error;
      }
    },
    async getJobFailureGroup(clusterId, jobId) {
      ctx.registry.view(clusterId);
      const id = failures().groupIdOfJob(clusterId, jobId);
      return id ? failures().groupRow(id) : null;
    },
    async mergeFailureGroups(fromId, intoId) {
      const from = knownGroup(fromId);
      const into = knownGroup(intoId);
      if (from === into) throw new AdminError('invalid-arguments', `Failure groups ${fromId} and ${intoId} are already one group.`, 400);
      failures().merge(from, into);
      return failures().groupRow(into)!;
    },
    async retryFailureGroup(id, request) {
      return groupAction(id, 'retry', request?.dryRun ?? true);
    },
    async cancelFailureGroupPending(id, request) {
      return groupAction(id, 'cancel', request?.dryRun ?? true);
    },
    async exportFailureGroup(id, format) {
      const group = knownGroup(id);
      const out = exportJobs(failures().iterateJobs(group), format);
      return { ...out, filename: out.filename.replace(/^jobs/, `failure-group-${group}`) };
    },
  };
}
