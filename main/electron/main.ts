/**
 * The Electron main process: the composition root of the desktop app and the only file here that
 * touches Electron's runtime modules. Everything it wires is decided elsewhere and tested there:
 * security.ts / main-window.ts (window and page policy), app-protocol.ts (app:// with the CSP),
 * ipc-bridge.ts (AdminApi over IPC), settings-store.ts / secret-store.ts, tray-*.ts,
 * desktop-notifier.ts / notification-triggers.ts, embedded-cluster.ts (utilityProcess).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  shell,
  Tray,
  utilityProcess,
  type MessageBoxOptions,
} from 'electron';
import ElectronStore from 'electron-store';
import type { AdminEvent } from '../../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL } from '../../contract/ipc.ts';
import { createDesktopCore } from '../core/desktop-core.ts';
import { installLastResort } from '../core/last-resort.ts';
import type { DesktopCore } from '../core/ports.ts';
import { AlertNotifications, type FiringAlertItem } from './alert-notifications.ts';
import { aboutDetail, appMenuTemplate } from './app-menu.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { DesktopNotifier } from './desktop-notifier.ts';
import { UtilityClusterLauncher } from './embedded-cluster.ts';
import { forwardAdminEvents, registerAdminIpc } from './ipc-bridge.ts';
import { hardenWebContents, mainWindowOptions, WINDOW_TITLE } from './main-window.ts';
import { electronSqliteBindingPath } from './native-binding.ts';
import { NotificationTriggers } from './notification-triggers.ts';
import { SafeSecretStore } from './secret-store.ts';
import { APP_SCHEME, APP_START_URL } from './security.ts';
import { describeSettingsRepair, openShellSettings, savedWindowBounds, type KeyValueStore, type ShellSettingsStore } from './settings-store.ts';
import { TrayController } from './tray-controller.ts';
import { trayStateOf, TRAY_STATES, type TrayStateName } from './tray-state.ts';
import { restoreBounds, trackWindowState } from './window-state.ts';

const BUNDLE_DIR = import.meta.dirname; // out/node
const OUT_DIR = path.join(BUNDLE_DIR, '..');
const RENDERER_DIR = path.join(OUT_DIR, 'renderer');
const PRELOAD_PATH = path.join(OUT_DIR, 'preload', 'preload.cjs');
const CLUSTER_ENTRY = path.join(BUNDLE_DIR, 'cluster-cli.js');
/** Icons: shipped as extra resources in the package, read from the repository in development. */
const ICON_DIR = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(OUT_DIR, '..', 'resources', 'icons');
const APP_ICON = path.join(ICON_DIR, 'app.png');
const TRAY_REFRESH_MS = 30_000;
const QUIT_TIMEOUT_MS = 25_000;

function log(line: string): void {
  console.log(`${new Date().toISOString()} [sigmatiq] ${line}`);
}

// Before 'ready': the custom scheme must be known as privileged, and the app's name fixes userData.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.setName(WINDOW_TITLE);
app.setPath('userData', path.join(app.getPath('appData'), WINDOW_TITLE));
app.setAboutPanelOptions({ applicationName: WINDOW_TITLE, applicationVersion: app.getVersion(), copyright: 'Copyright © 2026 Sigmatiq' });

let mainWindow: BrowserWindow | null = null;
let core: DesktopCore | null = null;
let quitting: 'no' | 'stopping' | 'done' = 'no';

// A fault nothing caught: log it, stop the core (cache closed, local cluster stopped), exit with 1.
installLastResort({ process, log, shutdown: async () => void (await core?.stop()), exit: (code) => app.exit(code), timeoutMs: QUIT_TIMEOUT_MS });

function appWindows(): BrowserWindow[] {
  return mainWindow && !mainWindow.isDestroyed() ? [mainWindow] : [];
}

function showWindow(settings: ShellSettingsStore): BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow(settings);
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
  return mainWindow;
}

function createMainWindow(settings: ShellSettingsStore): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const bounds = restoreBounds(savedWindowBounds(settings), areas);
  const win = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD_PATH, bounds, ...(existsSync(APP_ICON) ? { iconPath: APP_ICON } : {}) }));
  trackWindowState(win, (b) => settings.set('window', b));
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_START_URL);
  return win;
}

