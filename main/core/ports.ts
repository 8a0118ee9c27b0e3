/**
 * Ports of the desktop core: what the core needs from its host, implemented by the Electron shell
 * (main/electron: safeStorage, electron-store, utilityProcess, native notifications) and by the
 * browser-mode host (main/web: a 0600 file, a JSON file, child_process.fork, no notifications).
 * The core is composed by `createDesktopCore(ports)` (main/core/desktop-core.ts).
 */
import type { AdminApi, AdminEvent } from '../../contract/admin-api.ts';

/** Cluster tokens live here, never in settings or the cache. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** How secrets are protected, for the UI ("OS keychain", "file readable only by you", "session only"). */
  describe(): string;
}

/** Raw persisted settings (a JSON object); the core parses it with its zod schema and repairs it. */
export interface SettingsStore {
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
}

/** A started embedded cluster: where to reach it and how to stop it. */
export interface EmbeddedClusterHandle {
  url: string;
  token: string;
  stop(): Promise<void>;
  /** Resolves when the process exits on its own (crash); carries its last stderr lines. */
  exited: Promise<{ code: number | null; lastOutput: string }>;
}

/** Starts `cluster/` as a separate process (utilityProcess in the app, child_process.fork in browser mode). */
export interface EmbeddedClusterLauncher {
  start(options: { dataDir: string; sampleWorkload: boolean }): Promise<EmbeddedClusterHandle>;
}

/** A button on a notification (where the platform shows them: macOS). */
export interface NotifierAction {
  label: string;
  run: () => void;
}

/** Desktop notifications (native in the app; none in browser mode). */
export interface Notifier {
  notify(notification: {
    title: string;
    body: string;
    clusterId?: string;
    jobId?: string;
    /** A click opens this alert (of `clusterId`). */
    alertId?: string;
    level: 'info' | 'warning' | 'critical';
    actions?: NotifierAction[];
  }): void;
}

export interface DesktopCorePorts {
  /** Folder for cache.db and other local state. */
  dataDir: string;
  secrets: SecretStore;
  settings: SettingsStore;
  embeddedCluster: EmbeddedClusterLauncher | null;
  notifier: Notifier | null;
  /** Show a file in the system's file manager (the app); absent in browser mode. */
  revealFile?: (file: string) => void;
  log?: (line: string) => void;
  /**
   * better-sqlite3's native addon to load instead of the one in node_modules: the Electron shell
   * passes the build for Electron's ABI (`out/native/electron/better_sqlite3.node`); omitted under Node.
   */
  sqliteNativeBinding?: string;
}

/** The running core: the AdminApi plus lifecycle. */
export interface DesktopCore {
  api: AdminApi;
  /** Subscribe to AdminEvents (the shells forward them to windows / SSE clients). */
  onEvent(listener: (event: AdminEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
