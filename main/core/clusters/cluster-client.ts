/**
 * ClusterClient: the live connection to one cluster (Freelens style — the configured cluster is a
 * plain model; this object owns its connection, timers and status). It keeps the event stream open,
 * reconnecting with capped exponential backoff and full jitter, drives a StreamSession (the sync)
 * through connect → catch up → stream → settle, refreshes live data while online, and reports a
 * status with the last problem in words. Each attempt ends in an outcome — stopped, prepare again
 * (a `reset`, a resync), or failed — never an exception out of the loop: every failure becomes a
 * status. `resync()` is the one way to ask for a full pull of the cluster's jobs.
 */
import type { ClusterView, ConnectionProblem, ConnectionStatus, ConnectionTestResult } from '../../../contract/admin-api.ts';
import type { ClusterInfo } from '../../../contract/api.ts';
import { API_ROUTES } from '../../../contract/api-routes.ts';
import type { ClusterEvent } from '../../../contract/events.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { ClusterRequestError, classifyNetworkError, statusForProblem } from './cluster-errors.ts';
import { ClusterHttp, type ClusterEndpoint } from './cluster-http.ts';
import { readClusterEvents, StreamEnded } from './event-stream-reader.ts';

/** What `prepare` is asked to do beyond catching up. */
export interface PrepareRequest {
  /**
   * Pull every job again over what the cache holds (an admin's resync). Asked for again at the
   * next prepare until one that was asked it succeeds.
   */
  fullPull: boolean;
}

/** What the connection drives: the sync of one cluster into the cache. */
export interface StreamSession {
  /** The cluster answered: catch up (history pull when needed) and return the event id to resume after. */
  prepare(signal: AbortSignal, request: PrepareRequest): Promise<string | null>;
  /**
   * Each event, in order. Return 'resync' (after a `reset`) to close the stream and prepare again,
   * or 'refresh' when the event made live data stale (a job entered the queue: places in line and
   * queue metrics moved) — the live refresh then runs soon instead of at its next tick.
   */
  onEvent(event: ClusterEvent): void | 'resync' | 'refresh' | Promise<void | 'resync' | 'refresh'>;
  /** The stream ended for any reason: write what is pending. */
  settle(): Promise<void>;
  /** Refresh live data (summary, active and pending jobs) while online. */
  refresh?(signal: AbortSignal): Promise<void>;
}

export interface ConnectionState {
  status: ConnectionStatus;
  lastError: string | null;
  problem: ConnectionProblem | null;
  info: ClusterInfo | null;
  /** When the cluster last answered or sent anything. */
  lastHeardAt: string | null;
}

export interface ClusterClientOptions {
  id: string;
  endpoint: ClusterEndpoint;
  backoff?: BackoffOptions;
  /** Reconnect when the stream is silent this long (the cluster sends keep-alives more often). */
  idleMs?: number;
  /** How often live data is refreshed while online. */
  refreshMs?: number;
  onChange?: (state: ConnectionState) => void;
  log?: (line: string) => void;
}

/** How one connection attempt ended. */
type AttemptOutcome =
  /** The client was stopped. */
  | { kind: 'stopped' }
  /** The session asked to prepare again (a `reset`), or a resync did: connect again at once. */
  | { kind: 'prepare-again' }
  /** The cluster could not be reached, refused, or the stream ended: reconnect after a backoff. */
  | { kind: 'failed'; problem: ClusterRequestError };

/** A live refresh asked for by events waits this long for more of them ... */
const REFRESH_SOON_DELAY_MS = 250;
/** ... and comes at most this often. */
const REFRESH_SOON_MIN_MS = 1_000;

/** Wait `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function problemOf(error: ClusterRequestError): ConnectionProblem {
  // A refused request on a read route means the API is not what we expect.
  return error.kind === 'api' ? 'incompatible' : error.kind;
}

/** Classify anything thrown while talking to a cluster. */
export function asClusterError(error: unknown, url: string): ClusterRequestError {
  if (error instanceof ClusterRequestError) return error;
  return classifyNetworkError(error, new URL(url), 10_000);
}

