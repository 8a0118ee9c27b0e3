/**
 * A small in-process stand-in for a Sigmatiq cluster's API v1, for the desktop core's unit tests,
 * answering a few routes of the contract's table: jobs in memory, an event log with increasing ids
 * and bounded retention (older ids get `reset`), history by change sequence, SSE with
 * `Last-Event-ID`, and knobs to cut streams, answer garbage or refuse the token. Integration tests
 * use real clusters (`bin/sigmatiq-cluster.js`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ActionResult, ClusterInfo } from '../../../contract/api.ts';
import { matchApiRoute, type AnyApiRoute } from '../../../contract/api-route.ts';
import { ALL_API_ROUTES, API_ROUTES } from '../../../contract/api-routes.ts';
import type { ClusterEvent, HistoryPage } from '../../../contract/events.ts';
import type { Job } from '../../../contract/jobs.ts';
import type { QueueLoadReport } from '../../../contract/load.ts';
import type { QueueMetrics, Summary } from '../../../contract/metrics.ts';

export interface FakeClusterOptions {
  token?: string;
  /** Events kept for replay; older Last-Event-IDs get a reset. */
  retainEvents?: number;
}

const EMPTY_COUNTS = { pending: 0, running: 0, paused: 0, stuck: 0, completed: 0, failed: 0, cancelled: 0 };
const READING = { value: 0, level: 'good' as const };

export class FakeCluster {
  readonly token: string;
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<ServerResponse>();
  readonly jobs = new Map<string, { job: Job; seq: number }>();
  private removed: { id: string; type: Job['type']; seq: number }[] = [];
  private events: ClusterEvent[] = [];
  private nextEventId = 1;
  private seq = 0;
  private readonly retain: number;
  /** The queues the summary carries. */
  queues: QueueMetrics[] = [];
  /** What GET /api/v1/queues/:type/load answers; null answers 404, as a cluster without the route. */
  queueLoad: QueueLoadReport | null = null;
  /** The query string of every load request, as sent. */
  loadQueries: string[] = [];
  /** 'ok', or answer HTML / invalid JSON shapes instead of the API. */
  mode: 'ok' | 'html' | 'bad-schema' = 'ok';
  url = '';
  /** Every request, as `METHOD /path` (the path as sent, parameters encoded). */
  requests: string[] = [];
  /** The body of every job action, single or bulk, as received. */
  readonly actionBodies: unknown[] = [];
  /** The table route of every request that matched one. */
  private readonly routeCalls: AnyApiRoute[] = [];

  constructor(options: FakeClusterOptions = {}) {
    this.token = options.token ?? 'fake-admin-token-123';
    this.retain = options.retainEvents ?? 10_000;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
    return this.url;
  }

  get lastEventId(): string {
    return String(this.nextEventId - 1);
  }

  /** Create or change a job; emits a `job` event. */
  put(job: Job, change = 'changed'): void {
    const stamped = { ...job, updatedAt: new Date(Date.now() + this.seq).toISOString() };
    this.jobs.set(job.id, { job: stamped, seq: ++this.seq });
    this.emit({ id: String(this.nextEventId++), at: new Date().toISOString(), kind: 'job', change, job: stamped });
  }

  remove(id: string): void {
    const entry = this.jobs.get(id);
    if (!entry) return;
    this.jobs.delete(id);
    this.removed.push({ id, type: entry.job.type, seq: ++this.seq });
    this.emit({ id: String(this.nextEventId++), at: new Date().toISOString(), kind: 'job-removed', jobId: id, type: entry.job.type });
  }

