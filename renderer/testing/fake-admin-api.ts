/**
 * Test-only: an in-memory AdminApi over generated jobs, behaving like the desktop core where the UI
 * can tell (filters, keyset-style pages, actions allowed per state, bulk dry runs, events, offline
 * clusters answering from cache). Every argument and result is parsed with the contract's schemas,
 * so a UI call the real core would reject fails here too, and the fixtures provably fit the contract.
 */
import {
  ADMIN_API,
  type AdminApi,
  type AdminApiMethod,
  type AdminEvent,
  type CacheHealth,
  type CachedJob,
  type ClusterView,
  type JobQuery as JobQueryInput,
  type JobQuery as JobQuerySchema,
  type Settings,
} from '../../contract/admin-api.ts';
import type { z } from 'zod';
import type { ActionResult, JobFilter, MaintenanceWindow, Schedule } from '../../contract/api.ts';

type JobQuery = z.output<typeof JobQuerySchema>;
import { describeZodError } from '../../contract/api.ts';
import { isActionAllowed, JOB_STATE_LABELS, JOB_TYPES, priorityRank, type JobAction, type JobType, type Priority } from '../../contract/domain.ts';
import { JOB_CONFIG_SCHEMAS } from '../../contract/job-configs.ts';
import { emptyStateCounts } from '../../contract/metrics.ts';
import { AdminApiError } from '../api/admin-api-error.ts';
import { FakeAlerts } from './fake-alerts.ts';
import { FakeCapacity } from './fake-capacity.ts';
import { FakeFailures } from './fake-failures.ts';
import { FakeReports } from './fake-reports.ts';
import { activityOf, countStates, queueMetrics, resourcesOf, summaryOf, workersOf } from './fake-metrics.ts';
import { fakeQueueLoadView } from './fake-load.ts';
import { generateJobs, jobDetailOf, makeClusters, STEPS_BY_TYPE } from './fixtures.ts';

export interface FakeOptions {
  now?: number;
  /** Jobs on the local cluster. */
  localJobs?: number;
  /** Jobs cached from the offline research cluster. */
  researchJobs?: number;
  /** Simulated call latency (ms). */
  latencyMs?: number;
  /** Parse results with the contract schemas (on by default; the 100k benchmark turns it off for queryJobs pages). */
  validate?: boolean;
}

type Impl = { [K in AdminApiMethod]: (...args: never[]) => unknown };

/** The fake AdminApi plus controls for tests (emit, setStatus, tick). */
export class FakeAdminApi {
  readonly api: AdminApi;
  clusters: ClusterView[];
  readonly jobs = new Map<string, CachedJob[]>();
  readonly paused = new Map<string, Set<JobType>>();
  readonly concurrency = new Map<string, Map<JobType, number>>();
  schedules: Schedule[] = [];
  windows: MaintenanceWindow[] = [];
  /** Clusters asked to resync, in order. */
  resyncs: string[] = [];
  settings: Settings = { theme: 'system', retentionDays: 90, notificationsEnabled: true, localClusterEnabled: true };
  /** The local cache's state; tests set a problem or moved-aside files and emit 'cache-health'. */
  cacheHealth: CacheHealth = { folder: '/home/admin/.config/Sigmatiq Admin Jobs', problem: null, message: null, since: null, writesPaused: false, movedAside: [] };
  /** What getTokenStorage answers. */
  tokenStorage = 'encrypted with your OS keychain';
  /** Alerts, and each cluster's rules, channels, deliveries and thresholds. */
  readonly alerts: FakeAlerts;
  readonly failures: FakeFailures;
  readonly reports: FakeReports;
  readonly capacity: FakeCapacity;
  /** Every call made, for assertions. */
  readonly calls: { method: AdminApiMethod; args: unknown[] }[] = [];
  private readonly listeners = new Set<(e: AdminEvent) => void>();
  private version = 0;
  private listCache: { key: string; version: number; items: CachedJob[] } | null = null;
  private nextId = 900_000;
  private readonly now: () => number;

