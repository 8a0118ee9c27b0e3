/**
 * The desktop core's composition: cache, settings, cluster registry, the embedded local cluster
 * and the AdminApi, wired from the ports a shell provides (Electron or browser mode).
 */
import path from 'node:path';
import { LOCAL_CLUSTER_ID, type CacheHealth, type ClusterView } from '../../contract/admin-api.ts';
import { createAdminApi } from './admin-api.ts';
import { AdminEventHub } from './admin-event-hub.ts';
import { AlertMirror } from './alerts/alert-mirror.ts';
import { AlertService } from './alerts/alert-service.ts';
import { JobCache } from './cache/job-cache.ts';
import { listMovedAside, MOVED_ASIDE_KEEP_DAYS, removeExpiredMovedAside } from './cache/moved-aside.ts';
import { ClusterRegistry, type ClusterRegistryOptions } from './clusters/cluster-registry.ts';
import type { DesktopCore, DesktopCorePorts, EmbeddedClusterHandle } from './ports.ts';
import { ReportMailer } from './reports/report-mailer.ts';
import { ReportScheduler } from './reports/report-scheduler.ts';
import { SavedReports } from './reports/saved-reports.ts';
import { runScheduledReport } from './reports/scheduled-report.ts';
import { SettingsService } from './settings/settings-service.ts';

/** Knobs for tests; the app uses the defaults. */
export interface DesktopCoreTuning {
  clientOptions?: ClusterRegistryOptions['clientOptions'];
  syncOptions?: ClusterRegistryOptions['syncOptions'];
  /** How often retention runs (ms). */
  retentionEveryMs?: number;
  /** Restart the local cluster after a crash this many times in a row at most. */
  localRestarts?: number;
  /** How often a cache write is tried again while the disk refuses it (ms). */
  retryWriteMs?: number;
  /** How often the desktop's own alert rules are evaluated (ms). */
  alertEvaluateEveryMs?: number;
}