  private emit(event: ClusterEvent): void {
    this.events.push(event);
    if (this.events.length > this.retain) this.events = this.events.slice(-this.retain);
    for (const res of this.streams) res.write(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** How many event streams are open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Cut every open event stream (as a network blip would). */
  cutStreams(): void {
    for (const res of this.streams) res.socket?.destroy();
    this.streams.clear();
  }

  async close(): Promise<void> {
    this.cutStreams();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** How many requests came for `route`. */
  callsTo(route: AnyApiRoute): number {
    return this.routeCalls.filter((r) => r === route).length;
  }

  /** Job output files served by the `jobFile` route, by `id/name`. */
  readonly files = new Map<string, Buffer>();

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}`);
    const match = matchApiRoute(ALL_API_ROUTES, req.method ?? '', url.pathname);
    if (match) this.routeCalls.push(match.route);
    if (this.mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, { error: { code: 'unauthorized', message: 'unknown token' } });
      return;
    }
    if (this.mode === 'bad-schema') {
      this.send(res, 200, { hello: 'world' });
      return;
    }
    switch (match?.route) {
      case API_ROUTES.clusterInfo: {
        const info: ClusterInfo = {
          name: 'fake',
          version: '0.0.0',
          datastore: 'embedded',
          serverTime: new Date().toISOString(),
          role: 'admin',
          capabilities: ['events', 'history'],
          stuckAfterMs: 600_000,
        };
        return this.send(res, 200, info);
      }
      case API_ROUTES.history:
        return this.send(res, 200, this.history(url.searchParams.get('after'), Number(url.searchParams.get('limit') ?? 500)));
      case API_ROUTES.summary:
        return this.send(res, 200, this.summary());
      case API_ROUTES.listQueues:
        return this.send(res, 200, this.queues);
      case API_ROUTES.queueLoad:
        this.loadQueries.push(url.search);
        if (!this.queueLoad) break;
        return this.send(res, 200, this.queueLoad);
      case API_ROUTES.listJobs: {
        const states = (url.searchParams.get('state') ?? '').split(',').filter(Boolean);
        const items = [...this.jobs.values()].map((e) => e.job).filter((j) => states.length === 0 || states.includes(j.state));
        return this.send(res, 200, { items: items.slice(0, 500), nextCursor: null });
      }
      case API_ROUTES.events:
        return this.stream(req, res);
      case API_ROUTES.jobAction:
      case API_ROUTES.bulkAction:
        void this.act(req, res, match!.params as { id?: string; action?: string });
        return;
      case API_ROUTES.jobFile: {
        const content = this.files.get(`${match!.params.id}/${match!.params.name}`);
        if (!content) break;
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': String(content.length) });
        res.end(content);
        return;
      }
    }
    this.send(res, 404, { error: { code: 'not_found', message: `no route ${url.pathname}` } });
  }

  /**
   * Delay and run-now, as a cluster answers them: each job's record with its new runAt. No event
   * is published (as if it were still on its way), so whatever the desktop shows comes from the answer.
   */
  private async act(req: IncomingMessage, res: ServerResponse, params: { id?: string; action?: string }): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body = JSON.parse(text || '{}') as { action?: string; ids?: string[]; until?: string; seconds?: number; dryRun?: boolean };
    this.actionBodies.push(body);
    const action = params.action ?? body.action ?? '';
    const one = (id: string): ActionResult => {
      const entry = this.jobs.get(id);
      if (!entry || (action !== 'delay' && action !== 'run-now')) return { id, outcome: 'failed', message: `the fake cluster does not ${action} job '${id}'` };
      const runAt = action === 'delay' ? (body.until ?? new Date(Date.now() + (body.seconds ?? 0) * 1000).toISOString()) : null;
      entry.job = { ...entry.job, runAt, updatedAt: new Date(Math.max(Date.now(), Date.parse(entry.job.updatedAt) + 1)).toISOString() };
      return { id, outcome: 'ok', job: entry.job };
    };
    if (params.id) return this.send(res, 200, one(params.id));
    const ids = body.ids ?? [];
    if (body.dryRun) return this.send(res, 200, { action, dryRun: true, matched: ids.length, ok: 0, skipped: 0, failed: 0, results: [] });
    const results = ids.map(one);
    const ok = results.filter((r) => r.outcome === 'ok').length;
    this.send(res, 200, { action, dryRun: false, matched: ids.length, ok, skipped: 0, failed: results.length - ok, results });
  }

  private history(after: string | null, limit: number): HistoryPage {
    const from = after ? Number(after) : 0;
    const changed = [...this.jobs.values()].filter((e) => e.seq > from);
    const gone = this.removed.filter((r) => r.seq > from);
    const all = [
      ...changed.map((e) => ({ seq: e.seq, job: e.job as Job | null, id: e.job.id, type: e.job.type })),
      ...gone.map((r) => ({ seq: r.seq, job: null, id: r.id, type: r.type })),
    ].sort((a, b) => a.seq - b.seq);
    const page = all.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.filter((p) => p.job).map((p) => p.job!),
      removed: page.filter((p) => !p.job).map((p) => ({ id: p.id, type: p.type })),
      cursor: last ? String(last.seq) : (after ?? '0'),
      eventId: this.lastEventId,
      hasMore: all.length > limit,
    };
  }

  private summary(): Summary {
    const counts = { ...EMPTY_COUNTS };
    for (const { job } of this.jobs.values()) counts[job.state]++;
    return {
      at: new Date().toISOString(),
      total: this.jobs.size,
      counts,
      successRate: null,
      queues: this.queues,
      queueLength: READING,
      waitTimeP95Ms: READING,
      processingRatePerMin: READING,
      failureRate: READING,
    };
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    const header = req.headers['last-event-id'];
    const after = typeof header === 'string' ? Number(header) : Number(this.lastEventId);
    const oldest = this.events[0] ? Number(this.events[0].id) : this.nextEventId;
    if (after < oldest - 1) {
      const reset: ClusterEvent = { id: this.lastEventId, at: new Date().toISOString(), kind: 'reset', reason: 'too old' };
      res.write(`id: ${reset.id}\ndata: ${JSON.stringify(reset)}\n\n`);
    } else {
      for (const e of this.events) if (Number(e.id) > after) res.write(`id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
    }
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }
}
