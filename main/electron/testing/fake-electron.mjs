// A stand-in for the 'electron' module, for loading the built main bundle under plain Node
// (bundles.test.ts). It records what the bundle asks of Electron and prints one REPORT line when the
// app quits or exits. Scenario by env: FAKE_SINGLE_INSTANCE_LOCK=0 (another instance runs).
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const report = { schemes: [], handled: [], ipcChannels: [], errorBoxes: [], quit: false, exitCode: null, windows: [], probe: null, userData: null };
const userData = process.env.FAKE_USER_DATA;
mkdirSync(userData, { recursive: true });
let protocolHandler = null;

async function finish(code) {
  if (protocolHandler) {
    const res = await protocolHandler(new Request('app://renderer/index.html'));
    const body = await res.text();
    report.probe = { status: res.status, csp: res.headers.get('content-security-policy'), type: res.headers.get('content-type'), html: body.slice(0, 2000) };
  }
  report.exitCode = code;
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  process.exit(code ?? 0);
}

class Emitter {
  constructor() {
    this.listeners = {};
  }
  on(event, listener) {
    (this.listeners[event] ??= []).push(listener);
    return this;
  }
  once(event, listener) {
    return this.on(event, listener);
  }
}

export const app = Object.assign(new Emitter(), {
  isPackaged: false,
  setName() {},
  getName: () => 'Sigmatiq Admin Jobs',
  getVersion: () => '0.0.0-test',
  setPath(name, value) {
    if (name === 'userData') report.userData = value;
  },
  getPath: (name) => (name === 'userData' ? userData : path.join(userData, '..', name)),
  setAboutPanelOptions() {},
  requestSingleInstanceLock: () => process.env.FAKE_SINGLE_INSTANCE_LOCK !== '0',
  whenReady: () => Promise.resolve(),
  quit() {
    report.quit = true;
    void finish(0);
  },
  exit(code) {
    void finish(code);
  },
});
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => report.schemes.push(...schemes),
  handle(scheme, handler) {
    report.handled.push(scheme);
    protocolHandler = handler;
  },
};
export const ipcMain = { handle: (channel) => report.ipcChannels.push(channel), removeHandler() {}, on() {} };
export const dialog = {
  showErrorBox: (title, content) => report.errorBoxes.push({ title, content }),
  showMessageBox: async () => ({ response: 0 }),
};
export const safeStorage = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '', getSelectedStorageBackend: () => 'basic_text' };
export class Notification extends Emitter {
  static isSupported = () => false;
  show() {}
}
export class BrowserWindow extends Emitter {
  constructor(options) {
    super();
    report.windows.push(options);
  }
}
export const screen = { getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }), getAllDisplays: () => [] };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu() {} };
export const nativeImage = { createFromPath: (p) => ({ path: p }) };
export class Tray extends Emitter {}
export const shell = { openExternal: async () => {} };
export const utilityProcess = { fork() { throw new Error('not in this test'); } };
export default { app, protocol, ipcMain, dialog, safeStorage, Notification, BrowserWindow, screen, Menu, nativeImage, Tray, shell, utilityProcess };