export class ClusterClient {
  readonly id: string;
  readonly http: ClusterHttp;
  private readonly options: ClusterClientOptions;
  private state: ConnectionState = { status: 'connecting', lastError: null, problem: null, info: null, lastHeardAt: null };
  private readonly stopController = new AbortController();
  private running: Promise<void> | null = null;
  /** Failed attempts in a row, for the backoff. */
  private failedAttempts = 0;

  constructor(options: ClusterClientOptions) {
    this.options = options;
    this.id = options.id;
    this.http = new ClusterHttp(options.endpoint);
  }

  get connection(): ConnectionState {
    return this.state;
  }

  /** Start the connect/stream/reconnect loop. */
  start(session: StreamSession): void {
    if (this.running) return;
    this.running = this.run(session).catch((error) => this.options.log?.(`cluster ${this.id}: connection loop ended: ${String(error)}`));
  }

  /** Close the stream, stop timers and wait for the loop to settle. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
    await this.http.close();
  }

  /** Mark that the cluster answered a REST call (keeps "last heard" fresh between events). */
  noteHeard(): void {
    this.state = { ...this.state, lastHeardAt: new Date().toISOString() };
  }

  /** Report a problem seen by a REST call outside the loop (e.g. live refresh): degrade, don't drop. */
  reportRequestProblem(error: ClusterRequestError): void {
    if (this.state.status !== 'online' && this.state.status !== 'degraded') return;
    const problem = problemOf(error);
    const status = statusForProblem(problem) === 'offline' ? 'degraded' : statusForProblem(problem);
    this.setState({ status, lastError: error.message, problem });
  }

  /** Back to online after a degraded refresh succeeded (only while the stream is up). */
  reportRequestOk(): void {
    if (this.state.status === 'degraded' && this.streamUp) this.setState({ status: 'online', lastError: null, problem: null });
  }

  private streamUp = false;
  /** The current connection attempt, to end it when a resync is asked for. */
  private attemptController: AbortController | null = null;
  /** A full pull is owed to the admin: asked for by `resync()` and not yet done by a prepare. */
  private fullPullOwed = false;
  /** Counts resyncs, so a prepare that was running when another one was asked does not settle it. */
  private resyncs = 0;

  /**
   * Pull every job of the cluster again over what the cache holds (jobs the cache missed come back,
   * every cached job takes the cluster's current state): the current attempt ends and the next
   * prepare does a full pull. Cached jobs stay visible meanwhile; an interrupted pull starts over
   * at the next connect.
   */
  resync(): void {
    this.fullPullOwed = true;
    this.resyncs++;
    this.attemptController?.abort();
  }
  /** Asks for a live refresh soon (while the stream is up). */
  private refreshSoon: (() => void) | null = null;

  private setState(patch: Partial<ConnectionState>): void {
    const next = { ...this.state, ...patch };
    const changed =
      next.status !== this.state.status ||
      next.lastError !== this.state.lastError ||
      next.problem !== this.state.problem ||
      next.info !== this.state.info;
    this.state = next;
    if (changed) this.options.onChange?.(next);
  }

