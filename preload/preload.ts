/**
 * The preload: exposes exactly the AdminApi to the sandboxed renderer as `window.sigmatiq` —
 * one function per AdminApi method, each invoking its own IPC channel, plus `onEvent` that returns
 * its unsubscribe function. Nothing generic (no `send`/`invoke` passthrough) crosses the bridge.
 * Arguments are validated on the main side (main/electron/ipc-bridge.ts), never trusted here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AdminApi, AdminApiMethod, AdminEvent } from '../contract/admin-api.ts';
import { ADMIN_EVENT_CHANNEL, adminChannel, type IpcReply } from '../contract/ipc.ts';
import { PRELOAD_METHODS } from './admin-api-methods.ts';

/** The window property the renderer reads (renderer/api is the only code that touches it). */
export const BRIDGE_KEY = 'sigmatiq';

/** Turns the main side's reply into the method's result, or a rejection carrying the admin-facing message. */
function unwrapReply(method: AdminApiMethod, reply: unknown): unknown {
  const r = reply as IpcReply | undefined;
  if (r && r.ok === true) return r.result;
  if (r && r.ok === false) {
    // Only an Error's message survives contextBridge, so the words for the admin go there.
    const error = new Error(r.error.message);
    error.name = 'AdminError';
    throw Object.assign(error, { code: r.error.code });
  }
  throw new Error(`${method}: the app answered in an unexpected form; please restart it.`);
}

/** Builds the AdminApi object over an ipcRenderer (the real one in Electron, a fake in tests). */
export function buildBridge(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): AdminApi {
  const api: Record<string, unknown> = {};
  for (const method of PRELOAD_METHODS) {
    const channel = adminChannel(method);
    api[method] = async (...args: unknown[]) => unwrapReply(method, await ipc.invoke(channel, ...args));
  }
  api.onEvent = (listener: (event: AdminEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
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
  contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridge(ipcRenderer));
}
