import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminEvent, ClusterView } from '../../../contract/admin-api.ts';
import type { Alert, AlertPage, AlertSilence } from '../../../contract/alerts.ts';
import { JobCache } from '../cache/job-cache.ts';
import type { ClusterHttp } from '../clusters/cluster-http.ts';
import { AlertMirror } from './alert-mirror.ts';
import { AlertService } from './alert-service.ts';
import { SYNC_BEHIND_HOLD_MS } from './desktop-alert-watch.ts';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;

function view(id: string, status: ClusterView['status'], lastError: string | null = null): ClusterView {
  return { id, name: id === 'prod' ? 'Production' : 'Research', url: `https://${id}.example`, colour: '#4f7cff', local: false, enabled: true, status, lastError, lastSyncAt: null, info: null };
}

function alert(id: string, patch: Partial<Alert> = {}): Alert {
  return { id, ruleId: 'queue-length', state: 'firing', severity: 'warning', value: 140, startedAt: new Date(T0).toISOString(), message: 'Queue > 100 jobs (backtest): 140 jobs', ...patch };
}

let cache: JobCache;
let mirror: AlertMirror;
let now: number;
let events: AdminEvent[];
let clusters: ClusterView[];
/** What each cluster's GET /api/v1/alerts answers, per state. */
let served: Record<string, { firing: Alert[]; resolved: Alert[] }>;
let service: AlertService;

beforeEach(() => {
  cache = JobCache.open({ file: ':memory:' }).cache;
  mirror = new AlertMirror(cache.db);
  now = T0;
  events = [];
  clusters = [view('prod', 'online'), view('research', 'online')];
  served = {};
  service = new AlertService({
    mirror,
    emit: (e) => events.push(e),
    http: (clusterId) =>
      ({
        call: async (_route: unknown, input: { query: { state: 'firing' | 'resolved' } }): Promise<AlertPage> => {
          const answer = served[clusterId];
          if (!answer) throw new Error(`${clusterId} cannot be reached`);
          return { items: answer[input.query.state], nextCursor: null };
        },
      }) as unknown as ClusterHttp,
    clusters: () => clusters,
    settings: () => ({ unreachableMinutes: 5, syncBehindMinutes: 2 }),
    now: () => now,
  });
  service.start();
});
afterEach(() => {
  service.stop();
  cache.close();
});

function status(id: string, s: ClusterView['status'], lastError: string | null = null): void {
  clusters = clusters.map((c) => (c.id === id ? view(id, s, lastError) : c));
  service.onAdminEvent({ kind: 'cluster-status', cluster: view(id, s, lastError) });
}

const firingDesktop = () => mirror.list({ state: 'firing', source: 'desktop' }).items;

