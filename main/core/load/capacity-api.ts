/**
 * The AdminApi's capacity method: the signals over the last days from the cache (offline too).
 * Each online cluster is asked for its thresholds first and the answer kept, so an offline cluster
 * and the reports use the cluster's own threshold as last heard.
 */
import type { AdminApi } from '../../../contract/admin-api.ts';
import { ALERT_ROUTES } from '../../../contract/alert-routes.ts';
import { CapacityRequest, type ClusterWaitThreshold } from '../../../contract/capacity.ts';
import type { JobCache } from '../cache/job-cache.ts';
import type { ClusterRegistry } from '../clusters/cluster-registry.ts';
import { capacitySignals } from './capacity-signals.ts';
import { storedWaitThresholds, THRESHOLDS_SNAPSHOT, waitThresholdOf } from './wait-thresholds.ts';

export interface CapacityApiContext {
  readonly cache: JobCache;
  readonly registry: ClusterRegistry;
  now?: () => number;
}

/** A thresholds answer slower than this is not waited for: the kept one serves. */
const THRESHOLDS_TIMEOUT_MS = 3_000;

export function createCapacityApi(ctx: CapacityApiContext): Pick<AdminApi, 'getCapacitySignals'> {
  async function thresholdsOf(clusters: readonly string[]): Promise<ClusterWaitThreshold[]> {
    const stored = storedWaitThresholds(ctx.cache.db, clusters);
    return Promise.all(
      clusters.map(async (clusterId, i) => {
        if (!ctx.registry.isOnline(clusterId)) return stored[i]!;
        try {
          const thresholds = await ctx.registry.client(clusterId).http.call(ALERT_ROUTES.getThresholds, { timeoutMs: THRESHOLDS_TIMEOUT_MS });
          ctx.cache.saveSnapshot(clusterId, THRESHOLDS_SNAPSHOT, thresholds);
          return waitThresholdOf(clusterId, thresholds, 'cluster');
        } catch {
          // Unreachable or refused just now: the last answer (or the default) still says what it is.
          return stored[i]!;
        }
      }),
    );
  }

  return {
    async getCapacitySignals(raw) {
      const request = CapacityRequest.parse(raw ?? {});
      const clusters = request.clusterIds ? [...new Set(request.clusterIds)] : ctx.registry.ids();
      for (const id of clusters) ctx.registry.view(id); // an unknown id is a clear error
      const toMs = (ctx.now ?? Date.now)();
      return capacitySignals({ db: ctx.cache.db, clusters, fromMs: toMs - request.days * 86_400_000, toMs, thresholds: await thresholdsOf(clusters) });
    },
  };
}
