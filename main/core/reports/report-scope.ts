/**
 * What a report reads: the cache, the clusters it covers and its period. Resolving the scope
 * checks the request against the cache (an unknown cluster is a clear error, not an empty report).
 */
import type { ReportRequest } from '../../../contract/reports.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import { ReportArgumentError, resolvePeriod, type ResolvedPeriod } from './report-period.ts';

export interface ReportScope {
  db: SqliteDatabase;
  clusters: string[];
  period: ResolvedPeriod;
  now: number;
}

/** Every cluster the cache holds anything of, from the small tables (never a scan of jobs). */
export function cachedClusters(db: SqliteDatabase): string[] {
  const rows = db
    .prepare(
      `SELECT cluster_id FROM sync_state
       UNION SELECT DISTINCT cluster_id FROM job_counts WHERE n > 0
       ORDER BY 1`,
    )
    .pluck()
    .all() as string[];
  return rows;
}

export function resolveScope(db: SqliteDatabase, request: Pick<ReportRequest, 'from' | 'to' | 'since' | 'clusters'>, now: number): ReportScope {
  const known = cachedClusters(db);
  const wanted = request.clusters && request.clusters.length > 0 ? [...new Set(request.clusters)] : known;
  const unknown = wanted.filter((c) => !known.includes(c));
  if (unknown.length > 0) {
    const list = known.length > 0 ? known.join(', ') : 'none yet — connect a cluster and let it sync first';
    throw new ReportArgumentError(`the cache holds no cluster named ${unknown.map((c) => `'${c}'`).join(', ')} (clusters in the cache: ${list})`);
  }
  return { db, clusters: wanted, period: resolvePeriod(request, now), now };
}

/** `cluster_id IN (?, ?, …)` with its parameters; matches nothing for no clusters. */
export function clusterFilter(scope: ReportScope, column = 'cluster_id'): { sql: string; params: string[] } {
  if (scope.clusters.length === 0) return { sql: '0', params: [] };
  return { sql: `${column} IN (${scope.clusters.map(() => '?').join(', ')})`, params: scope.clusters };
}

/** Nearest-rank percentile of ascending numbers; null for none. */
export function percentileOf(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

