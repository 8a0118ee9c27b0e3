/**
 * ClusterRegistry: the configured clusters (plain models, persisted in settings; tokens in the
 * SecretStore) and, per cluster id, its live ClusterClient + ClusterSync. The embedded "Local"
 * cluster is registered here like any other once its process is up (id `local`).
 */
import { type z } from 'zod';
import {
  type ClusterInput,
  type ClusterPatch,
  LOCAL_CLUSTER_ID,
  type ClusterView,
  type ConnectionTestResult,
} from '../../../contract/admin-api.ts';
import type { ClusterEvent } from '../../../contract/events.ts';
import { AdminError } from '../admin-error.ts';
import type { AdminEventHub } from '../admin-event-hub.ts';
import type { JobCache } from '../cache/job-cache.ts';
import type { SecretStore } from '../ports.ts';
import type { ClusterConfig } from '../settings/core-state.ts';
import { ClusterSync, type ClusterSyncOptions } from '../sync/cluster-sync.ts';
import { ClusterClient, testClusterConnection, type ClusterClientOptions } from './cluster-client.ts';

type ParsedInput = z.output<typeof ClusterInput>;

/** The secret store key of a cluster's token. */
export function tokenKey(clusterId: string): string {
  return `cluster-token:${clusterId}`;
}

/** A cluster id from its name: "Prod EU #2" → "prod-eu-2", made unique with -2, -3 … */
export function clusterIdFor(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'cluster';
  let id = base;
  for (let n = 2; taken.has(id) || id === LOCAL_CLUSTER_ID; n++) id = `${base}-${n}`;
  return id;
}

