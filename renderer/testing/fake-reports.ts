/**
 * Test-only: the reports part of the fake AdminApi — a daily summary and user usage counted from
 * the fake's jobs (the real reports are main/core/reports over SQLite), the other kinds valid and
 * empty, saved reports and schedules kept in memory.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import type { ReportFile, ReportMailUpdate, ReportMailView, ReportSchedule, ReportScheduleState, SavedReport } from '../../contract/report-api.ts';
import { REPORT_TITLES, STUCK_OUTCOMES, type Report, type ReportRequest, type StuckOutcome } from '../../contract/reports.ts';
import { AdminApiError } from '../api/admin-api-error.ts';

export interface FakeReportHost {
  allJobs(): CachedJob[];
  now(): number;
  clusterIds(): string[];
}

const DAY = 86_400_000;

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class FakeReports {
  private saved: SavedReport[] = [];
  private schedules: ReportScheduleState[] = [];
  private mail: ReportMailView | null = null;

  constructor(private readonly host: FakeReportHost) {}

  private build(request: ReportRequest): Report {
    const now = this.host.now();
    const known = this.host.clusterIds();
    const clusters = request.clusters ?? known;
    const unknown = clusters.filter((c) => !known.includes(c));
    if (unknown.length > 0) throw new AdminApiError('invalid-arguments', `the cache holds no cluster named '${unknown[0]}'`);
    const spanDays = request.since ? Number(request.since.slice(0, -1)) / (request.since.endsWith('h') ? 24 : 1) : 7;
    const from = request.from ? Date.parse(`${request.from}T00:00:00Z`) : now - spanDays * DAY;
    const to = request.to ? Date.parse(`${request.to}T00:00:00Z`) + DAY : now;
    const jobs = this.host.allJobs().filter((j) => clusters.includes(j.clusterId) && Date.parse(j.createdAt) >= from && Date.parse(j.createdAt) < to);
    const base = {
      title: REPORT_TITLES[request.kind],
      generatedAt: new Date(now).toISOString(),
      period: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), timeZone: 'UTC', label: request.since ? `last ${request.since}` : `${request.from} – ${request.to}` },
      clusters,
      coverage: clusters.map((clusterId) => ({
        clusterId,
        jobs: jobs.filter((j) => j.clusterId === clusterId).length,
        cachedFrom: null,
        cachedTo: null,
        lastSyncAt: new Date(now).toISOString(),
        historyComplete: true,
        gaps: [],
        note: 'as of now; no gaps',
      })),
    };
    const count = (list: CachedJob[], state: string) => list.filter((j) => j.state === state).length;
    switch (request.kind) {
      case 'daily-summary': {
        const days: string[] = [];
        // Every day the period touches, the one it ends in too (as the real reports count them).
        for (let t = from; day(t) <= day(to); t += DAY) days.push(day(t));
        const perDay = days.map((date) => {
          const mine = jobs.filter((j) => day(Date.parse(j.createdAt)) === date);
          const completed = count(mine, 'completed');
          const failed = count(mine, 'failed');
          return { date, submitted: mine.length, completed, failed, cancelled: count(mine, 'cancelled'), successRate: completed + failed > 0 ? completed / (completed + failed) : null, submittedByHour: Array.from({ length: 24 }, () => 0), busiestHour: null, waitP95Ms: null, longestWaits: [], stuck: count(mine, 'stuck'), workerLost: 0, alertsFired: 0 };
        });
        const completed = count(jobs, 'completed');
        const failed = count(jobs, 'failed');
        // The fake keeps no state history: its stuck jobs are the ones stuck now, since they were last updated.
        const stuckJobs = jobs
          .filter((j) => j.state === 'stuck')
          .map((j) => ({ clusterId: j.clusterId, jobId: j.id, type: j.type, user: j.user, stuckAt: j.updatedAt, endedAt: null, outcome: 'still-stuck' as const, reason: null }));
        const stuckOutcomes = Object.fromEntries(STUCK_OUTCOMES.map((o) => [o, o === 'still-stuck' ? stuckJobs.length : 0])) as Record<StuckOutcome, number>;
        return { ...base, kind: 'daily-summary', totals: { submitted: jobs.length, completed, failed, cancelled: count(jobs, 'cancelled'), successRate: completed + failed > 0 ? completed / (completed + failed) : null }, days: perDay, stuckJobs, stuckOutcomes };
      }
      case 'user-usage': {
        const users = [...new Set(jobs.map((j) => j.user))].map((user) => {
          const mine = jobs.filter((j) => j.user === user);
          const computeMs = mine.reduce((s, j) => s + (j.durationMs ?? 0), 0);
          return { user, jobs: mine.length, completed: count(mine, 'completed'), failed: count(mine, 'failed'), cancelled: count(mine, 'cancelled'), open: mine.filter((j) => !['completed', 'failed', 'cancelled'].includes(j.state)).length, byType: {}, computeMs, computeShare: 0, avgWaitMs: null, failureRate: null };
        });
        const total = users.reduce((s, u) => s + u.computeMs, 0);
        for (const u of users) u.computeShare = total > 0 ? u.computeMs / total : 0;
        return { ...base, kind: 'user-usage', totals: { jobs: jobs.length, computeMs: total, users: users.length }, users };
      }
      case 'failure-analysis':
        return { ...base, kind: 'failure-analysis', totals: { failed: count(jobs, 'failed'), groups: 0, ungrouped: count(jobs, 'failed') }, groups: [] };
      case 'performance-trends':
        return {
          ...base,
          kind: 'performance-trends',
          types: [],
          // The cache's histograms: 8 buckets per doubling of a value.
          percentileRelativeError: 2 ** (1 / 8) - 1,
          capacity: { from: base.period.from, to: base.period.to, days: (to - from) / DAY, enoughHistory: false, note: 'Not enough history: the fake computes no capacity signals.', thresholds: [], queues: [] },
        };
      case 'resource-utilization':
        return { ...base, kind: 'resource-utilization', nodes: [], byType: [] };
    }
  }

  methods() {
    return {
      previewReport: (request: ReportRequest) => this.build(request),
      exportReport: (request: ReportRequest, format: 'csv' | 'json' | 'pdf'): ReportFile => {
        const report = this.build(request);
        const content = JSON.stringify(report);
        const filename = `${report.kind}-${this.saved.length + 1}.${format === 'csv' ? 'zip' : format}`;
        const path = `/fake/reports/${filename}`;
        this.saved.unshift({ filename, kind: report.kind, format, createdAt: new Date(this.host.now()).toISOString(), bytes: content.length, path, scheduleId: null, note: report.period.label });
        return { filename, mimeType: 'application/octet-stream', contentBase64: btoa(content), bytes: content.length, savedTo: path, problem: null };
      },
      listSavedReports: () => this.saved,
      openSavedReport: (name: string): ReportFile => {
        const r = this.saved.find((s) => s.filename === name);
        if (!r) throw new AdminApiError('not-found', `no saved report called ${name}`);
        return { filename: r.filename, mimeType: 'application/octet-stream', contentBase64: btoa('{}'), bytes: 2, savedTo: r.path, problem: null };
      },
      showSavedReport: (name: string) => ({ shown: false, path: `/fake/reports/${name}` }),
      getReportSchedules: () => this.schedules,
      setReportSchedules: (schedules: ReportSchedule[]) => {
        this.schedules = schedules.map((schedule) => ({ schedule, lastRunAt: null, lastResult: null, nextRunAt: schedule.enabled ? new Date(this.host.now() + DAY).toISOString() : null }));
        return this.schedules;
      },
      getReportMail: () => this.mail,
      setReportMail: (update: ReportMailUpdate | null) => {
        if (update === null) return (this.mail = null);
        const { password, ...server } = update;
        this.mail = { port: 587, secure: false, ...server, passwordSet: password === undefined ? (this.mail?.passwordSet ?? false) : password !== null };
        return this.mail;
      },
    };
  }
}
