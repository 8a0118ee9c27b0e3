/** One entry point for every report kind: the request checked against the cache, then computed. */
import type { Report, ReportRequest } from '../../../contract/reports.ts';
import type { SqliteDatabase } from '../cache/open-cache-database.ts';
import { dailySummary } from './daily-summary.ts';
import { failureAnalysis, type FailureFacts } from './failure-analysis.ts';
import { performanceTrends } from './performance-trends.ts';
import { resolveScope } from './report-scope.ts';
import { resourceUtilisation } from './resource-utilization.ts';
import { userUsage } from './user-usage.ts';

export interface ReportSource {
  db: SqliteDatabase;
  /** What failure groups have in common (the failure store); without it that column stays empty. */
  failures?: FailureFacts;
}

export function buildReport(source: ReportSource, request: ReportRequest, now = Date.now()): Report {
  const scope = resolveScope(source.db, request, now);
  switch (request.kind) {
    case 'daily-summary':
      return dailySummary(scope);
    case 'user-usage':
      return userUsage(scope);
    case 'failure-analysis':
      return failureAnalysis(scope, source.failures);
    case 'performance-trends':
      return performanceTrends(scope);
    case 'resource-utilization':
      return resourceUtilisation(scope);
  }
}