/** Whether two cluster URLs name the same address (`https://h:1` and `https://h:1/` do). */
function sameAddress(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

interface Runtime {
  id: string;
  name: string;
  url: string;
  colour: string;
  caCertificate: string | null;
  local: boolean;
  enabled: boolean;
  /** Why there is no connection (no token, local cluster starting or failed), shown as the status. */
  idle: { status: ClusterView['status']; message: string | null; problem: ClusterView['problem'] } | null;
  client: ClusterClient | null;
  sync: ClusterSync | null;
}

export interface ClusterRegistryOptions {
  cache: JobCache;
  secrets: SecretStore;
  events: AdminEventHub;
  /** Persist the remote cluster list (settings). */
  saveClusters: (clusters: ClusterConfig[]) => Promise<void>;
  log?: (line: string) => void;
  /** Overrides for tests (fast backoff, short refresh). */
  clientOptions?: Partial<ClusterClientOptions>;
  syncOptions?: Partial<ClusterSyncOptions>;
  /** Every event a cluster's stream delivers (once), e.g. for the alert mirror. */
  onClusterEvent?: (clusterId: string, event: ClusterEvent) => void;
}

export class ClusterRegistry {
  private readonly runtimes = new Map<string, Runtime>();
  private configs: ClusterConfig[] = [];
  private started = false;

  constructor(private readonly o: ClusterRegistryOptions) {}

  /** Load the configured clusters (tokens from the secret store); connects once started. */
  async load(configs: readonly ClusterConfig[]): Promise<void> {
    this.configs = [...configs];
    for (const config of configs) {
      const token = await this.o.secrets.get(tokenKey(config.id));
      this.runtimes.set(config.id, this.runtimeFor(config, token));
    }
  }

  private runtimeFor(config: ClusterConfig, token: string | null): Runtime {
    const runtime: Runtime = {
      id: config.id,
      name: config.name,
      url: config.url,
      colour: config.colour,
      caCertificate: config.caCertificate,
      local: false,
      enabled: true,
      idle: token
        ? null
        : { status: 'unauthorized', problem: 'unauthorized', message: 'no token is stored for this cluster on this computer: edit the cluster and enter its token' },
      client: null,
      sync: null,
    };
    if (token) this.connect(runtime, token);
    return runtime;
  }

  private connect(runtime: Runtime, token: string): void {
    const client = new ClusterClient({
      id: runtime.id,
      endpoint: { url: runtime.url, token, caCertificate: runtime.caCertificate },
      log: this.o.log,
      ...this.o.clientOptions,
      onChange: () => this.o.events.emit({ kind: 'cluster-status', cluster: this.viewOf(runtime) }),
    });
    const sync = new ClusterSync({
      clusterId: runtime.id,
      cache: this.o.cache,
      http: client.http,
      log: this.o.log,
      ...this.o.syncOptions,
      onJobsChanged: (ids) => this.o.events.jobsChanged(runtime.id, ids),
      onQueuesChanged: () => this.o.events.queuesChanged(runtime.id),
      onClusterEvent: (event) => this.o.onClusterEvent?.(runtime.id, event),
    });
    runtime.client = client;
    runtime.sync = sync;
    if (this.started) client.start(sync);
  }

  private async disconnect(runtime: Runtime): Promise<void> {
    const client = runtime.client;
    runtime.client = null;
    runtime.sync = null;
    await client?.stop();
  }

  /** Start every connection. */
  start(): void {
    this.started = true;
    for (const r of this.runtimes.values()) if (r.client && r.sync) r.client.start(r.sync);
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.runtimes.values()].map((r) => this.disconnect(r)));
  }

  // ------------------------------------------------------------ views

  private viewOf(r: Runtime): ClusterView {
    const conn = r.client?.viewState();
    const sync = this.o.cache.syncState(r.id);
    return {
      id: r.id,
      name: r.name,
      url: r.url,
      colour: r.colour,
      local: r.local,
      enabled: r.enabled,
      status: r.idle?.status ?? conn?.status ?? 'connecting',
      lastError: r.idle?.message ?? conn?.lastError ?? null,
      problem: r.idle?.problem ?? conn?.problem ?? null,
      hasCaCertificate: r.caCertificate !== null,
      lastSyncAt: sync.lastSyncAt,
      info: conn?.info ?? null,
      tokenStorage: r.local ? 'held in memory while the app runs' : this.o.secrets.describe(),
    };
  }

  /** How tokens of added clusters are kept on this machine (the secret store's own words). */
  tokenStorage(): string {
    return this.o.secrets.describe();
  }

  list(): ClusterView[] {
    return [...this.runtimes.values()].sort((a, b) => Number(b.local) - Number(a.local)).map((r) => this.viewOf(r));
  }

  has(id: string): boolean {
    return this.runtimes.has(id);
  }

  ids(): string[] {
    return [...this.runtimes.keys()];
  }

  view(id: string): ClusterView {
    return this.viewOf(this.runtime(id));
  }

  private runtime(id: string): Runtime {
    const r = this.runtimes.get(id);
    if (!r) throw new AdminError('unknown-cluster', `There is no cluster "${id}". It may have been removed.`, 404);
    return r;
  }

  /** The live client of a cluster, for calls that need the cluster; a clear error when there is none. */
  client(id: string): ClusterClient {
    const r = this.runtime(id);
    if (!r.client) {
      throw new AdminError('cluster-not-connected', `${r.name} is not connected: ${r.idle?.message ?? 'it is switched off'}.`, 502);
    }
    return r.client;
  }

  /** True when the cluster's stream is up (live data can be asked for). */
  isOnline(id: string): boolean {
    const status = this.runtimes.get(id)?.client?.connection.status;
    return status === 'online' || status === 'degraded';
  }

  /**
   * Pull every job of a cluster again over the cached ones (the admin's "Resync"): fills in what
   * the cache missed. Runs at once when connected, at the next connect otherwise.
   */
  resync(id: string): ClusterView {
    const r = this.runtime(id);
    if (!r.client || !r.sync) {
      throw new AdminError('cluster-not-connected', `${r.name} cannot be resynced: ${r.idle?.message ?? 'it is switched off'}.`, 502);
    }
    this.o.log?.(`cluster ${id}: resync asked for`);
    r.client.resync();
    return this.viewOf(r);
  }

  // ------------------------------------------------------------ configuration

  async add(input: ParsedInput): Promise<ClusterView> {
    if (!input.token) throw new AdminError('invalid-arguments', 'A new cluster needs its token.', 400);
    const id = clusterIdFor(input.name, new Set(this.runtimes.keys()));
    const config: ClusterConfig = {
      id,
      name: input.name,
      url: input.url,
      colour: input.colour,
      caCertificate: input.caCertificate?.trim() ? input.caCertificate : null,
      addedAt: new Date().toISOString(),
    };
    await this.o.secrets.set(tokenKey(id), input.token);
    this.configs.push(config);
    await this.o.saveClusters(this.configs);
    const runtime = this.runtimeFor(config, input.token);
    this.runtimes.set(id, runtime);
    this.o.events.emit({ kind: 'clusters-changed' });
    return this.viewOf(runtime);
  }

  async update(id: string, patch: z.output<typeof ClusterPatch>): Promise<ClusterView> {
    const runtime = this.runtime(id);
    if (runtime.local) {
      if (patch.colour === undefined || Object.keys(patch).some((k) => k !== 'colour')) {
        throw new AdminError('invalid-arguments', 'The local cluster is managed by the app: only its colour can be changed.', 400);
      }
      runtime.colour = patch.colour;
      this.o.events.emit({ kind: 'clusters-changed' });
      return this.viewOf(runtime);
    }
    const index = this.configs.findIndex((c) => c.id === id);
    const old = this.configs[index]!;
    if (patch.url !== undefined && !sameAddress(patch.url, old.url) && !patch.token && patch.keepToken !== true) {
      // The stored token opens the cluster it was made for; an edit (or a forged call) that only
      // moves the URL would hand it to whoever listens at the new address.
      if (await this.o.secrets.get(tokenKey(id))) {
        throw new AdminError(
          'token-required',
          `Moving ${old.name} from ${old.url} to ${patch.url} needs its token again: enter the token, or confirm that the stored token may be sent to the new address.`,
          400,
        );
      }
    }
    const config: ClusterConfig = {
      ...old,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.colour !== undefined ? { colour: patch.colour } : {}),
      ...(patch.caCertificate !== undefined ? { caCertificate: patch.caCertificate.trim() ? patch.caCertificate : null } : {}),
    };
    if (patch.token) await this.o.secrets.set(tokenKey(id), patch.token);
    this.configs[index] = config;
    await this.o.saveClusters(this.configs);
    const reconnect = config.url !== old.url || config.caCertificate !== old.caCertificate || patch.token !== undefined;
    Object.assign(runtime, { name: config.name, url: config.url, colour: config.colour, caCertificate: config.caCertificate });
    if (reconnect) {
      await this.disconnect(runtime);
      const token = await this.o.secrets.get(tokenKey(id));
      runtime.idle = token ? null : runtime.idle;
      if (token) this.connect(runtime, token);
    }
    this.o.events.emit({ kind: 'clusters-changed' });
    return this.viewOf(runtime);
  }

  async remove(id: string): Promise<void> {
    const runtime = this.runtime(id);
    if (runtime.local) {
      throw new AdminError('invalid-arguments', 'The local cluster cannot be removed; switch it off in the settings instead.', 400);
    }
    await this.disconnect(runtime);
    this.runtimes.delete(id);
    this.configs = this.configs.filter((c) => c.id !== id);
    await this.o.saveClusters(this.configs);
    await this.o.secrets.delete(tokenKey(id));
    this.o.cache.forgetCluster(id);
    this.o.events.emit({ kind: 'clusters-changed' });
  }

  /** "Test connection" for an add/edit form; without a token, uses the stored one of the cluster at that URL. */
  async test(input: ParsedInput): Promise<ConnectionTestResult> {
    let token = input.token ?? null;
    if (!token) {
      const known = this.configs.find((c) => c.url === input.url);
      token = known ? await this.o.secrets.get(tokenKey(known.id)) : null;
    }
    if (!token) {
      return { ok: false, status: 'unauthorized', problem: 'unauthorized', message: 'Enter the token to test the connection.', info: null };
    }
    return testClusterConnection({ url: input.url, token, caCertificate: input.caCertificate ?? null });
  }

  // ------------------------------------------------------------ the local cluster

  /** Show the local cluster in a state without a connection (starting, failed, switched off). */
  setLocalIdle(status: ClusterView['status'], message: string | null, problem: ClusterView['problem'] = null): void {
    let runtime = this.runtimes.get(LOCAL_CLUSTER_ID);
    if (!runtime) {
      runtime = { id: LOCAL_CLUSTER_ID, name: 'Local', url: '', colour: '#22a06b', caCertificate: null, local: true, enabled: true, idle: null, client: null, sync: null };
      this.runtimes.set(LOCAL_CLUSTER_ID, runtime);
      this.o.events.emit({ kind: 'clusters-changed' });
    }
    runtime.enabled = status !== 'disabled';
    runtime.idle = { status, message, problem };
    void this.disconnect(runtime);
    this.o.events.emit({ kind: 'cluster-status', cluster: this.viewOf(runtime) });
  }

  /** The local cluster's process is up: connect to it like to any cluster. */
  attachLocal(url: string, token: string): ClusterView {
    this.setLocalIdle('connecting', null);
    const runtime = this.runtimes.get(LOCAL_CLUSTER_ID)!;
    runtime.url = url;
    runtime.idle = null;
    this.connect(runtime, token);
    this.o.events.emit({ kind: 'clusters-changed' });
    return this.viewOf(runtime);
  }

  /** Disconnect from the local cluster (before its process stops). */
  async detachLocal(status: ClusterView['status'], message: string | null): Promise<void> {
    const runtime = this.runtimes.get(LOCAL_CLUSTER_ID);
    if (!runtime) return;
    await this.disconnect(runtime);
    runtime.enabled = status !== 'disabled';
    runtime.idle = { status, message, problem: null };
    this.o.events.emit({ kind: 'cluster-status', cluster: this.viewOf(runtime) });
  }

  localView(): ClusterView | null {
    const r = this.runtimes.get(LOCAL_CLUSTER_ID);
    return r ? this.viewOf(r) : null;
  }
}
