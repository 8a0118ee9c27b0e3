/**
 * The AdminApi's report methods: previews and files computed from the cache (offline too), a copy
 * of every file kept in the reports folder, and the scheduled reports. Argument mistakes the
 * schemas cannot see (a cluster not in the cache, a period in the future) are `invalid-arguments`.
 */
import { readFileSync } from 'node:fs';
import type { AdminApi } from '../../../contract/admin-api.ts';
import type { ReportFile } from '../../../contract/report-api.ts';
import { AdminError } from '../admin-error.ts';
import type { JobCache } from '../cache/job-cache.ts';
import { buildReport } from './build-report.ts';
import { failureFactsOf } from './failure-analysis.ts';
import { reportBytes } from './report-files.ts';
import { ReportArgumentError } from './report-period.ts';
import type { ReportMailer } from './report-mailer.ts';
import type { ReportScheduler } from './report-scheduler.ts';
import { MIME, type SavedReports } from './saved-reports.ts';

export interface ReportApiContext {
  cache(): JobCache;
  saved: SavedReports;
  scheduler(): ReportScheduler;
  mailer: ReportMailer;
  /** Show a file in the system's file manager; absent where there is none (browser mode). */
  reveal?: (file: string) => void;
  now?: () => number;
}

type ReportMethods = Pick<
  AdminApi,
  'previewReport' | 'exportReport' | 'listSavedReports' | 'openSavedReport' | 'showSavedReport' | 'getReportSchedules' | 'setReportSchedules' | 'getReportMail' | 'setReportMail'
>;

function asAdminError(error: unknown): never {
  if (error instanceof ReportArgumentError) throw new AdminError('invalid-arguments', error.message);
  throw error;
}

export function createReportApi(ctx: ReportApiContext): ReportMethods {
  const now = () => (ctx.now ?? Date.now)();
  const build = (request: Parameters<AdminApi['previewReport']>[0]) => {
    const cache = ctx.cache();
    try {
      return buildReport({ db: cache.db, failures: failureFactsOf(cache.failures, now()) }, request as never, now());
    } catch (error) {
      return asAdminError(error);
    }
  };
  const saved = (name: string) => {
    const report = ctx.saved.find(name);
    if (!report) throw new AdminError('not-found', `no saved report called ${name}: it may have been deleted from ${ctx.saved.folder}`, 404);
    return report;
  };
  return {
    async previewReport(request) {
      return build(request);
    },
    async exportReport(request, format, paper) {
      const report = build(request);
      const { bytes, mimeType } = await reportBytes(report, format, paper);
      let savedTo: string | null = null;
      let problem: string | null = null;
      try {
        savedTo = ctx.saved.save({ kind: report.kind, format, createdAt: new Date(now()).toISOString(), scheduleId: null, note: report.period.label }, bytes);
      } catch (error) {
        problem = `the copy in ${ctx.saved.folder} could not be written (${(error as Error).message}); the download has the whole report`;
      }
      const file: ReportFile = {
        filename: savedTo ? savedTo.split(/[\\/]/).pop()! : ctx.saved.fileName(report.kind, format, now()),
        mimeType,
        contentBase64: Buffer.from(bytes).toString('base64'),
        bytes: bytes.length,
        savedTo,
        problem,
      };
      return file;
    },
    async listSavedReports() {
      return ctx.saved.list();
    },
    async openSavedReport(name) {
      const report = saved(name);
      const bytes = readFileSync(report.path);
      // A saved CSV report is the zip of its tables.
      const mimeType = MIME[report.format === 'csv' ? 'zip' : report.format];
      return { filename: report.filename, mimeType, contentBase64: bytes.toString('base64'), bytes: bytes.length, savedTo: report.path, problem: null };
    },
    async showSavedReport(name) {
      const report = saved(name);
      if (!ctx.reveal) return { shown: false, path: report.path };
      ctx.reveal(report.path);
      return { shown: true, path: report.path };
    },
    async getReportSchedules() {
      return ctx.scheduler().states();
    },
    async setReportSchedules(schedules) {
      try {
        return ctx.scheduler().set(schedules as never);
      } catch (error) {
        throw new AdminError('invalid-arguments', (error as Error).message);
      }
    },
    async getReportMail() {
      return ctx.mailer.view();
    },
    async setReportMail(update) {
      return ctx.mailer.update(update);
    },
  };
}