describe('the desktop\u2019s own alerts', () => {
  it('raises "cluster unreachable" once a cluster stays offline past the setting, and resolves it when it is back', async () => {
    status('prod', 'offline', 'connection refused');
    now += 4 * MIN;
    service.evaluate();
    expect(firingDesktop()).toEqual([]);
    now += 1 * MIN;
    service.evaluate();
    const [raised] = firingDesktop();
    expect(raised).toMatchObject({ clusterId: 'prod', source: 'desktop', ruleId: 'desktop.cluster-unreachable', severity: 'critical', state: 'firing' });
    expect(raised!.message).toBe('Production cannot be reached for 5 min: connection refused');
    expect(events).toContainEqual({ kind: 'alerts-changed', clusterId: 'prod' });
    // Reconnecting attempts in between do not end it; still one alert.
    status('prod', 'connecting');
    now += MIN;
    service.evaluate();
    expect(firingDesktop()).toHaveLength(1);

    served.prod = { firing: [], resolved: [] };
    now += MIN;
    status('prod', 'online');
    expect(firingDesktop()).toEqual([]);
    const history = mirror.list({ state: 'resolved', source: 'desktop' }).items;
    expect(history).toMatchObject([{ id: raised!.id, state: 'resolved', resolvedAt: new Date(now).toISOString() }]);
  });

  it('counts a refused token as unreachable, and a switched-off cluster resolves it', () => {
    status('research', 'unauthorized', 'wrong token: the cluster answered 401');
    now += 5 * MIN;
    service.evaluate();
    expect(firingDesktop().map((a) => a.message)).toEqual(['Research refuses the token for 5 min: wrong token: the cluster answered 401']);
    status('research', 'disabled');
    expect(firingDesktop()).toEqual([]);
  });

  it('raises "sync falling behind" when events keep arriving late, not for a short replay', () => {
    const late = (ms: number) => service.onClusterEvent('prod', { kind: 'job', at: new Date(now - ms).toISOString() });
    late(10 * MIN);
    now += SYNC_BEHIND_HOLD_MS / 2;
    late(1_000);
    service.evaluate();
    expect(firingDesktop()).toEqual([]);
    late(10 * MIN);
    now += SYNC_BEHIND_HOLD_MS;
    late(10 * MIN);
    service.evaluate();
    expect(firingDesktop()).toMatchObject([{ ruleId: 'desktop.sync-behind', severity: 'warning', clusterId: 'prod' }]);
    late(500);
    service.evaluate();
    expect(firingDesktop()).toEqual([]);
  });

  it('lets a desktop alert be acknowledged and silenced without a cluster', async () => {
    status('prod', 'offline');
    now += 5 * MIN;
    service.evaluate();
    const [raised] = firingDesktop();
    const acked = await service.acknowledge('prod', raised!.id, undefined);
    expect(acked.acknowledgedBy).toBe('this app');
    const until = new Date(now + 60 * MIN).toISOString();
    expect((await service.silence('prod', raised!.id, { until })).silencedUntil).toBe(until);
  });
});

describe('mirroring the clusters\u2019 alerts', () => {
  it('reads what fires when a cluster comes online, and marks what resolved meanwhile', async () => {
    mirror.upsert('prod', [alert('a-old'), alert('a-gone')], 'cluster');
    served.prod = { firing: [alert('a-old'), alert('a-new', { severity: 'critical' })], resolved: [alert('a-gone', { state: 'resolved', resolvedAt: new Date(T0 + MIN).toISOString() })] };
    await service.refresh('prod');
    expect(mirror.list({ clusterIds: ['prod'] }).items.map((a) => a.id).sort()).toEqual(['a-new', 'a-old']);
    expect(mirror.get('prod', 'a-gone')).toMatchObject({ state: 'resolved', resolvedAt: new Date(T0 + MIN).toISOString() });

    // Resolved while away and already out of the cluster's recent history: resolved as of now.
    served.prod = { firing: [alert('a-new', { severity: 'critical' })], resolved: [] };
    now += 10 * MIN;
    await service.refresh('prod');
    expect(mirror.get('prod', 'a-old')).toMatchObject({ state: 'resolved', resolvedAt: new Date(now).toISOString() });
  });

  it('follows alert events, keeps clusters apart and never revives a resolved alert', () => {
    service.onClusterEvent('prod', { kind: 'alert.firing', at: new Date(now).toISOString(), alert: alert('x') } as never);
    service.onClusterEvent('research', { kind: 'alert.firing', at: new Date(now).toISOString(), alert: alert('x', { severity: 'critical' }) } as never);
    expect(mirror.firingSummary()).toEqual({ count: 2, critical: 1, worst: 'critical' });
    expect(mirror.firingSummary(['prod'])).toEqual({ count: 1, critical: 0, worst: 'warning' });
    service.onClusterEvent('prod', { kind: 'alert.resolved', at: new Date(now).toISOString(), alert: alert('x', { state: 'resolved', resolvedAt: new Date(now).toISOString() }) } as never);
    service.onClusterEvent('prod', { kind: 'alert.firing', at: new Date(now).toISOString(), alert: alert('x') } as never);
    expect(mirror.get('prod', 'x')!.state).toBe('resolved');
    service.onClusterEvent('research', { kind: 'alert.acknowledged', at: new Date(now).toISOString(), alert: alert('x', { severity: 'critical', acknowledgedBy: 'ops' }) } as never);
    expect(mirror.get('research', 'x')!.acknowledgedBy).toBe('ops');
    expect(events.filter((e) => e.kind === 'alerts-changed').map((e) => (e as { clusterId: string }).clusterId)).toEqual(['prod', 'research', 'prod', 'research']);
  });

  it('filters the history by cluster, severity, state and period, newest first, in pages', () => {
    const at = (m: number) => new Date(T0 + m * MIN).toISOString();
    mirror.upsert('prod', [alert('p1', { startedAt: at(0), state: 'resolved', resolvedAt: at(5) }), alert('p2', { startedAt: at(10), severity: 'critical' }), alert('p3', { startedAt: at(20) })], 'cluster');
    mirror.upsert('research', [alert('r1', { startedAt: at(15) })], 'cluster');
    const ids = (q: Parameters<AlertMirror['list']>[0]) => mirror.list(q).items.map((a) => `${a.clusterId}/${a.id}`);
    expect(ids({ state: 'all' })).toEqual(['prod/p3', 'research/r1', 'prod/p2', 'prod/p1']);
    expect(ids({ state: 'firing', severity: 'critical' })).toEqual(['prod/p2']);
    expect(ids({ state: 'all', clusterIds: ['research'] })).toEqual(['research/r1']);
    expect(ids({ state: 'all', since: at(6), until: at(16) })).toEqual(['research/r1', 'prod/p2']);
    const first = mirror.list({ state: 'all', limit: 3 });
    expect(first.total).toBe(4);
    expect(ids({ state: 'all', limit: 3, cursor: first.nextCursor! })).toEqual(['prod/p1']);
    expect(() => mirror.list({ state: 'all', cursor: 'nonsense' })).toThrow(/cursor/);
  });
});

