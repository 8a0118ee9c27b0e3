/**
 * The AdminApi methods of the Reports screen (spread into ADMIN_API by admin-api.ts): a preview
 * computed from the cache, a file in CSV (zip of tables), JSON or PDF that is also kept in the
 * app's reports folder, the list of kept reports, and the scheduled reports.
 */
import { z } from 'zod';
import { Report, ReportFormat, ReportKind, ReportRequest } from './reports.ts';

export const PaperSize = z.enum(['A4', 'LETTER']);
export type PaperSize = z.infer<typeof PaperSize>;

/** A report file: its bytes (base64) for a download or save dialog, and where the app kept a copy. */
export const ReportFile = z.object({
  filename: z.string(),
  mimeType: z.string(),
  contentBase64: z.string(),
  bytes: z.int().min(0),
  /** The copy in the app's reports folder; null when it could not be written (the message says why). */
  savedTo: z.string().nullable(),
  problem: z.string().nullable(),
});
export type ReportFile = z.infer<typeof ReportFile>;

/** A report kept in the reports folder. */
export const SavedReport = z.object({
  filename: z.string(),
  kind: ReportKind,
  format: ReportFormat,
  createdAt: z.string(),
  bytes: z.int().min(0),
  path: z.string(),
  /** Made by a schedule (and, for a run missed while the app was closed, which run). */
  scheduleId: z.string().nullable(),
  note: z.string().nullable(),
});
export type SavedReport = z.infer<typeof SavedReport>;

/** A saved report's file name as the list gives it (no folders). */
export const SavedReportName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.-]+$/, 'a report file name from the list of saved reports');

/** The period a scheduled report covers, ending with the day before its run. */
export const SCHEDULE_PERIODS = ['previous-day', 'previous-7-days', 'previous-30-days'] as const;
export const SchedulePeriod = z.enum(SCHEDULE_PERIODS);
export type SchedulePeriod = z.infer<typeof SchedulePeriod>;

export const ReportSchedule = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a schedule id: lower-case letters, digits and -'),
  kind: ReportKind,
  /** Local time of day, HH:MM (24 h). */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day like 07:00'),
  period: SchedulePeriod.default('previous-day'),
  format: ReportFormat.default('pdf'),
  /** Folder to write into; the app's reports folder when absent. */
  folder: z.string().min(1).max(1000).optional(),
  clusters: z.array(z.string().min(1).max(100)).max(50).optional(),
  /** Also email the report to these addresses (through the SMTP server set for reports). */
  emailTo: z.array(z.email('an email address like ops@example.com')).max(20).optional(),
  enabled: z.boolean().default(true),
});
export type ReportSchedule = z.infer<typeof ReportSchedule>;

export const ReportSchedules = z.array(ReportSchedule).max(50);

/** A schedule with when it last ran and runs next. */
export const ReportScheduleState = z.object({
  schedule: ReportSchedule,
  lastRunAt: z.string().nullable(),
  lastResult: z.string().nullable(),
  nextRunAt: z.string().nullable(),
});
export type ReportScheduleState = z.infer<typeof ReportScheduleState>;

/** The SMTP server scheduled reports are emailed through (the password is kept with the app's secrets). */
export const ReportMailServer = z.strictObject({
  host: z.string().min(1).max(253).regex(/^[^\s/:]+$/, 'a host name or address, without scheme or port'),
  port: z.int().min(1).max(65535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  username: z.string().min(1).max(320).optional(),
  from: z.email('the sender address, e.g. reports@example.com'),
});
export type ReportMailServer = z.infer<typeof ReportMailServer>;

/** The server as the app shows it: never the password, only whether one is kept. */
export const ReportMailView = ReportMailServer.extend({ passwordSet: z.boolean() });
export type ReportMailView = z.infer<typeof ReportMailView>;

/** Setting the server: a new password, `null` to forget it, absent to keep the one kept. */
export const ReportMailUpdate = ReportMailServer.extend({ password: z.string().min(1).max(1000).nullable().optional() });
export type ReportMailUpdate = z.input<typeof ReportMailUpdate>;

export const REPORT_ADMIN_API = {
  /** The report computed from the cache (offline too), for the preview. */
  previewReport: { args: z.tuple([ReportRequest]), result: Report },
  /** The report as a file; a copy is kept in the reports folder and listed. */
  exportReport: { args: z.tuple([ReportRequest, ReportFormat, PaperSize.default('A4')]), result: ReportFile },
  listSavedReports: { args: z.tuple([]), result: z.array(SavedReport) },
  /** A kept report's file, to open or download again. */
  openSavedReport: { args: z.tuple([SavedReportName]), result: ReportFile },
  /** Show a kept report in the file manager where the shell can (the app); false in a browser. */
  showSavedReport: { args: z.tuple([SavedReportName]), result: z.object({ shown: z.boolean(), path: z.string() }) },
  getReportSchedules: { args: z.tuple([]), result: z.array(ReportScheduleState) },
  setReportSchedules: { args: z.tuple([ReportSchedules]), result: z.array(ReportScheduleState) },
  /** The SMTP server for emailed reports; null when none is set. */
  getReportMail: { args: z.tuple([]), result: ReportMailView.nullable() },
  /** Set (or with null remove) the SMTP server; the password is write-only. */
  setReportMail: { args: z.tuple([ReportMailUpdate.nullable()]), result: ReportMailView.nullable() },
} as const;