async function messageBox(options: MessageBoxOptions): Promise<number> {
  const parent = appWindows()[0];
  const result = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return result.response;
}

async function askPlaintextPolicy(): Promise<'store' | 'session'> {
  const response = await messageBox({
    type: 'warning',
    title: 'No keyring for cluster tokens',
    message: 'This system has no keyring (such as GNOME Keyring or KWallet) to encrypt cluster tokens.',
    detail:
      'Keep tokens for this session only — you enter them again after a restart — or store them in a file only you can read, obfuscated but not encrypted. ' +
      'The cluster settings show which one is in use; to be asked again, set "plaintextTokens" to "ask" in settings.json.',
    buttons: ['Keep for this session only', 'Store on this computer'],
    defaultId: 0,
    cancelId: 0,
  });
  return response === 1 ? 'store' : 'session';
}

function trayImages(): Record<TrayStateName, Electron.NativeImage> {
  // The 16 px icon with its @2x sibling, which nativeImage picks up for HiDPI screens by name.
  return Object.fromEntries(TRAY_STATES.map((s) => [s, nativeImage.createFromPath(path.join(ICON_DIR, `tray-${s}.png`))])) as Record<TrayStateName, Electron.NativeImage>;
}

async function startApp(): Promise<void> {
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: RENDERER_DIR }));

  const settings = openShellSettings((options) => new ElectronStore({ ...options, schema: options.schema as never }) as unknown as KeyValueStore);
  const secrets = new SafeSecretStore({
    safeStorage,
    platform: process.platform,
    file: path.join(app.getPath('userData'), 'secrets.json'),
    policy: { get: () => settings.get('plaintextTokens'), set: (p) => settings.set('plaintextTokens', p) },
    askPlaintextPolicy,
    log,
  });

  let notificationsEnabled = true;
  const openAlert = (clusterId: string, alertId: string) => {
    const event: AdminEvent = { kind: 'focus-alert', clusterId, alertId };
    showWindow(settings).webContents.send(ADMIN_EVENT_CHANNEL, event);
  };
  const pausedUntil = () => {
    const until = settings.get('notificationsPausedUntil');
    return until ? new Date(until) : null;
  };
  const notifier = new DesktopNotifier({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    isMuted: () => !notificationsEnabled || (pausedUntil()?.getTime() ?? 0) > Date.now(),
    focus: (target) => {
      const win = showWindow(settings);
      if (target.clusterId && target.jobId) {
        const event: AdminEvent = { kind: 'focus-job', clusterId: target.clusterId, jobId: target.jobId };
        win.webContents.send(ADMIN_EVENT_CHANNEL, event);
      } else if (target.clusterId && target.alertId) {
        openAlert(target.clusterId, target.alertId);
      }
    },
    // Electron shows notification buttons on macOS only; elsewhere a click opens the alert and its buttons.
    supportsActions: () => process.platform === 'darwin',
    ...(existsSync(APP_ICON) ? { iconPath: APP_ICON } : {}),
  });

  const sqliteNativeBinding = electronSqliteBindingPath(BUNDLE_DIR);
  if (!existsSync(sqliteNativeBinding)) {
    dialog.showErrorBox(
      'Sigmatiq Admin Jobs cannot open its job cache',
      `The SQLite addon built for Electron is missing (${sqliteNativeBinding}).\n\nRun "node bin/build-electron-native.js" (it needs network access to Electron's headers) and start the app again.`,
    );
    app.exit(1);
    return;
  }

  const desktop = createDesktopCore({
    dataDir: path.join(app.getPath('userData'), 'data'),
    secrets,
    settings: settings.core,
    embeddedCluster: new UtilityClusterLauncher({ fork: (m, a, o) => utilityProcess.fork(m, a, o), entry: CLUSTER_ENTRY, log }),
    notifier,
    revealFile: (file) => shell.showItemInFolder(file),
    log,
    sqliteNativeBinding,
  });
  core = desktop;

  const triggers = new NotificationTriggers({ notifier, api: desktop.api, log });
  let firing: FiringAlertItem[] = [];
  const alertNotifications = new AlertNotifications({
    api: desktop.api,
    notifier,
    onFiring: (items) => {
      firing = items;
      scheduleTray();
    },
    log,
  });
  // The window opens while the core starts; its first calls wait for the core.
  let coreStarted!: () => void;
  let coreFailed!: (error: unknown) => void;
  const coreReady = new Promise<void>((resolve, reject) => {
    coreStarted = resolve;
    coreFailed = reject;
  });
  coreReady.catch(() => {});
  registerAdminIpc({ ipcMain, api: desktop.api, windows: appWindows, afterCall: (call) => triggers.onAcceptedCall(call), coreReady, log });
  forwardAdminEvents(desktop.onEvent, appWindows);

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        appName: WINDOW_TITLE,
        isDevelopment: !app.isPackaged,
        openWindow: () => showWindow(settings),
        showAbout: () =>
          void messageBox({
            type: 'info',
            title: `About ${WINDOW_TITLE}`,
            message: WINDOW_TITLE,
            detail: aboutDetail({ app: app.getVersion(), electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node }),
            ...(existsSync(APP_ICON) ? { icon: nativeImage.createFromPath(APP_ICON) } : {}),
          }),
      }),
    ),
  );

  let tray: TrayController<Electron.NativeImage, Electron.Menu> | null = null;
  try {
    const images = trayImages();
    tray = new TrayController({
      tray: new Tray(images.ok),
      images,
      buildMenu: (template) => Menu.buildFromTemplate(template),
      openWindow: () => showWindow(settings),
      openAlert,
      quit: () => app.quit(),
      pausedUntil,
      setPausedUntil: (until) => settings.set('notificationsPausedUntil', until ? until.toISOString() : null),
    });
  } catch (error) {
    // Some Linux desktops have no tray; the app then quits with its last window.
    log(`no tray icon: ${String(error)}`);
  }
  let trayTimer: NodeJS.Timeout | null = null;
  const refreshTray = async () => {
    if (!tray) return;
    try {
      const [summary, clusters] = await Promise.all([desktop.api.getSummary(), desktop.api.listClusters()]);
      tray.update(trayStateOf({ summary, clusters, firing }));
    } catch (error) {
      log(`tray refresh failed: ${String(error)}`);
    }
  };
  const scheduleTray = () => {
    trayTimer ??= setTimeout(() => {
      trayTimer = null;
      void refreshTray();
    }, 2_000);
  };
  desktop.onEvent((event) => {
    if (event.kind === 'settings-changed') notificationsEnabled = event.settings.notificationsEnabled;
    void triggers.onEvent(event);
    alertNotifications.onEvent(event);
    scheduleTray();
  });

  app.on('window-all-closed', () => {
    // With a tray the app keeps watching the clusters; without one, closing the window quits.
    if (!tray && process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow(settings));
  app.on('second-instance', () => showWindow(settings));

  showWindow(settings);

  const repair = describeSettingsRepair(settings);
  if (repair) {
    log(repair);
    void messageBox({ type: 'warning', title: 'Settings repaired', message: 'Some settings were not valid and were reset.', detail: repair });
  }

  try {
    await desktop.start();
    coreStarted();
  } catch (error) {
    coreFailed(error);
    throw error;
  }
  notificationsEnabled = (await desktop.api.getSettings()).notificationsEnabled;
  void alertNotifications.refresh();
  void refreshTray();
  setInterval(() => void refreshTray(), TRAY_REFRESH_MS).unref();
}

app.on('web-contents-created', (_event, contents) => {
  // Every page the app ever gets (the main window, anything it might open) gets the same policy.
  hardenWebContents({ webContents: contents, session: contents.session, openExternal: (url) => shell.openExternal(url), log });
});

app.on('before-quit', (event) => {
  if (quitting === 'done' || !core) return;
  event.preventDefault();
  if (quitting === 'stopping') return;
  quitting = 'stopping';
  // Stop the core (and with it the embedded cluster and its PostgreSQL) before the process ends.
  const timeout = new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS));
  void Promise.race([core.stop().catch((error: unknown) => log(`stopping the core failed: ${String(error)}`)), timeout]).finally(() => {
    quitting = 'done';
    app.quit();
  });
});

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the data folder and the embedded cluster; it shows its window instead.
  app.quit();
} else {
  app
    .whenReady()
    .then(startApp)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`could not start: ${message}`);
      dialog.showErrorBox('Sigmatiq Admin Jobs could not start', `${message}\n\nIf this keeps happening, start it from a terminal with "npm start" to see its log.`);
      app.exit(1);
    });
}