/** Build the core. Nothing runs until `start()`. */
export function createDesktopCore(ports: DesktopCorePorts, tuning: DesktopCoreTuning = {}): DesktopCore {
  const log = ports.log ?? (() => {});
  const events = new AdminEventHub(100, log);
  const settings = new SettingsService(ports.settings);
  let cache: JobCache | null = null;
  let registry: ClusterRegistry | null = null;
  let alertMirror: AlertMirror | null = null;
  let alerts: AlertService | null = null;
  let local: EmbeddedClusterHandle | null = null;
  let localStarting: Promise<void> | null = null;
  /** Settles when every stop of the local cluster asked for so far has finished. */
  let localStopped: Promise<void> = Promise.resolve();
  let crashes = 0;
  let stopped = false;
  let closing: Promise<void> | null = null;
  const timers: NodeJS.Timeout[] = [];

  const need = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`the desktop core is not started (${what})`);
    return value;
  };

  async function startLocal(): Promise<void> {
    const launcher = ports.embeddedCluster;
    const reg = need(registry, 'registry');
    await localStopped;
    if (!launcher || local || stopped) return;
    reg.setLocalIdle('connecting', 'starting the local cluster…');
    try {
      const handle = await launcher.start({ dataDir: ports.dataDir, sampleWorkload: true });
      if (stopped || !settings.settings.localClusterEnabled) {
        await handle.stop();
        return;
      }
      local = handle;
      reg.attachLocal(handle.url, handle.token);
      void handle.exited.then(async ({ code, lastOutput }) => {
        if (local !== handle) return; // stopped on purpose
        local = null;
        crashes++;
        const message = `the local cluster stopped unexpectedly (exit code ${code})${lastOutput ? `: ${lastOutput.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
        log(message);
        await reg.detachLocal('offline', message);
        if (crashes <= (tuning.localRestarts ?? 3) && settings.settings.localClusterEnabled && !stopped) {
          setTimeout(() => void ensureLocal(), 2_000 * crashes).unref();
        }
      });
    } catch (error) {
      const message = `the local cluster could not start: ${error instanceof Error ? error.message : String(error)}`;
      log(message);
      reg.setLocalIdle('offline', message, 'unreachable');
    }
  }

  function ensureLocal(): Promise<void> {
    localStarting ??= startLocal().finally(() => (localStarting = null));
    return localStarting;
  }

  /**
   * Stops run one after another, and each waits for the ones before it: closing the app while the
   * local cluster is being switched off must wait for that cluster to let go of its data folder
   * (PostgreSQL writes its shutdown checkpoint there), and so must switching it back on.
   */
  async function stopLocal(status: ClusterView['status'], message: string | null): Promise<void> {
    await localStarting;
    const handle = local;
    local = null;
    const mine = localStopped.then(async () => {
      await registry?.detachLocal(status, message);
      await handle?.stop();
    });
    localStopped = mine.catch((error: unknown) => log(`the local cluster did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`));
    await mine;
  }

  async function setLocalClusterEnabled(enabled: boolean): Promise<ClusterView | null> {
    if (settings.settings.localClusterEnabled !== enabled) {
      const next = await settings.update({ localClusterEnabled: enabled });
      events.emit({ kind: 'settings-changed', settings: next });
    }
    if (!ports.embeddedCluster) return null;
    if (enabled) {
      crashes = 0;
      await ensureLocal();
    } else {
      await stopLocal('disabled', 'the local cluster is switched off in the settings');
      if (!registry?.has(LOCAL_CLUSTER_ID)) registry?.setLocalIdle('disabled', 'the local cluster is switched off in the settings');
    }
    return registry?.localView() ?? null;
  }

  const cacheFile = path.join(ports.dataDir, 'cache.db');

  function cacheHealth(): CacheHealth {
    const state = cache?.health.state ?? { problem: null, message: null, since: null, writesPaused: false };
    return { folder: ports.dataDir, ...state, movedAside: listMovedAside(cacheFile) };
  }

  /** A write of the cache's own upkeep failed: a storage failure pauses writing, anything else is logged. */
  function upkeepFailed(what: string, error: unknown): void {
    if (!cache?.health.report(error)) log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  function removeExpiredCopies(): void {
    try {
      const removed = removeExpiredMovedAside(cacheFile);
      if (removed.length === 0) return;
      log(`removed damaged cache copies older than ${MOVED_ASIDE_KEEP_DAYS} days: ${removed.join(', ')}`);
      events.emit({ kind: 'cache-health', health: cacheHealth() });
    } catch (error) {
      log(`could not remove old damaged cache copies: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function applyRetention(): void {
    removeExpiredCopies();
    if (!cache?.health.writable) return;
    try {
      const removed = cache.applyRetention(settings.settings.retentionDays);
      if (removed > 0) log(`cache retention: removed ${removed} finished jobs older than ${settings.settings.retentionDays} days`);
    } catch (error) {
      upkeepFailed('cache retention', error);
    }
  }

  function optimizeCache(): void {
    if (!cache?.health.writable) return;
    try {
      cache.optimize();
    } catch (error) {
      upkeepFailed('cache optimize', error);
    }
  }

  const savedReports = new SavedReports(path.join(ports.dataDir, 'reports'));
  const reportMailer = new ReportMailer(path.join(ports.dataDir, 'report-mail.json'), ports.secrets, log);
  const reportScheduler = new ReportScheduler({
    file: path.join(ports.dataDir, 'report-schedules.json'),
    log,
    run: (run) => runScheduledReport({ cache: need(cache, 'cache'), saved: savedReports, mailer: reportMailer }, run),
  });

  const api = createAdminApi({
    get cache() {
      return need(cache, 'cache');
    },
    get registry() {
      return need(registry, 'registry');
    },
    events,
    settings,
    setLocalClusterEnabled,
    applyRetention,
    cacheHealth,
    reports: {
      cache: () => need(cache, 'cache'),
      saved: savedReports,
      scheduler: () => reportScheduler,
      mailer: reportMailer,
      ...(ports.revealFile ? { reveal: ports.revealFile } : {}),
    },
    alerts: {
      mirror: () => need(alertMirror, 'alert mirror'),
      service: () => need(alerts, 'alerts'),
      http: (clusterId) => need(registry, 'registry').client(clusterId).http,
      known: (clusterId) => void need(registry, 'registry').view(clusterId),
    },
    log,
  });

  return {
    api,
    onEvent: (listener) => events.subscribe(listener),

    async start() {
      const state = await settings.load();
      for (const problem of settings.problems) log(`settings: ${problem}`);
      const opened = JobCache.open({
        file: cacheFile,
        log,
        ...(ports.sqliteNativeBinding ? { nativeBinding: ports.sqliteNativeBinding } : {}),
        ...(tuning.retryWriteMs ? { retryWriteMs: tuning.retryWriteMs } : {}),
      });
      cache = opened.cache;
      cache.health.onChange(() => events.emit({ kind: 'cache-health', health: cacheHealth() }));
      // openCacheDatabase has logged the repair (once); the admin is told here.
      if (opened.recovered) {
        ports.notifier?.notify({ title: 'Job cache rebuilt', body: opened.recovered, level: 'warning' });
      }
      registry = new ClusterRegistry({
        cache,
        secrets: ports.secrets,
        events,
        saveClusters: (clusters) => settings.saveClusters(clusters),
        log,
        clientOptions: tuning.clientOptions,
        syncOptions: tuning.syncOptions,
        onClusterEvent: (clusterId, event) => alerts?.onClusterEvent(clusterId, event),
      });
      await registry.load(state.clusters);
      alertMirror = new AlertMirror(cache.db);
      const reg = registry;
      alerts = new AlertService({
        mirror: alertMirror,
        emit: (event) => events.emit(event),
        http: (clusterId) => reg.client(clusterId).http,
        clusters: () => reg.list(),
        settings: () => settings.settings.desktopAlerts,
        log,
        ...(tuning.alertEvaluateEveryMs ? { evaluateEveryMs: tuning.alertEvaluateEveryMs } : {}),
      });
      const service = alerts;
      events.subscribe((event) => service.onAdminEvent(event));
      alerts.start();
      // Runs missed while the app was closed are made now, in the background.
      void reportScheduler.start().catch((error: unknown) => log(`report schedules: ${error instanceof Error ? error.message : String(error)}`));
      applyRetention();
      timers.push(setInterval(applyRetention, tuning.retentionEveryMs ?? 3_600_000));
      timers.push(setInterval(optimizeCache, 6 * 3_600_000));
      for (const t of timers) t.unref();
      registry.start();
      if (ports.embeddedCluster) {
        if (state.settings.localClusterEnabled) void ensureLocal();
        else registry.setLocalIdle('disabled', 'the local cluster is switched off in the settings');
      }
    },

    stop() {
      // Once: a second call (a quit while closing) waits for the first instead of using a closed cache.
      closing ??= (async () => {
        stopped = true;
        for (const t of timers) clearInterval(t);
        alerts?.stop();
        await reportScheduler.stop();
        await stopLocal('disabled', 'the app is closing');
        await registry?.stop();
        events.flush();
        events.close();
        cache?.close();
        cache = null;
      })();
      return closing;
    },
  };
}