  constructor(private readonly options: FakeOptions = {}) {
    const fixed = options.now;
    this.now = fixed === undefined ? () => Date.now() : () => fixed;
    const now = this.now();
    this.clusters = makeClusters(now);
    const local = generateJobs({ clusterId: 'local', count: options.localJobs ?? 240, now, seed: 11 });
    this.addSweepChildren(local, now);
    this.jobs.set('local', local);
    this.jobs.set('research', generateJobs({ clusterId: 'research', count: options.researchJobs ?? 60, now: now - 12 * 60_000, seed: 5, running: 2, pending: 3, stuck: 0, paused: 0 }));
    for (const c of this.clusters) {
      this.paused.set(c.id, new Set(['report']));
      this.concurrency.set(c.id, new Map(JOB_TYPES.map((t) => [t, t === 'signal' ? 8 : 2])));
    }
    this.schedules = [
      { id: 'sch-1', name: 'Nightly signals', type: 'signal', user: 'svc-reports', priority: 'high', config: {}, cron: '0 22 * * 1-5', timezone: 'UTC', paused: false, nextRunAt: new Date(now + 5 * 3600_000).toISOString() },
      { id: 'sch-2', name: 'Daily summary report', type: 'report', user: 'svc-reports', priority: 'low', config: { kind: 'jobs-summary' }, cron: '0 6 * * *', paused: true, nextRunAt: null },
    ];
    this.windows = [
      { id: 'mw-1', name: 'Weekend datastore upgrade', queues: ['training', 'sweep'], startsAt: new Date(now + 2 * 86400_000).toISOString(), endsAt: new Date(now + 2 * 86400_000 + 4 * 3600_000).toISOString(), status: 'upcoming' },
    ];
    this.alerts = new FakeAlerts({ cluster: (id) => this.cluster(id), live: (id) => this.live(id), now: () => this.now(), emit: (e) => this.emit(e) });
    this.failures = new FakeFailures({
      allJobs: () => [...this.jobs.values()].flat(),
      now: () => this.now(),
      act: (clusterId, id, action) => {
        const result = this.act(clusterId, id, action);
        this.emit({ kind: 'jobs-changed', clusterId, jobIds: [id] });
        return result;
      },
    });
    this.reports = new FakeReports({ allJobs: () => [...this.jobs.values()].flat(), now: () => this.now(), clusterIds: () => [...this.jobs.keys()] });
    this.capacity = new FakeCapacity({ now: () => this.now(), clusterIds: () => this.clusters.map((c) => c.id), withHistory: () => [...this.jobs.entries()].filter(([, jobs]) => jobs.length > 0).map(([id]) => id) });
    this.api = this.build();
  }

  /** Sends an AdminEvent to subscribers. */
  emit(event: AdminEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Changes a cluster's connection status and announces it. */
  setStatus(clusterId: string, status: ClusterView['status'], lastError: string | null = null): void {
    this.clusters = this.clusters.map((c) => (c.id === clusterId ? { ...c, status, lastError } : c));
    this.emit({ kind: 'cluster-status', cluster: this.cluster(clusterId) });
  }

  /** Changes one job as the cluster would, and announces it. */
  update(clusterId: string, id: string, patch: Partial<CachedJob>): void {
    const jobs = this.list(clusterId);
    const i = jobs.findIndex((j) => j.id === id);
    jobs[i] = { ...jobs[i]!, ...patch, updatedAt: iso(this.now()) };
    this.version++;
    this.emit({ kind: 'jobs-changed', clusterId, jobIds: [id] });
  }

  /** One step of simulated work on the local cluster: progress, finish, start and add jobs. */
  tick(): void {
    const jobs = this.jobs.get('local')!;
    const now = this.now();
    const changed: string[] = [];
    let running = jobs.filter((j) => j.state === 'running').length;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[i]!;
      if (j.state !== 'running' || !j.progress) continue;
      const percent = Math.min(100, j.progress.percent + 3 + (i % 5));
      const steps = STEPS_BY_TYPE[j.type];
      const stepIndex = Math.min(steps.length - 1, Math.floor((percent / 100) * steps.length));
      if (percent >= 100) {
        const failed = i % 9 === 4;
        jobs[i] = { ...j, state: failed ? 'failed' : 'completed', progress: failed ? j.progress : { ...j.progress, percent: 100 }, finishedAt: iso(now), durationMs: now - Date.parse(j.startedAt ?? j.createdAt), errorMessage: failed ? 'Timeout reached after 15 min' : null, eta: null, workerId: null, updatedAt: iso(now) };
        running--;
      } else {
        jobs[i] = { ...j, progress: { ...j.progress, percent, stepIndex, step: steps[stepIndex]!, message: `${steps[stepIndex]} (${percent}%)` }, lastProgressAt: iso(now), updatedAt: iso(now) };
      }
      changed.push(j.id);
    }
    for (let i = jobs.length - 1; i >= 0 && running < 6; i--) {
      const j = jobs[i]!;
      if (j.state !== 'pending' || this.paused.get('local')!.has(j.type)) continue;
      const steps = STEPS_BY_TYPE[j.type];
      jobs[i] = { ...j, state: 'running', position: undefined, startedAt: iso(now), attempts: j.attempts + 1, progress: { percent: 1, step: steps[0]!, stepIndex: 0, stepCount: steps.length, message: '' }, eta: iso(now + 120_000), workerId: 'worker-1', lastProgressAt: iso(now), updatedAt: iso(now) };
      running++;
      changed.push(j.id);
    }
    this.renumber(jobs);
    this.version++;
    this.emit({ kind: 'jobs-changed', clusterId: 'local', jobIds: changed });
  }