describe('ending a silence', () => {
  it('ends it on the cluster and shows the alerts it covered unsilenced, or until another silence that still covers them', async () => {
    const at = (m: number) => new Date(T0 + m * MIN).toISOString();
    const silences: AlertSilence[] = [
      { id: 's-rule', ruleId: 'queue-length', until: at(60), createdBy: 'ops', createdAt: at(0) },
      { id: 's-queue', queue: 'sweep', until: at(30), createdBy: 'ops', createdAt: at(0) },
    ];
    const calls: string[] = [];
    const withSilences = new AlertService({
      mirror,
      emit: (e) => events.push(e),
      http: () =>
        ({
          call: async (route: { method: string; path: string }, input?: { params?: { id: string } }) => {
            calls.push(`${route.method} ${route.path.replace(':id', input?.params?.id ?? ':id')}`);
            if (route.method === 'DELETE') silences.splice(silences.findIndex((s) => s.id === input!.params!.id), 1);
            return { items: [...silences] };
          },
        }) as unknown as ClusterHttp,
      clusters: () => clusters,
      settings: () => undefined,
      now: () => now,
    });
    mirror.upsert('prod', [alert('backtest', { scope: { kind: 'queue', queue: 'backtest' }, silencedUntil: at(60) }), alert('sweep', { scope: { kind: 'queue', queue: 'sweep' }, silencedUntil: at(60) })], 'cluster');
    mirror.upsert('research', [alert('backtest', { scope: { kind: 'queue', queue: 'backtest' }, silencedUntil: at(60) })], 'cluster');
    events = [];
    await withSilences.endSilence('prod', 's-rule');
    expect(calls).toEqual(['DELETE /api/v1/alerts/silences/s-rule', 'GET /api/v1/alerts/silences']);
    expect(mirror.get('prod', 'backtest')!.silencedUntil).toBeUndefined();
    // The queue's own silence still holds the sweep alert, until its own end.
    expect(mirror.get('prod', 'sweep')!.silencedUntil).toBe(at(30));
    // Another cluster's alert is not touched.
    expect(mirror.get('research', 'backtest')!.silencedUntil).toBe(at(60));
    expect(events).toEqual([{ kind: 'alerts-changed', clusterId: 'prod' }]);
  });
});
