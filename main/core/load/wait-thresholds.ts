/**
 * Each cluster's wait threshold for the capacity signals. The cluster owns its thresholds (the
 * admin sets them per cluster); the desktop keeps the last answer as a snapshot, so reports and an
 * offline cluster use the cluster's own threshold too, and only a cluster never asked falls back
 * to the default — which the signals then say.
 */
import type { ClusterWaitThreshold } from '../../../contract/capacity.ts';
import { DEFAULT_THRESHOLDS, Thresholds } from '../../../contract/thresholds.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';

/** The snapshot kind the thresholds are kept under. */
export const THRESHOLDS_SNAPSHOT = 'thresholds';

/** A cluster's wait threshold from its thresholds: the warning boundary, where a wait stops being good. */
export function waitThresholdOf(clusterId: string, thresholds: Thresholds, source: ClusterWaitThreshold['source']): ClusterWaitThreshold {
  return { clusterId, waitThresholdMs: thresholds.waitTimeMs.warning, source };
}

/** The kept thresholds of each cluster ('cached'), or the defaults ('default') for one never asked. */
export function storedWaitThresholds(db: SqliteDatabase, clusters: readonly string[]): ClusterWaitThreshold[] {
  const read = db.prepare('SELECT body_json FROM snapshots WHERE cluster_id = ? AND kind = ?').pluck();
  return clusters.map((clusterId) => {
    const body = read.get(clusterId, THRESHOLDS_SNAPSHOT) as string | undefined;
    const parsed = body === undefined ? null : Thresholds.safeParse(JSON.parse(body)).data;
    return parsed ? waitThresholdOf(clusterId, parsed as Thresholds, 'cached') : waitThresholdOf(clusterId, DEFAULT_THRESHOLDS, 'default');
  });
}
