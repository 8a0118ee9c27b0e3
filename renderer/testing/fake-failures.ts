/**
 * Test-only: the failure-pattern part of the fake AdminApi — groups as the core's FailureStore
 * lists them, built from the fake's failed jobs by their message with digits and upper-case words
 * masked (the real grouping is main/core/failures; the UI only needs groups that behave alike).
 * `?failures=N` on the harness adds N further generated patterns, some with very long templates.
 */
import type { CachedJob } from '../../contract/admin-api.ts';
import type { FailureGroupActionResult, FailureGroupQuery } from '../../contract/failure-api.ts';
import {
  FAILURE_CAUSE_LABELS,
  FAILURE_CAUSE_STEPS,
  FAILURE_CAUSES,
  FAILURE_PERIOD_MS,
  FAILURE_TREND_HOURS,
  type FailureGroupDetail,
  type FailureGroupRow,
} from '../../contract/failures.ts';
import { AdminApiError } from '../api/admin-api-error.ts';

export interface FakeFailureHost {
  allJobs(): CachedJob[];
  now(): number;
  /** Apply a job action like the cluster would (retry, cancel). */
  act(clusterId: string, id: string, action: 'retry' | 'cancel'): { id: string; outcome: 'ok' | 'skipped' | 'failed'; message?: string };
}

const HOUR = 3_600_000;

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function templateOf(message: string): string {
  return message.replace(/\b[A-Z]{2,5}\b/g, '<symbol>').replace(/\d+(?:\.\d+)?/g, '<num>');
}

export class FakeFailures {
  /** Groups an admin merged: from → into. */
  private readonly merges = new Map<string, string>();
  extraGroups = 0;

  constructor(private readonly host: FakeFailureHost) {}

  private groupIdOf(job: CachedJob): string | null {
    if (job.state !== 'failed' || !job.errorMessage) return null;
    const id = `fg-${hash(`${job.type} ${templateOf(job.errorMessage)}`)}${hash(job.type)}`;
    return this.merges.get(id) ?? id;
  }

  private failedByGroup(): Map<string, CachedJob[]> {
    const out = new Map<string, CachedJob[]>();
    for (const job of this.host.allJobs()) {
      const id = this.groupIdOf(job);
      if (id) out.set(id, [...(out.get(id) ?? []), job]);
    }
    return out;
  }