  private addSweepChildren(jobs: CachedJob[], now: number): void {
    const sweep = jobs.find((j) => j.type === 'sweep' && j.state === 'completed');
    if (!sweep) return;
    for (let k = 0; k < 4; k++) {
      jobs.push({ ...sweep, id: `${sweep.id}.${k + 1}`, type: 'backtest', parentId: sweep.id, state: k === 3 ? 'failed' : 'completed', errorMessage: k === 3 ? 'Data not available: no prices for ZETA' : null, updatedAt: iso(now - 60_000) });
    }
  }

  private cluster(id: string): ClusterView {
    const c = this.clusters.find((x) => x.id === id);
    if (!c) throw new AdminApiError('not_found', `No cluster "${id}" is configured.`);
    return c;
  }

  private live(id: string): ClusterView {
    const c = this.cluster(id);
    if (c.status !== 'online') throw new AdminApiError('unavailable', `${c.name} is ${c.status}: this needs a live connection. ${c.lastError ?? ''}`.trim());
    return c;
  }

  private list(id: string): CachedJob[] {
    this.cluster(id);
    return this.jobs.get(id) ?? [];
  }

  private renumber(jobs: CachedJob[]): void {
    const pos = new Map<JobType, number>();
    // As on a cluster, a job delayed to a later time is ahead of no one and has no place in line.
    const now = this.now();
    const delayed = (j: CachedJob) => j.state === 'pending' && !!j.runAt && Date.parse(j.runAt) > now;
    jobs.forEach((j, i) => {
      if (delayed(j) && j.position !== undefined) jobs[i] = { ...j, position: undefined };
    });
    const pending = jobs.filter((j) => j.state === 'pending' && !delayed(j)).sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.createdAt.localeCompare(b.createdAt));
    for (const j of pending) {
      const p = (pos.get(j.type) ?? 0) + 1;
      pos.set(j.type, p);
      const i = jobs.indexOf(j);
      jobs[i] = { ...j, position: p };
    }
  }

  /** Jobs matching a query, sorted (all of them, no paging). */
  matching(query: Partial<JobQuery> & Pick<JobQueryInput, 'clusterIds'>): CachedJob[] {
    const ids = query.clusterIds ?? this.clusters.map((c) => c.id);
    const key = JSON.stringify([ids, query.filter ?? {}, query.sort ?? '-created']);
    if (this.listCache && this.listCache.key === key && this.listCache.version === this.version) return this.listCache.items;
    const f: JobFilter = query.filter ?? {};
    const q = f.q?.toLowerCase();
    let items = ids.flatMap((id) => this.list(id));
    const hasFilter = f.state || f.type || f.user || f.priority || q || f.createdAfter || f.createdBefore || f.finishedBefore;
    if (hasFilter) {
      items = items.filter(
        (j) =>
          (!f.state || f.state.includes(j.state)) &&
          (!f.type || f.type.includes(j.type)) &&
          (!f.user || f.user.includes(j.user)) &&
          (!f.priority || f.priority.includes(j.priority)) &&
          (!q || j.id.toLowerCase().includes(q) || j.user.includes(q) || (j.errorMessage ?? '').toLowerCase().includes(q)) &&
          (!f.createdAfter || j.createdAt >= f.createdAfter) &&
          (!f.createdBefore || j.createdAt < f.createdBefore) &&
          (!f.finishedBefore || (j.finishedAt !== null && j.finishedAt < f.finishedBefore)),
      );
    }
    const sort = query.sort ?? '-created';
    if (sort !== '-created' || ids.length > 1) {
      const by: Record<string, (a: CachedJob, b: CachedJob) => number> = {
        // ISO instants order as text; a plain comparison sorts 100,000 jobs (the UI benchmark's)
        // several times faster than localeCompare, and the desktop's cache does this work outside the page.
        created: (a, b) => compareText(a.createdAt, b.createdAt),
        '-created': (a, b) => compareText(b.createdAt, a.createdAt),
        finished: (a, b) => (a.finishedAt ?? '~').localeCompare(b.finishedAt ?? '~'),
        '-finished': (a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''),
        position: (a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || priorityRank(a.priority) - priorityRank(b.priority),
        priority: (a, b) => priorityRank(a.priority) - priorityRank(b.priority) || b.createdAt.localeCompare(a.createdAt),
      };
      items = [...items].sort(by[sort]);
    }
    this.listCache = { key, version: this.version, items };
    return items;
  }

  private act(clusterId: string, id: string, action: JobAction, priority?: Priority, delay?: { until?: string; seconds?: number }): ActionResult {
    const jobs = this.list(clusterId);
    const i = jobs.findIndex((j) => j.id === id);
    if (i < 0) return { id, outcome: 'failed', message: `job ${id} does not exist on this cluster` };
    const j = jobs[i]!;
    if (!isActionAllowed(action, j.state)) return { id, outcome: 'skipped', message: `job is ${JOB_STATE_LABELS[j.state].toLowerCase()}: ${action} does not apply` };
    const now = iso(this.now());
    let next: CachedJob | null = { ...j, updatedAt: now };
    if (action === 'cancel' || action === 'stop' || action === 'force-stop') next = { ...next, state: 'cancelled', finishedAt: now, position: undefined, eta: null };
    else if (action === 'pause') next = { ...next, state: 'paused' };
    else if (action === 'resume') next = { ...next, state: 'running' };
    else if (action === 'retry') next = { ...next, state: 'pending', startedAt: null, finishedAt: null, durationMs: null, errorMessage: null, progress: null };
    else if (action === 'set-priority') next = { ...next, priority: priority ?? j.priority };
    else if (action === 'delay') next = { ...next, runAt: delay?.until ?? iso(this.now() + (delay?.seconds ?? 0) * 1000) };
    else if (action === 'run-now') next = { ...next, runAt: null };
    else if (action === 'delete') next = null;
    if (next) jobs[i] = next;
    else jobs.splice(i, 1);
    this.renumber(jobs);
    this.version++;
    return { id, outcome: 'ok', ...(next ? { job: jobs[i] } : {}) };
  }

  private build(): AdminApi {
    const impl: Impl = {
      listClusters: () => this.clusters,
      addCluster: (input: { name: string; url: string; colour?: string }) => {
        const id = input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'cluster';
        const view: ClusterView = { id, name: input.name, url: input.url, colour: input.colour ?? '#4f7cff', local: false, enabled: true, status: 'connecting', lastError: null, lastSyncAt: null, info: null };
        this.clusters = [...this.clusters, view];
        this.jobs.set(id, []);
        this.emit({ kind: 'clusters-changed' });
        return view;
      },
      updateCluster: (id: string, patch: Partial<ClusterView> & { token?: string; keepToken?: true }) => {
        const before = this.cluster(id);
        // As the core: a move to another URL takes a new token or an explicit keepToken.
        if (patch.url && patch.url !== before.url && !patch.token && !patch.keepToken) {
          throw new AdminApiError('token-required', `Moving ${before.name} to ${patch.url} needs its token again.`);
        }
        this.clusters = this.clusters.map((c) => (c.id === id ? { ...c, ...(patch.name ? { name: patch.name } : {}), ...(patch.url ? { url: patch.url } : {}), ...(patch.colour ? { colour: patch.colour } : {}) } : c));
        this.emit({ kind: 'clusters-changed' });
        return this.cluster(id);
      },
      removeCluster: (id: string) => {
        this.cluster(id);
        this.clusters = this.clusters.filter((c) => c.id !== id);
        this.emit({ kind: 'clusters-changed' });
        return { ok: true };
      },
      resyncCluster: (id: string) => {
        const view = this.cluster(id);
        if (view.status === 'disabled') throw new AdminApiError('cluster-not-connected', `${view.name} cannot be resynced: it is switched off.`);
        this.resyncs.push(id);
        return view;
      },
      testConnection: (input: { url: string; token?: string }) =>
        input.url.includes('unreachable')
          ? { ok: false, status: 'offline', message: `Could not connect to ${input.url}: connection refused.`, info: null }
          : !input.token
            ? { ok: false, status: 'unauthorized', message: 'The cluster answered 401: the token is missing or wrong.', info: null }
            : { ok: true, status: 'online', message: 'Connected: Sigmatiq cluster 0.1.0 (postgres), role admin.', info: this.clusters[0]!.info },
      setLocalClusterEnabled: (on: boolean) => {
        this.settings = { ...this.settings, localClusterEnabled: on };
        this.setStatus('local', on ? 'online' : 'disabled', on ? null : 'The local cluster is switched off.');
        return this.cluster('local');
      },
      queryJobs: (query: JobQuery) => {
        const all = this.matching(query);
        const start = query.cursor ? Number(query.cursor) : 0;
        const limit = query.limit ?? 100;
        const items = all.slice(start, start + limit);
        const ids = query.clusterIds ?? this.clusters.map((c) => c.id);
        const synced = ids.map((id) => this.cluster(id).lastSyncAt).filter((s): s is string => s !== null).sort();
        return { items, nextCursor: start + limit < all.length ? String(start + limit) : null, total: all.length, syncedAt: synced[0] ?? null };
      },
      getJob: (clusterId: string, id: string) => {
        const jobs = this.list(clusterId);
        const job = jobs.find((j) => j.id === id);
        if (!job) throw new AdminApiError('not_found', `Job ${id} is not on ${this.cluster(clusterId).name} (it may have been deleted).`);
        const detail = jobDetailOf(job, jobs.filter((j) => j.parentId === id), this.now());
        return { ...detail, fromCache: this.cluster(clusterId).status !== 'online' };
      },
      getJobLogs: (clusterId: string, id: string, page: { offset: number; limit: number }) => {
        const detail = impl.getJob(clusterId as never, id as never) as ReturnType<typeof jobDetailOf>;
        const items = detail.logsTail.slice(page.offset, page.offset + page.limit);
        return { items, total: detail.logCount, nextOffset: page.offset + page.limit < detail.logCount ? page.offset + page.limit : null };
      },
      getSummary: (ids?: string[]) => {
        const chosen = ids ?? this.clusters.map((c) => c.id);
        const now = this.now();
        const clusters = chosen.map((id) => {
          const jobs = this.list(id);
          return { clusterId: id, summary: summaryOf(jobs, queueMetrics(jobs, now, this.paused.get(id)!, this.concurrency.get(id)!), now), fromCache: this.cluster(id).status !== 'online' };
        });
        const counts = emptyStateCounts();
        for (const c of clusters) for (const [k, v] of Object.entries(c.summary.counts)) counts[k as keyof typeof counts] += v;
        const done = counts.completed + counts.failed;
        return { clusters, counts, total: Object.values(counts).reduce((a, b) => a + b, 0), successRate: done ? counts.completed / done : null };
      },
      getActivity: (ids: string[] | undefined, range: Parameters<typeof activityOf>[1]) => activityOf((ids ?? this.clusters.map((c) => c.id)).flatMap((id) => this.list(id)), range, this.now()),
      getQueues: (id: string) => {
        this.live(id);
        return queueMetrics(this.list(id), this.now(), this.paused.get(id)!, this.concurrency.get(id)!);
      },
      getQueueLoad: (id: string, type: JobType, query: { concurrency?: number; targetMs?: number }) =>
        fakeQueueLoadView(this.list(id), type, this.now(), { paused: this.paused.get(id)!.has(type), concurrency: this.concurrency.get(id)!.get(type)!, online: this.cluster(id).status === 'online' }, query ?? {}),
      getWorkers: (id: string) => {
        this.live(id);
        return workersOf(this.list(id), this.now());
      },
      getResources: (id: string, range: Parameters<typeof resourcesOf>[0]) => {
        this.live(id);
        return resourcesOf(range, this.now());
      },
      submitJob: (clusterId: string, req: { type: JobType; user: string; priority?: Priority; config?: Record<string, unknown> }) => {
        this.live(clusterId);
        const parsed = JOB_CONFIG_SCHEMAS[req.type].safeParse(req.config ?? {});
        if (!parsed.success) throw new AdminApiError('validation_failed', describeZodError(parsed.error, 'config'));
        const now = iso(this.now());
        const job: CachedJob = { clusterId, id: String(this.nextId++), type: req.type, state: 'pending', priority: req.priority ?? 'normal', user: req.user, createdAt: now, startedAt: null, finishedAt: null, durationMs: null, attempts: 0, maxAttempts: 3, progress: null, errorMessage: null, parentId: null, updatedAt: now };
        const jobs = this.list(clusterId);
        jobs.unshift(job);
        this.renumber(jobs);
        this.version++;
        this.emit({ kind: 'jobs-changed', clusterId, jobIds: [job.id] });
        return jobs.find((j) => j.id === job.id)!;
      },
      jobAction: (clusterId: string, id: string, action: JobAction, body: { priority?: Priority; note?: string; until?: string; seconds?: number }) => {
        this.live(clusterId);
        const owner = this.list(clusterId).find((j) => j.id === id)?.user;
        const r = this.act(clusterId, id, action, body?.priority, body);
        this.emit({ kind: 'jobs-changed', clusterId, jobIds: [id] });
        // As the cluster: a note goes out once the action succeeded, and the answer says how.
        return body?.note && r.outcome === 'ok' ? { ...r, note: `note for ${owner} on its way by email` } : r;
      },
      bulkAction: (clusterId: string, req: { action: JobAction; ids?: string[]; filter?: JobFilter; priority?: Priority; until?: string; seconds?: number; dryRun?: boolean }) => {
        this.live(clusterId);
        const ids = req.ids ?? this.matching({ clusterIds: [clusterId], filter: req.filter ?? {} }).map((j) => j.id);
        if (req.dryRun) return { action: req.action, dryRun: true, matched: ids.length, ok: 0, skipped: 0, failed: 0, results: [] };
        const results = ids.map((id) => this.act(clusterId, id, req.action, req.priority, req));
        this.emit({ kind: 'jobs-changed', clusterId, jobIds: ids });
        const n = (o: string) => results.filter((r) => r.outcome === o).length;
        return { action: req.action, dryRun: false, matched: ids.length, ok: n('ok'), skipped: n('skipped'), failed: n('failed'), results };
      },
      queueAction: (clusterId: string, type: JobType, action: 'pause' | 'resume' | 'set-concurrency', body: { concurrency?: number }) => {
        this.live(clusterId);
        if (action === 'pause') this.paused.get(clusterId)!.add(type);
        if (action === 'resume') this.paused.get(clusterId)!.delete(type);
        if (action === 'set-concurrency' && body?.concurrency) this.concurrency.get(clusterId)!.set(type, body.concurrency);
        this.emit({ kind: 'queues-changed', clusterId });
        return queueMetrics(this.list(clusterId), this.now(), this.paused.get(clusterId)!, this.concurrency.get(clusterId)!).find((q) => q.type === type)!;
      },
      downloadJobFile: (clusterId: string, jobId: string, name: string) => {
        this.live(clusterId);
        const detail = impl.getJob(clusterId as never, jobId as never) as ReturnType<typeof jobDetailOf>;
        const output = detail.result?.outputs.find((o) => o.name === name);
        if (!output) throw new AdminApiError('not_found', `job ${jobId} has no output file named '${name}'`);
        const content = `${name} of ${jobId}\n`;
        return { filename: name, mimeType: name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream', contentBase64: btoa(content), bytes: content.length };
      },
      getTokenStorage: () => ({ description: this.tokenStorage }),
      exportJobs: (query: JobQuery, format: 'csv' | 'json', selection?: { clusterId: string; id: string }[]) => {
        const chosen = selection && new Set(selection.map((s) => `${s.clusterId}/${s.id}`));
        const items = this.matching(query).filter((j) => !chosen || chosen.has(`${j.clusterId}/${j.id}`));
        const content = format === 'json' ? JSON.stringify(items, null, 2) : ['id,type,state,priority,user,createdAt', ...items.map((j) => [j.id, j.type, j.state, j.priority, j.user, j.createdAt].join(','))].join('\n');
        return { filename: `jobs.${format}`, mimeType: format === 'json' ? 'application/json' : 'text/csv', content, rows: items.length };
      },
      listSchedules: (id: string) => (this.live(id), this.schedules),
      createSchedule: (id: string, req: Omit<Schedule, 'id' | 'paused' | 'nextRunAt'>) => {
        this.live(id);
        const s: Schedule = { ...req, config: req.config ?? {}, priority: req.priority ?? 'normal', id: `sch-${this.schedules.length + 1}`, paused: false, nextRunAt: iso(this.now() + 3600_000) };
        this.schedules = [...this.schedules, s];
        return s;
      },
      setSchedulePaused: (id: string, sid: string, paused: boolean) => {
        this.live(id);
        this.schedules = this.schedules.map((s) => (s.id === sid ? { ...s, paused, nextRunAt: paused ? null : iso(this.now() + 3600_000) } : s));
        return this.schedules.find((s) => s.id === sid)!;
      },
      deleteSchedule: (id: string, sid: string) => {
        this.live(id);
        this.schedules = this.schedules.filter((s) => s.id !== sid);
        return { ok: true };
      },
      listMaintenanceWindows: (id: string) => (this.live(id), this.windows),
      createMaintenanceWindow: (id: string, req: Omit<MaintenanceWindow, 'id' | 'status'>) => {
        this.live(id);
        const w: MaintenanceWindow = { ...req, id: `mw-${this.windows.length + 1}`, status: 'upcoming' };
        this.windows = [...this.windows, w];
        return w;
      },
      deleteMaintenanceWindow: (id: string, wid: string) => {
        this.live(id);
        this.windows = this.windows.filter((w) => w.id !== wid);
        return { ok: true };
      },
      getSettings: () => this.settings,
      updateSettings: (patch: Partial<Settings>) => {
        this.settings = { ...this.settings, ...patch };
        this.emit({ kind: 'settings-changed', settings: this.settings });
        return this.settings;
      },
      getCacheHealth: () => this.cacheHealth,
      ...this.alerts.methods(),
      ...this.failures.methods(),
      ...this.reports.methods(),
      ...this.capacity.methods(),
    };
    const api: Record<string, unknown> = {};
    for (const method of Object.keys(ADMIN_API) as AdminApiMethod[]) {
      api[method] = async (...raw: unknown[]) => {
        this.calls.push({ method, args: raw });
        if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
        const args = ADMIN_API[method].args.safeParse(raw);
        if (!args.success) throw new AdminApiError('bad_request', `${method}: ${describeZodError(args.error)}`);
        const result = (impl[method] as (...a: unknown[]) => unknown)(...(args.data as unknown[]));
        if (this.options.validate === false && method === 'queryJobs') return structuredClone(result);
        const parsed = ADMIN_API[method].result.safeParse(result);
        if (!parsed.success) throw new Error(`fake ${method} returned data outside the contract: ${describeZodError(parsed.error)}`);
        return parsed.data;
      };
    }
    api.onEvent = (listener: (e: AdminEvent) => void) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    };
    return api as AdminApi;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export { countStates };
