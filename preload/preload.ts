/**
 * The preload: exposes exactly the AdminApi to the sandboxed renderer as `window.sigmatiq` —
 * one function per AdminApi method, each invoking its own IPC channel, plus `onEvent` that returns
 * its unsubscribe function. Nothing generic (no `send`/`invoke` passthrough) crosses the bridge.
 * Arguments are validated on the main side (main/electron/ipc-bridge.ts), never trusted here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ADMIN_API_METHODS, type AdminApi, type AdminEvent } from '../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL, adminChannel } from '../contract/ipc.ts';

export function buildBridge(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): AdminApi {
  const api: Record<string, unknown> = {};
  for (const method of ADMIN_API_METHODS) {
    const channel = adminChannel(method);
    api[method] = (...args: unknown[]) => ipc.invoke(channel, ...args);
  }
  api.onEvent = (listener: (event: AdminEvent) => void) => {
    const handler = (_event: IpcRendererEvent, payload: AdminEvent) => listener(payload);
    ipc.on(ADMIN_EVENT_CHANNEL, handler);
    return () => {
      ipc.removeListener(ADMIN_EVENT_CHANNEL, handler);
    };
  };
  return Object.freeze(api) as AdminApi;
}

// Only when loaded by Electron as a preload (tests import buildBridge alone).
if (typeof contextBridge?.exposeInMainWorld === 'function') {
  contextBridge.exposeInMainWorld('sigmatiq', buildBridge(ipcRenderer));
}
