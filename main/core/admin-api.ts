/**
 * The one AdminApi implementation, for Electron (IPC) and browser mode (HTTP) alike. Queries read
 * the cache (fast, offline); live views (summary, queues, workers, resources, job detail) ask the
 * cluster while it is online and fall back to the cached copy with its age; actions are forwarded
 * to the cluster and their results written back to the cache at once. Arguments arrive parsed
 * (dispatch.ts / the IPC bridge validate them with ADMIN_API); results are checked here anyway.
 */
import {
  ClusterInput,
  ClusterPatch,
  JobQuery,
  MAX_JOB_FILE_BYTES,
  SettingsPatch,
  type AdminApi,
  type AdminEvent,
  type CacheHealth,
  type CachedJob,
  type CachedJobDetail,
  type DashboardSummary,
  type QueueLoadView,
  type TimeRange,
} from '../../contract/admin-api.ts';
import { API_ROUTES } from '../../contract/api-routes.ts';
import type { Job } from '../../contract/jobs.ts';
import { JOB_STATES, type JobAction, type JobType } from '../../contract/domain.ts';
import { emptyStateCounts, Summary, type QueueMetrics, type WorkerNode } from '../../contract/metrics.ts';
import { AdminError } from './admin-error.ts';
import type { AdminEventHub } from './admin-event-hub.ts';
import { createAlertAdminApi, type AlertApiContext } from './alerts/alert-admin-api.ts';
import type { JobCache } from './cache/job-cache.ts';
import { ClusterRequestError } from './clusters/cluster-errors.ts';
import type { ClusterRegistry } from './clusters/cluster-registry.ts';
import { createFailureApi } from './failures/failure-api.ts';
import { createCapacityApi } from './load/capacity-api.ts';
import { createReportApi, type ReportApiContext } from './reports/report-api.ts';
import { exportJobs, onlySelected } from './job-export.ts';
import type { SettingsService } from './settings/settings-service.ts';

export interface AdminApiContext {
  cache: JobCache;
  registry: ClusterRegistry;
  events: AdminEventHub;
  settings: SettingsService;
  /** Switch the embedded cluster on or off; resolves with its view (null without a launcher). */
  setLocalClusterEnabled(enabled: boolean): Promise<ReturnType<ClusterRegistry['localView']>>;
  /** Apply retention now (after the setting changed). */
  applyRetention(): void;
  /** Whether the cache can be written, and the damaged cache files moved aside. */
  cacheHealth(): CacheHealth;
  /** The alert mirror and service, and how to reach a cluster (alerts/alert-admin-api.ts). */
  alerts: AlertApiContext;
  /** Reports from the cache, the reports folder and the schedules (reports/report-api.ts). */
  reports: ReportApiContext;
  log?: (line: string) => void;
}

/** A chart range: how far back and how wide each bucket is. */
export const RANGES: Record<TimeRange, { spanMs: number; bucketMs: number }> = {
  '15m': { spanMs: 15 * 60_000, bucketMs: 15_000 },
  '1h': { spanMs: 3_600_000, bucketMs: 60_000 },
  '6h': { spanMs: 6 * 3_600_000, bucketMs: 5 * 60_000 },
  '24h': { spanMs: 86_400_000, bucketMs: 15 * 60_000 },
  '7d': { spanMs: 7 * 86_400_000, bucketMs: 2 * 3_600_000 },
};

/** How far back the Queues screen's backlog chart reaches. */
const LOAD_HISTORY_MS = 3_600_000;

/** Summaries younger than this (from the live refresh) are served without asking the cluster again. */
const FRESH_MS = 4_000;

/** True for failures that mean "the cluster could not be reached" (fall back to the cache). */
function isConnectionProblem(error: unknown): boolean {
  return (error instanceof ClusterRequestError && error.kind !== 'api') || (error instanceof AdminError && error.code === 'cluster-not-connected');
}