  private async run(session: StreamSession): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      const outcome = await this.attempt(session);
      if (outcome.kind === 'stopped') break;
      if (outcome.kind === 'prepare-again') continue;
      const problem = outcome.problem;
      if (problem instanceof StreamEnded && (this.state.status === 'online' || this.state.status === 'degraded')) {
        // A stream that was fine and ended: reconnect soon, say so without alarming.
        this.setState({ status: 'connecting', lastError: `reconnecting: ${problem.message}`, problem: null });
      } else {
        this.setState({ status: statusForProblem(problemOf(problem)), lastError: problem.message, problem: problemOf(problem) });
      }
      const wait = backoffDelay(this.failedAttempts++, this.options.backoff ?? DEFAULT_BACKOFF);
      this.options.log?.(`cluster ${this.id}: ${problem.message}; retrying in ${wait} ms`);
      await sleep(wait, stop);
    }
    this.streamUp = false;
  }

  /** One connection: cluster info, prepare (catch up), then the event stream until it ends. */
  private async attempt(session: StreamSession): Promise<AttemptOutcome> {
    const stop = this.stopController.signal;
    const host = new URL(this.options.endpoint.url).host;
    const attemptController = new AbortController();
    this.attemptController = attemptController;
    const signal = AbortSignal.any([stop, attemptController.signal]);
    let refreshTimer: NodeJS.Timeout | null = null;
    try {
      const info = await this.http.call(API_ROUTES.clusterInfo, { signal });
      this.setState({ info, lastHeardAt: new Date().toISOString() });
      const resyncsBefore = this.resyncs;
      const resumeId = await session.prepare(signal, { fullPull: this.fullPullOwed });
      if (this.resyncs === resyncsBefore) this.fullPullOwed = false;
      const body = await this.http.openEventStream(API_ROUTES.events, resumeId, signal);
      this.streamUp = true;
      this.failedAttempts = 0;
      this.setState({ status: 'online', lastError: null, problem: null, lastHeardAt: new Date().toISOString() });
      refreshTimer = this.startRefresh(session, signal);
      // Returns only when the session asks to prepare again (the cluster said our events are gone).
      await readClusterEvents(body, host, {
        idleMs: this.options.idleMs ?? 60_000,
        signal,
        onActivity: () => this.noteHeard(),
        onEvent: async (event) => {
          const wants = await session.onEvent(event);
          if (wants === 'resync') return 'stop';
          if (wants === 'refresh') this.refreshSoon?.();
        },
      });
      return stop.aborted ? { kind: 'stopped' } : { kind: 'prepare-again' };
    } catch (error) {
      if (stop.aborted) return { kind: 'stopped' };
      // Only resync() ends an attempt from outside: prepare again at once.
      if (attemptController.signal.aborted) return { kind: 'prepare-again' };
      return { kind: 'failed', problem: asClusterError(error, this.options.endpoint.url) };
    } finally {
      this.streamUp = false;
      if (refreshTimer) clearInterval(refreshTimer);
      this.refreshSoon = null;
      attemptController.abort();
      await session.settle().catch((e) => this.options.log?.(`cluster ${this.id}: could not write pending changes: ${String(e)}`));
    }
  }

  private startRefresh(session: StreamSession, signal: AbortSignal): NodeJS.Timeout | null {
    if (!session.refresh) return null;
    let busy = false;
    let lastAt = 0;
    let soon: NodeJS.Timeout | null = null;
    // Stale live data is refreshed shortly after the events that made it so, at most once per
    // REFRESH_SOON_MIN_MS however many such events arrive.
    this.refreshSoon = () => {
      if (soon || signal.aborted) return;
      const wait = Math.max(REFRESH_SOON_DELAY_MS, lastAt + REFRESH_SOON_MIN_MS - Date.now());
      soon = setTimeout(() => {
        soon = null;
        void tick();
      }, wait);
      soon.unref?.();
    };
    signal.addEventListener('abort', () => soon && clearTimeout(soon), { once: true });
    const tick = async () => {
      if (busy || signal.aborted) return;
      busy = true;
      lastAt = Date.now();
      try {
        await session.refresh!(signal);
        this.noteHeard();
        this.reportRequestOk();
      } catch (error) {
        if (!signal.aborted) this.reportRequestProblem(asClusterError(error, this.options.endpoint.url));
      } finally {
        busy = false;
      }
    };
    void tick();
    return setInterval(() => void tick(), this.options.refreshMs ?? 5_000);
  }

  /** The view of this connection for the UI (merged with the configured cluster by the registry). */
  viewState(): Pick<ClusterView, 'status' | 'lastError' | 'problem' | 'info'> {
    return { status: this.state.status, lastError: this.state.lastError, problem: this.state.problem, info: this.state.info };
  }
}

/** One-off check of a URL + token (+ CA): what an admin gets from "Test connection". */
export async function testClusterConnection(endpoint: ClusterEndpoint): Promise<ConnectionTestResult> {
  const http = new ClusterHttp(endpoint);
  try {
    const info = await http.call(API_ROUTES.clusterInfo);
    return {
      ok: true,
      status: 'online',
      problem: null,
      message: `connected to ${info.name} (version ${info.version}, ${info.datastore} datastore) as ${info.role}`,
      info,
    };
  } catch (error) {
    const problem = asClusterError(error, endpoint.url);
    const kind = problemOf(problem);
    return { ok: false, status: statusForProblem(kind), problem: kind, message: problem.message, info: null };
  } finally {
    await http.close();
  }
}