  private rowOf(id: string, jobs: CachedJob[], index: number): FailureGroupRow {
    const now = this.host.now();
    const times = jobs.map((j) => Date.parse(j.finishedAt ?? j.updatedAt)).sort((a, b) => a - b);
    const hourly = new Array<number>(FAILURE_TREND_HOURS).fill(0);
    const start = Math.floor(now / HOUR) * HOUR - (FAILURE_TREND_HOURS - 1) * HOUR;
    for (const t of times) {
      const i = Math.floor((t - start) / HOUR);
      if (i >= 0 && i < FAILURE_TREND_HOURS) hourly[i]!++;
    }
    const count = (key: (j: CachedJob) => string) => {
      const m = new Map<string, number>();
      for (const j of jobs) m.set(key(j), (m.get(key(j)) ?? 0) + 1);
      return [...m].map(([value, n]) => ({ value, count: n })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    };
    const category = FAILURE_CAUSES[index % FAILURE_CAUSES.length]!;
    return {
      id,
      signature: templateOf(jobs[0]!.errorMessage ?? ''),
      category,
      causeLabel: FAILURE_CAUSE_LABELS[category],
      jobType: jobs[0]!.type,
      errorKind: 'UnrecoverableError',
      topFrames: [],
      jobCount: jobs.length,
      count: jobs.length,
      firstSeenAt: new Date(times[0]!).toISOString(),
      lastSeenAt: new Date(times.at(-1)!).toISOString(),
      users: count((j) => j.user).slice(0, 10),
      clusters: count((j) => j.clusterId),
      hourly,
      isNew: now - times[0]! < 24 * HOUR,
      isSpiking: hourly.at(-1)! >= 5,
    };
  }

  /** Generated patterns beyond the fake's own failures (many groups, long templates). */
  private extraRows(): FailureGroupRow[] {
    const now = this.host.now();
    return Array.from({ length: this.extraGroups }, (_, i) => {
      const category = FAILURE_CAUSES[i % FAILURE_CAUSES.length]!;
      const long = i % 4 === 0;
      const hourly = Array.from({ length: FAILURE_TREND_HOURS }, (_, h) => ((h * 7 + i * 3) % 11 === 0 ? (h % 5) + 1 : 0));
      const signature = long
        ? `training matrix too large: <num> rows × <num> features needs about <num> MB, over the worker's limit of <num> MB (maxMatrixBytes); use fewer symbols, a shorter date range or fewer lags; the request named <path> and <path> with a configuration of <num> symbols and lag windows <num>, <num> and <num> in pattern ${i}`
        : `data not available for symbol <symbol>: no file <path>; check the ticker or add the file (pattern ${i})`;
      return {
        id: `fg-${hash(`extra ${i}`)}${hash(String(i))}`,
        signature,
        category,
        causeLabel: FAILURE_CAUSE_LABELS[category],
        jobType: long ? 'training' : 'backtest',
        errorKind: 'UnrecoverableError',
        topFrames: ['load (market-data/market-data-provider.ts)'],
        jobCount: 3 + ((i * 13) % 40),
        count: 3 + ((i * 13) % 40),
        firstSeenAt: new Date(now - (i + 2) * 5 * HOUR).toISOString(),
        lastSeenAt: new Date(now - i * 11 * 60_000).toISOString(),
        users: [
          { value: 'ben.liu', count: 2 + (i % 5) },
          { value: 'carla.mendes-with-a-long-account-name', count: 1 },
        ],
        clusters: [{ value: 'local', count: 3 + ((i * 13) % 40) }],
        hourly,
        isNew: i % 6 === 1,
        isSpiking: i % 7 === 2,
      };
    });
  }

  private rows(): FailureGroupRow[] {
    const rows = [...this.failedByGroup()].map(([id, jobs], i) => this.rowOf(id, jobs, i));
    return [...rows, ...this.extraRows()].sort((a, b) => b.count - a.count || b.lastSeenAt.localeCompare(a.lastSeenAt));
  }

  private row(id: string): FailureGroupRow {
    const row = this.rows().find((r) => r.id === (this.merges.get(id) ?? id));
    if (!row) throw new AdminApiError('not-found', `There is no failure group ${id} in the cache.`);
    return row;
  }

  private act(id: string, action: 'retry' | 'cancel', dryRun: boolean): FailureGroupActionResult {
    this.row(id);
    const jobs = action === 'retry' ? (this.failedByGroup().get(id) ?? []) : [];
    const results = dryRun ? [] : jobs.map((j) => this.host.act(j.clusterId, j.id, action));
    const ok = results.filter((r) => r.outcome === 'ok').length;
    const clusters = [...new Set(jobs.map((j) => j.clusterId))].map((clusterId) => {
      const mine = results.filter((r) => jobs.find((j) => j.id === r.id)?.clusterId === clusterId);
      return {
        clusterId,
        matched: jobs.filter((j) => j.clusterId === clusterId).length,
        ok: mine.filter((r) => r.outcome === 'ok').length,
        skipped: mine.filter((r) => r.outcome === 'skipped').length,
        failed: mine.filter((r) => r.outcome === 'failed').length,
        results: mine,
        error: null,
      };
    });
    return { action, dryRun, matched: jobs.length, ok, skipped: results.filter((r) => r.outcome === 'skipped').length, failed: results.filter((r) => r.outcome === 'failed').length, clusters };
  }

  methods() {
    return {
      listFailureGroups: (query: FailureGroupQuery) => {
        const periodMs = FAILURE_PERIOD_MS[query.period ?? '7d'];
        const from = periodMs === null ? '' : new Date(this.host.now() - periodMs).toISOString();
        const items = this.rows().filter(
          (r) =>
            r.lastSeenAt >= from &&
            (!query.types || query.types.includes(r.jobType as never)) &&
            (!query.users || r.users.some((u) => query.users!.includes(u.value))) &&
            (!query.clusterIds || r.clusters.some((c) => query.clusterIds!.includes(c.value))),
        );
        return { items: items.slice(0, query.limit ?? 100), failures: items.reduce((s, r) => s + r.count, 0) };
      },
      getFailureGroup: (id: string): FailureGroupDetail => {
        const group = this.row(id);
        const sample = this.failedByGroup().get(group.id)?.[0];
        return {
          group,
          steps: [...FAILURE_CAUSE_STEPS[group.category]],
          templates: [group.signature],
          inCommon: [
            { dimension: 'config', key: 'lags', condition: 'lags ≥ 100', groupCount: group.count, groupTotal: group.count, baselineCount: 1, baselineTotal: 50, text: `lags ≥ 100 in 100% of these (${group.count} of ${group.count}) vs 2% of completed ${group.jobType} jobs` },
            { dimension: 'user', key: 'user', condition: group.users[0]?.value ?? 'ben.liu', groupCount: group.users[0]?.count ?? 1, groupTotal: group.count, baselineCount: 3, baselineTotal: 50, text: `${group.users[0]?.count ?? 1} of ${group.count} from ${group.users[0]?.value ?? 'ben.liu'} (vs 6% of completed ${group.jobType} jobs)` },
          ],
          compared: { failed: group.count, completed: 50 },
          sample: {
            clusterId: sample?.clusterId ?? 'local',
            jobId: sample?.id ?? 'backtest-1',
            errorMessage: sample?.errorMessage ?? group.signature,
            errorStack: `UnrecoverableError: ${sample?.errorMessage ?? group.signature}\n    at MarketDataProvider.load (/srv/app/cluster/jobs/market-data/market-data-provider.ts:66:13)\n    at run (/srv/app/cluster/jobs/backtest/backtest-handler.ts:31:21)`,
            attemptReasons: [`UnrecoverableError: ${sample?.errorMessage ?? group.signature}`],
            config: { symbols: ['ZZZT', 'ALPH'], lags: 250 },
            workerId: null,
          },
          withoutDetail: 0,
        };
      },
      queryFailureGroupJobs: (id: string, query: { cursor?: string; limit?: number }) => {
        const group = this.row(id);
        const all = this.failedByGroup().get(group.id) ?? [];
        const start = query.cursor ? Number(query.cursor) : 0;
        const limit = query.limit ?? 100;
        return { items: all.slice(start, start + limit), nextCursor: start + limit < all.length ? String(start + limit) : null, total: all.length, syncedAt: new Date(this.host.now()).toISOString() };
      },
      getJobFailureGroup: (clusterId: string, jobId: string) => {
        const job = this.host.allJobs().find((j) => j.clusterId === clusterId && j.id === jobId);
        const id = job ? this.groupIdOf(job) : null;
        return id ? this.row(id) : null;
      },
      mergeFailureGroups: (from: string, into: string) => {
        this.row(from);
        this.row(into);
        if (from === into) throw new AdminApiError('invalid-arguments', `Failure groups ${from} and ${into} are already one group.`);
        this.merges.set(from, into);
        return this.row(into);
      },
      retryFailureGroup: (id: string, request: { dryRun?: boolean }) => this.act(id, 'retry', request.dryRun ?? true),
      cancelFailureGroupPending: (id: string, request: { dryRun?: boolean }) => this.act(id, 'cancel', request.dryRun ?? true),
      exportFailureGroup: (id: string, format: 'csv' | 'json') => {
        const jobs = this.failedByGroup().get(this.row(id).id) ?? [];
        const content = format === 'json' ? JSON.stringify(jobs) : `cluster,id\r\n${jobs.map((j) => `${j.clusterId},${j.id}`).join('\r\n')}\r\n`;
        return { filename: `failure-group-${id}.${format}`, mimeType: format === 'json' ? 'application/json' : 'text/csv', content, rows: jobs.length };
      },
    };
  }
}