export function createAdminApi(ctx: AdminApiContext): AdminApi {
  const http = (clusterId: string) => ctx.registry.client(clusterId).http;

  /** Ask the cluster live; on a connection problem use the cached snapshot of `kind`. */
  async function liveOrSnapshot<T>(clusterId: string, kind: 'queues' | 'workers', fetcher: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const value = await fetcher();
      ctx.cache.saveSnapshot(clusterId, kind, value);
      return value;
    } catch (error) {
      if (!isConnectionProblem(error)) throw error;
      return ctx.cache.snapshot<T>(clusterId, kind)?.body ?? fallback;
    }
  }

  /** Write what an action returned. While the cache cannot be written the sync brings it later, once it can. */
  function storeFromCluster(clusterId: string, batch: { jobs: readonly Job[]; removed: readonly string[] }): string[] {
    if (!ctx.cache.health.writable) return [];
    try {
      return ctx.cache.applyBatch(clusterId, batch);
    } catch (error) {
      if (!ctx.cache.health.report(error)) throw error;
      return [];
    }
  }

  function upsertFromCluster(clusterId: string, jobs: readonly Job[]): void {
    if (jobs.length === 0) return;
    const changed = storeFromCluster(clusterId, { jobs, removed: [] });
    if (changed.length > 0) ctx.events.jobsChanged(clusterId, changed);
  }

  function clustersAsked(ids: readonly string[] | undefined): string[] {
    if (!ids) return ctx.registry.ids();
    for (const id of ids) ctx.registry.view(id); // unknown id → clear error
    return [...ids];
  }

  const api: Omit<AdminApi, 'onEvent'> = {
    async listClusters() {
      return ctx.registry.list();
    },
    async addCluster(input) {
      return ctx.registry.add(ClusterInput.parse(input));
    },
    async updateCluster(id, patch) {
      return ctx.registry.update(id, ClusterPatch.parse(patch));
    },
    async removeCluster(id) {
      await ctx.registry.remove(id);
      return { ok: true as const };
    },
    async testConnection(input) {
      return ctx.registry.test(ClusterInput.parse(input));
    },
    async setLocalClusterEnabled(enabled) {
      return ctx.setLocalClusterEnabled(enabled);
    },
    async resyncCluster(id) {
      return ctx.registry.resync(id);
    },

    async queryJobs(rawQuery) {
      const query = JobQuery.parse(rawQuery);
      const ids = query.clusterIds ? clustersAsked(query.clusterIds) : undefined;
      const page = ctx.cache.queryJobs({ clusterIds: ids, filter: query.filter, sort: query.sort, cursor: query.cursor, limit: query.limit });
      // Fresh for connected clusters, the last sync time for the others; the oldest wins.
      const now = new Date().toISOString();
      let syncedAt: string | null = now;
      for (const id of ids ?? ctx.registry.ids()) {
        const at = ctx.registry.isOnline(id) ? now : ctx.cache.syncState(id).lastSyncAt;
        if (at === null) continue;
        if (syncedAt === null || at < syncedAt) syncedAt = at;
      }
      return { ...page, syncedAt: (ids ?? ctx.registry.ids()).length === 0 ? null : syncedAt };
    },

    async getJob(clusterId, jobId): Promise<CachedJobDetail> {
      ctx.registry.view(clusterId);
      try {
        const detail = await http(clusterId).call(API_ROUTES.getJob, { params: { id: jobId } });
        ctx.cache.saveDetail(clusterId, detail);
        return { ...detail, clusterId, fromCache: false };
      } catch (error) {
        if (!isConnectionProblem(error)) throw error;
        const cached = ctx.cache.getDetail(clusterId, jobId);
        if (!cached) {
          throw new AdminError('not-found', `Job ${jobId} is not in the cache and its cluster cannot be reached right now.`, 404);
        }
        return cached;
      }
    },

    async getJobLogs(clusterId, jobId, page) {
      ctx.registry.view(clusterId);
      try {
        return await http(clusterId).call(API_ROUTES.jobLogs, { params: { id: jobId }, query: page });
      } catch (error) {
        if (!isConnectionProblem(error)) throw error;
        // Offline: the log tail saved with the job's detail is all there is.
        const cached = ctx.cache.getDetail(clusterId, jobId);
        if (!cached || cached.logsTail.length === 0) {
          throw new AdminError('cluster-unreachable', 'The logs need a connection to the cluster, which cannot be reached right now.', 502);
        }
        const items = cached.logsTail.filter((l) => l.seq >= page.offset).slice(0, page.limit);
        return { items, total: cached.logCount, nextOffset: null };
      }
    },

    async getSummary(ids): Promise<DashboardSummary> {
      const clusters = clustersAsked(ids);
      const counts = emptyStateCounts();
      let total = 0;
      const out: DashboardSummary['clusters'] = [];
      await Promise.all(
        clusters.map(async (clusterId) => {
          let summary: Summary | null = null;
          let fromCache = true;
          let fetchedNow = false;
          const snap = ctx.cache.snapshot<Summary>(clusterId, 'summary');
          if (ctx.registry.isOnline(clusterId)) {
            if (snap && Date.now() - Date.parse(snap.at) < FRESH_MS) {
              summary = Summary.parse(snap.body);
              fromCache = false;
            } else {
              try {
                summary = await http(clusterId).call(API_ROUTES.summary, { timeoutMs: 5_000 });
                ctx.cache.saveSnapshot(clusterId, 'summary', summary);
                fromCache = false;
                fetchedNow = true;
              } catch (error) {
                if (!isConnectionProblem(error)) throw error;
              }
            }
          }
          if (!summary && snap) summary = Summary.safeParse(snap.body).data ?? null;
          out.push({ clusterId, summary, fromCache });
          // Counts just fetched from the cluster; otherwise the cache's, which live events keep
          // current (a summary snapshot can be seconds older than the tables beside it).
          const c = summary && fetchedNow ? { counts: summary.counts, total: summary.total } : ctx.cache.countsByState([clusterId]);
          for (const s of JOB_STATES) counts[s] += c.counts[s];
          total += c.total;
        }),
      );
      out.sort((a, b) => clusters.indexOf(a.clusterId) - clusters.indexOf(b.clusterId));
      const finished = counts.completed + counts.failed;
      return { clusters: out, counts, total, successRate: finished === 0 ? null : counts.completed / finished };
    },

    async getActivity(ids, range) {
      const clusters = ids ? clustersAsked(ids) : undefined;
      const { spanMs, bucketMs } = RANGES[range];
      const to = Math.ceil(Date.now() / bucketMs) * bucketMs;
      return ctx.cache.activity(clusters, to - spanMs, to, bucketMs);
    },

    async getQueues(clusterId) {
      ctx.registry.view(clusterId);
      return liveOrSnapshot(clusterId, 'queues', () => http(clusterId).call(API_ROUTES.listQueues), [] as QueueMetrics[]);
    },

    async getQueueLoad(clusterId, type, query): Promise<QueueLoadView> {
      ctx.registry.view(clusterId);
      const now = Date.now();
      const history = ctx.cache.backlogSamples(clusterId, type, now - LOAD_HISTORY_MS);
      try {
        const report = await http(clusterId).call(API_ROUTES.queueLoad, { params: { type }, query });
        return { at: new Date(now).toISOString(), ...report, history, fromCache: false };
      } catch (error) {
        // Offline, or a cluster without the route (404): the load the last queue list carried.
        const older = error instanceof ClusterRequestError && error.kind === 'api' && error.httpStatus === 404;
        if (!older && !isConnectionProblem(error)) throw error;
        const queues = ctx.cache.snapshot<QueueMetrics[]>(clusterId, 'queues');
        const summary = ctx.cache.snapshot<Summary>(clusterId, 'summary');
        const newest = summary && (!queues || summary.at > queues.at) ? { at: summary.at, body: summary.body.queues } : queues;
        const load = newest?.body.find((q) => q.type === type)?.load ?? null;
        return { at: newest?.at ?? new Date(now).toISOString(), load, whatIf: null, forecast: null, history, fromCache: true };
      }
    },

    async getWorkers(clusterId) {
      ctx.registry.view(clusterId);
      return liveOrSnapshot(clusterId, 'workers', () => http(clusterId).call(API_ROUTES.listWorkers), [] as WorkerNode[]);
    },

    async getResources(clusterId, range) {
      ctx.registry.view(clusterId);
      const since = Date.now() - RANGES[range].spanMs;
      try {
        const samples = await http(clusterId).call(API_ROUTES.resources, { query: { since: new Date(since).toISOString() } });
        ctx.cache.recordResourceSamples(clusterId, samples);
        return samples;
      } catch (error) {
        if (!isConnectionProblem(error)) throw error;
        return ctx.cache.resourceSamples(clusterId, since);
      }
    },

    async submitJob(clusterId, request): Promise<CachedJob> {
      const job = await http(clusterId).call(API_ROUTES.submitJob, { body: request });
      upsertFromCluster(clusterId, [job]);
      return { ...job, clusterId };
    },

    async jobAction(clusterId, jobId, action: JobAction, body) {
      const result = await http(clusterId).call(API_ROUTES.jobAction, { params: { id: jobId, action }, body });
      if (result.job) upsertFromCluster(clusterId, [result.job]);
      if (action === 'delete' && result.outcome === 'ok') {
        storeFromCluster(clusterId, { jobs: [], removed: [jobId] });
        ctx.events.jobsChanged(clusterId, [jobId]);
      }
      return result;
    },

    async bulkAction(clusterId, request) {
      const response = await http(clusterId).call(API_ROUTES.bulkAction, { body: request, timeoutMs: 120_000 });
      upsertFromCluster(clusterId, response.results.flatMap((r) => (r.job ? [r.job] : [])));
      if (response.action === 'delete') {
        const gone = response.results.filter((r) => r.outcome === 'ok').map((r) => r.id);
        if (gone.length > 0) {
          storeFromCluster(clusterId, { jobs: [], removed: gone });
          ctx.events.jobsChanged(clusterId, gone);
        }
      }
      return response;
    },

    async queueAction(clusterId, type: JobType, action, body) {
      const queue = await http(clusterId).call(API_ROUTES.queueAction, { params: { type, action }, body });
      ctx.events.queuesChanged(clusterId);
      return queue;
    },

    async downloadJobFile(clusterId, jobId, name) {
      ctx.registry.view(clusterId);
      const file = await http(clusterId).download(API_ROUTES.jobFile, { params: { id: jobId, name } }, MAX_JOB_FILE_BYTES);
      return { filename: name, mimeType: file.contentType.split(';')[0]!.trim(), contentBase64: file.bytes.toString('base64'), bytes: file.bytes.length };
    },

    async getTokenStorage() {
      return { description: ctx.registry.tokenStorage() };
    },

    async exportJobs(rawQuery, format, selection) {
      const query = JobQuery.parse(rawQuery);
      const ids = query.clusterIds ? clustersAsked(query.clusterIds) : undefined;
      const jobs = ctx.cache.iterateJobs(ids, query.filter, query.sort);
      return exportJobs(selection ? onlySelected(jobs, selection) : jobs, format);
    },

    async listSchedules(clusterId) {
      return http(clusterId).call(API_ROUTES.listSchedules);
    },
    async createSchedule(clusterId, request) {
      return http(clusterId).call(API_ROUTES.createSchedule, { body: request });
    },
    async setSchedulePaused(clusterId, id, paused) {
      return http(clusterId).call(API_ROUTES.scheduleAction, { params: { id, action: paused ? 'pause' : 'resume' } });
    },
    async deleteSchedule(clusterId, id) {
      await http(clusterId).call(API_ROUTES.deleteSchedule, { params: { id } });
      return { ok: true as const };
    },
    async listMaintenanceWindows(clusterId) {
      return http(clusterId).call(API_ROUTES.listMaintenanceWindows);
    },
    async createMaintenanceWindow(clusterId, request) {
      return http(clusterId).call(API_ROUTES.createMaintenanceWindow, { body: request });
    },
    async deleteMaintenanceWindow(clusterId, id) {
      await http(clusterId).call(API_ROUTES.deleteMaintenanceWindow, { params: { id } });
      return { ok: true as const };
    },

    async getSettings() {
      return ctx.settings.settings;
    },
    async updateSettings(patch) {
      const before = ctx.settings.settings;
      // The patch arrives parsed (dispatch); parsing here gives it its output type (defaults filled).
      const settings = await ctx.settings.update(SettingsPatch.parse(patch));
      ctx.events.emit({ kind: 'settings-changed', settings });
      if (settings.retentionDays < before.retentionDays) ctx.applyRetention();
      if (settings.localClusterEnabled !== before.localClusterEnabled) await ctx.setLocalClusterEnabled(settings.localClusterEnabled);
      return settings;
    },
    async getCacheHealth() {
      return ctx.cacheHealth();
    },
    ...createAlertAdminApi(ctx.alerts),
    ...createReportApi(ctx.reports),
    ...createCapacityApi({
      get cache() {
        return ctx.cache;
      },
      get registry() {
        return ctx.registry;
      },
    }),
    ...createFailureApi({
      get cache() {
        return ctx.cache;
      },
      get registry() {
        return ctx.registry;
      },
      upsertFromCluster,
    }),
  };

  return {
    ...api,
    onEvent(listener: (event: AdminEvent) => void) {
      return ctx.events.subscribe(listener);
    },
  };
}
